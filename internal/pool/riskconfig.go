package pool

import (
	"context"
	"errors"
	"net/netip"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/model/shape"
	"github.com/cirrohq/cirro/internal/store"
)

// KindRiskConfig is the record of a threat-protection risk configuration
// (id: "<poolId>/<clientId>", or "<poolId>/ALL" for the pool's own), kept
// as the model's RiskConfigurationType so that Describe returns what Set
// stored. cirro stores the settings; it does not score sign-ins for risk.
const KindRiskConfig = "riskconfig"

func riskConfigID(poolID, clientID string) string { return poolID + "/" + clientID }

// SetRiskConfiguration replaces the risk configuration of a pool (no
// ClientId, or "ALL") or of one client. "To set the risk configuration for
// the user pool to defaults, send this request with only the UserPoolId
// parameter. To reset the threat protection settings of an app client to
// be inherited from the user pool, send UserPoolId and ClientId parameters
// only" (API reference): an empty request removes the stored record.
func (s *Service) SetRiskConfiguration(ctx context.Context, in *cognitoidp.SetRiskConfigurationRequest) (*cognitoidp.SetRiskConfigurationResponse, error) {
	poolID, clientID := *in.UserPoolId, allClients
	if in.ClientId != nil && *in.ClientId != allClients {
		clientID = *in.ClientId
	}
	if err := checkRiskConfiguration(in); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	cfg := &cognitoidp.RiskConfigurationType{
		UserPoolId: &poolID, ClientId: &clientID, LastModifiedDate: shape.NewTime(now),
		AccountTakeoverRiskConfiguration:        in.AccountTakeoverRiskConfiguration,
		CompromisedCredentialsRiskConfiguration: in.CompromisedCredentialsRiskConfiguration,
		RiskExceptionConfiguration:              in.RiskExceptionConfiguration,
	}
	reset := cfg.AccountTakeoverRiskConfiguration == nil && cfg.CompromisedCredentialsRiskConfiguration == nil &&
		cfg.RiskExceptionConfiguration == nil
	err := s.Store.Write(ctx, func(tx store.Tx) error {
		if err := s.riskScope(ctx, tx, poolID, clientID); err != nil {
			return err
		}
		id := riskConfigID(poolID, clientID)
		rec, err := tx.Get(ctx, KindRiskConfig, id)
		switch {
		case errors.Is(err, store.ErrNotFound) && reset:
			return nil
		case errors.Is(err, store.ErrNotFound):
			return tx.Insert(ctx, &store.Record{Kind: KindRiskConfig, ID: id, Scope: poolID, Data: mustJSON(cfg)})
		case err != nil:
			return err
		case reset:
			return tx.Delete(ctx, KindRiskConfig, id)
		}
		rec.Data = mustJSON(cfg)
		return tx.Update(ctx, rec)
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.SetRiskConfigurationResponse{RiskConfiguration: cfg}, nil
}

// DescribeRiskConfiguration returns a client's configuration, or the
// pool's when the client has none of its own (then ClientId is "ALL"),
// or only the pool id and "ALL" when nothing was set.
func (s *Service) DescribeRiskConfiguration(ctx context.Context, in *cognitoidp.DescribeRiskConfigurationRequest) (*cognitoidp.DescribeRiskConfigurationResponse, error) {
	poolID, clientID := *in.UserPoolId, allClients
	if in.ClientId != nil && *in.ClientId != allClients {
		clientID = *in.ClientId
	}
	all := allClients
	out := &cognitoidp.RiskConfigurationType{UserPoolId: &poolID, ClientId: &all}
	err := s.Store.Read(ctx, func(tx store.Tx) error {
		if err := s.riskScope(ctx, tx, poolID, clientID); err != nil {
			return err
		}
		for _, id := range []string{clientID, allClients} {
			var cfg cognitoidp.RiskConfigurationType
			_, err := getJSON(ctx, tx, KindRiskConfig, riskConfigID(poolID, id), &cfg)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = &cfg
			return nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &cognitoidp.DescribeRiskConfigurationResponse{RiskConfiguration: out}, nil
}

// riskScope checks that the pool exists and, for a client's own
// configuration, that the client belongs to it.
func (s *Service) riskScope(ctx context.Context, tx store.Tx, poolID, clientID string) error {
	if clientID == allClients {
		_, _, err := s.Pool(ctx, tx, poolID)
		return err
	}
	_, _, _, err := s.poolClient(ctx, tx, poolID, clientID)
	return err
}

// checkRiskConfiguration applies the rules the API reference states in
// prose: IP ranges are CIDR blocks, and an action that notifies the user
// needs a notify configuration to build the email from.
func checkRiskConfiguration(in *cognitoidp.SetRiskConfigurationRequest) error {
	if ex := in.RiskExceptionConfiguration; ex != nil {
		for _, list := range [][]string{ex.BlockedIPRangeList, ex.SkippedIPRangeList} {
			for _, r := range list {
				if _, err := netip.ParsePrefix(r); err != nil {
					return errs.Newf(errs.InvalidParameterException, "Invalid IP range %q: IP ranges must be in CIDR notation.", r)
				}
			}
		}
	}
	if at := in.AccountTakeoverRiskConfiguration; at != nil && at.Actions != nil && at.NotifyConfiguration == nil {
		for _, a := range []*cognitoidp.AccountTakeoverActionType{at.Actions.LowAction, at.Actions.MediumAction, at.Actions.HighAction} {
			if a != nil && a.Notify != nil && *a.Notify {
				return errs.New(errs.InvalidParameterException, "NotifyConfiguration is required when an account takeover action notifies the user.")
			}
		}
	}
	return nil
}
