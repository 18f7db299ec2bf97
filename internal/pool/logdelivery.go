package pool

import (
	"context"
	"errors"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/store"
)

// KindLogDelivery is the record (id: the pool id) of a pool's log export
// settings, stored as the model's LogDeliveryConfigurationType. cirro
// keeps them so that Get returns what Set stored; it exports nothing.
const KindLogDelivery = "logdelivery"

// checkLogConfiguration applies the rules the model states in prose
// (LogConfigurationType): message-delivery logs (userNotification) are
// ERROR-level and go to CloudWatch Logs; threat-protection user activity
// (userAuthEvents) is INFO-level, may also go to S3 or Firehose, and
// needs the Plus plan. Each configuration has exactly one destination.
func checkLogConfiguration(p *cognitoidp.UserPoolType, c cognitoidp.LogConfigurationType) error {
	var dests []string
	if d := c.CloudWatchLogsConfiguration; d != nil {
		dests = append(dests, "CloudWatchLogsConfiguration")
		if d.LogGroupArn == nil {
			return errs.New(errs.InvalidParameterException, "CloudWatchLogsConfiguration.LogGroupArn is required.")
		}
		if err := logGroup.check("CloudWatchLogsConfiguration.LogGroupArn", *d.LogGroupArn); err != nil {
			return err
		}
	}
	if d := c.FirehoseConfiguration; d != nil {
		dests = append(dests, "FirehoseConfiguration")
		if d.StreamArn == nil {
			return errs.New(errs.InvalidParameterException, "FirehoseConfiguration.StreamArn is required.")
		}
		if err := firehoseStream.check("FirehoseConfiguration.StreamArn", *d.StreamArn); err != nil {
			return err
		}
	}
	if d := c.S3Configuration; d != nil {
		dests = append(dests, "S3Configuration")
		if d.BucketArn == nil {
			return errs.New(errs.InvalidParameterException, "S3Configuration.BucketArn is required.")
		}
	}
	if len(dests) != 1 {
		return errs.New(errs.InvalidParameterException, "Each log configuration must have exactly one destination.")
	}
	switch *c.EventSource {
	case cognitoidp.EventSourceNameUsernotification:
		if *c.LogLevel != cognitoidp.LogLevelError || dests[0] != "CloudWatchLogsConfiguration" {
			return errs.New(errs.InvalidParameterException, "userNotification logs must have LogLevel ERROR and a CloudWatchLogsConfiguration.")
		}
	case cognitoidp.EventSourceNameUserauthevents:
		if *c.LogLevel != cognitoidp.LogLevelInfo {
			return errs.New(errs.InvalidParameterException, "userAuthEvents logs must have LogLevel INFO.")
		}
		return requireTier(p, cognitoidp.UserPoolTierTypePlus, "Exporting user activity logs")
	}
	return nil
}

// SetLogDeliveryConfiguration replaces a pool's log export settings.
func (s *Service) SetLogDeliveryConfiguration(ctx context.Context, in *cognitoidp.SetLogDeliveryConfigurationRequest) (*cognitoidp.SetLogDeliveryConfigurationResponse, error) {
	poolID := *in.UserPoolId
	cfg := &cognitoidp.LogDeliveryConfigurationType{UserPoolId: &poolID, LogConfigurations: in.LogConfigurations}
	if cfg.LogConfigurations == nil {
		cfg.LogConfigurations = []cognitoidp.LogConfigurationType{}
	}
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		p, _, err := s.Pool(ctx, tx, poolID)
		if err != nil {
			return err
		}
		sources := map[string]bool{}
		for _, c := range cfg.LogConfigurations {
			if sources[*c.EventSource] {
				return errs.Newf(errs.InvalidParameterException, "Only one log configuration per event source is allowed: %s.", *c.EventSource)
			}
			sources[*c.EventSource] = true
			if err := checkLogConfiguration(p, c); err != nil {
				return err
			}
		}
		rec, err := tx.Get(ctx, KindLogDelivery, poolID)
		if errors.Is(err, store.ErrNotFound) {
			return tx.Insert(ctx, &store.Record{Kind: KindLogDelivery, ID: poolID, Scope: poolID, Data: mustJSON(cfg)})
		}
		if err != nil {
			return err
		}
		rec.Data = mustJSON(cfg)
		return tx.Update(ctx, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.SetLogDeliveryConfigurationResponse{LogDeliveryConfiguration: cfg}, nil
}

// GetLogDeliveryConfiguration returns a pool's log export settings; a
// pool that has none has an empty list.
func (s *Service) GetLogDeliveryConfiguration(ctx context.Context, in *cognitoidp.GetLogDeliveryConfigurationRequest) (*cognitoidp.GetLogDeliveryConfigurationResponse, error) {
	poolID := *in.UserPoolId
	cfg := &cognitoidp.LogDeliveryConfigurationType{UserPoolId: &poolID, LogConfigurations: []cognitoidp.LogConfigurationType{}}
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		if _, _, err := s.Pool(ctx, tx, poolID); err != nil {
			return err
		}
		_, err := getJSON(ctx, tx, KindLogDelivery, poolID, cfg)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.GetLogDeliveryConfigurationResponse{LogDeliveryConfiguration: cfg}, nil
}
