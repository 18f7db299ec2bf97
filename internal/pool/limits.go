package pool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/model/cognitoidp"
	"github.com/cirrohq/cirro/internal/ratelimit"
	"github.com/cirrohq/cirro/internal/store"
)

// KindProvisionedLimit is a provisioned limit set by UpdateProvisionedLimit,
// one record per category. Cognito's provisioned limits belong to the
// account, not to a pool (LimitDefinitionType names no pool), and cirro is
// one account: the scope is "".
const KindProvisionedLimit = "provisioned_limit"

// DefaultMaxFactor gives an adjustable category's account-level maximum,
// cirro's stand-in for the value approved in Service Quotas, when the
// configuration does not set one: this many times the default quota.
const DefaultMaxFactor = 10

// limitCacheTTL is how long a node trusts a provisioned limit it read. An
// update on this node applies at once; one made on another node sharing
// the database applies here within this time.
const limitCacheTTL = 10 * time.Second

// LimitsConfig assembles Limits.
type LimitsConfig struct {
	Store store.Store
	Clock clock.Clock
	// Enforce turns on the request-rate quotas (Admit).
	Enforce bool
	// Max is the account-level maximum of adjustable categories by name;
	// absent categories get DefaultMaxFactor times their default.
	Max map[string]int
}

// Limits serves GetProvisionedLimit and UpdateProvisionedLimit and, when
// enforcing, admits each API request against its category's quota.
type Limits struct {
	store   store.Store
	clock   clock.Clock
	enforce bool
	max     map[string]int
	limiter *ratelimit.Limiter

	mu     sync.Mutex
	cached map[string]cachedLimit
}

type cachedLimit struct {
	value int
	read  time.Time
}

// limitDoc is a provisioned limit as stored.
type limitDoc struct {
	Value int `json:"value"`
}

// NewLimits checks cfg.Max and returns the Limits.
func NewLimits(cfg LimitsConfig) (*Limits, error) {
	l := &Limits{store: cfg.Store, clock: cfg.Clock, enforce: cfg.Enforce, max: map[string]int{}, cached: map[string]cachedLimit{}}
	if l.clock == nil {
		l.clock = clock.Real{}
	}
	l.limiter = ratelimit.New(l.clock)
	for name, q := range quotaCategories {
		if q.Adjustable {
			l.max[name] = q.Default * DefaultMaxFactor
		}
	}
	for name, v := range cfg.Max {
		q, ok := quotaCategories[name]
		switch {
		case !ok:
			return nil, fmt.Errorf("quotas.max: unknown category %q (one of %s)", name, strings.Join(categoryNames(), ", "))
		case !q.Adjustable:
			return nil, fmt.Errorf("quotas.max: category %s is not adjustable", name)
		case v < q.Default:
			return nil, fmt.Errorf("quotas.max: %s %d is below its default quota %d", name, v, q.Default)
		}
		l.max[name] = v
	}
	return l, nil
}

// GetProvisionedLimit returns a category's provisioned and default limits.
func (l *Limits) GetProvisionedLimit(ctx context.Context, in *cognitoidp.GetProvisionedLimitRequest) (*cognitoidp.GetProvisionedLimitResponse, error) {
	name, err := limitCategory(in.LimitDefinition)
	if err != nil {
		return nil, err
	}
	var v int
	err = l.store.Read(ctx, func(tx store.Tx) error {
		v, err = provisioned(ctx, tx, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	l.remember(name, v)
	return &cognitoidp.GetProvisionedLimitResponse{Limit: limitType(name, v)}, nil
}

// UpdateProvisionedLimit sets an adjustable category's provisioned limit,
// between its default and the account-level maximum.
func (l *Limits) UpdateProvisionedLimit(ctx context.Context, in *cognitoidp.UpdateProvisionedLimitRequest) (*cognitoidp.UpdateProvisionedLimitResponse, error) {
	name, err := limitCategory(in.LimitDefinition)
	if err != nil {
		return nil, err
	}
	q := quotaCategories[name]
	if !q.Adjustable {
		return nil, errs.Newf(errs.InvalidParameterException, "The %s category is not adjustable.", name)
	}
	if in.RequestedLimitValue == nil {
		return nil, errs.New(errs.InvalidParameterException, "RequestedLimitValue is required.")
	}
	v := int(*in.RequestedLimitValue)
	if v < q.Default {
		return nil, errs.Newf(errs.InvalidParameterException, "The requested limit %d for %s is below its default limit %d.", v, name, q.Default)
	}
	if max := l.max[name]; v > max {
		return nil, errs.Newf(errs.ServiceQuotaExceededException, "The requested limit %d for %s exceeds your account-level maximum limit %d. To increase it, submit a Service Quotas increase request.", v, name, max)
	}
	err = l.store.Write(ctx, func(tx store.Tx) error {
		if name == CategoryUserAuthentication || name == CategoryUserFederation {
			if pool, err := managedLoginPool(ctx, tx); err != nil {
				return err
			} else if pool != "" {
				return errs.Newf(errs.InvalidParameterException, "Managed login user pools don't support adjustments to the %s category (user pool %s uses managed login). To increase this limit, submit a Service Quotas increase request.", name, pool)
			}
		}
		return putProvisioned(ctx, tx, name, v)
	})
	if err != nil {
		return nil, err
	}
	l.remember(name, v)
	return &cognitoidp.UpdateProvisionedLimitResponse{Limit: limitType(name, v)}, nil
}

// limitCategory reads the category a LimitDefinition names.
func limitCategory(d *cognitoidp.LimitDefinitionType) (string, error) {
	if d == nil || d.LimitClass == nil || *d.LimitClass != cognitoidp.LimitClassApiCategory {
		return "", errs.New(errs.InvalidParameterException, "LimitDefinition.LimitClass must be API_CATEGORY.")
	}
	name, ok := d.Attributes["Category"]
	if !ok {
		return "", errs.New(errs.InvalidParameterException, "LimitDefinition.Attributes must contain the Category key.")
	}
	for k := range d.Attributes {
		if k != "Category" {
			return "", errs.Newf(errs.InvalidParameterException, "LimitDefinition.Attributes has an unknown key %q; API_CATEGORY limits take only Category.", k)
		}
	}
	if _, ok := quotaCategories[name]; !ok {
		return "", errs.Newf(errs.InvalidParameterException, "Unknown API category %q. Valid categories: %s.", name, strings.Join(categoryNames(), ", "))
	}
	return name, nil
}

func limitType(name string, v int) *cognitoidp.LimitType {
	return &cognitoidp.LimitType{
		LimitDefinition: &cognitoidp.LimitDefinitionType{
			LimitClass: ptr(cognitoidp.LimitClassApiCategory),
			Attributes: map[string]string{"Category": name},
		},
		ProvisionedLimitValue: ptr(int32(v)),
		FreeLimitValue:        ptr(int32(quotaCategories[name].Default)),
	}
}

// provisioned is a category's provisioned limit: the stored value, or the
// default when none was set.
func provisioned(ctx context.Context, tx store.Tx, name string) (int, error) {
	var d limitDoc
	_, err := getJSON(ctx, tx, KindProvisionedLimit, name, &d)
	if errors.Is(err, store.ErrNotFound) {
		return quotaCategories[name].Default, nil
	}
	if err != nil {
		return 0, err
	}
	return d.Value, nil
}

func putProvisioned(ctx context.Context, tx store.Tx, name string, v int) error {
	data, err := json.Marshal(limitDoc{Value: v})
	if err != nil {
		return err
	}
	rec, err := tx.Get(ctx, KindProvisionedLimit, name)
	if errors.Is(err, store.ErrNotFound) {
		err = tx.Insert(ctx, &store.Record{Kind: KindProvisionedLimit, ID: name, Data: data})
		if errors.Is(err, store.ErrExists) {
			// A concurrent update inserted it first; run again.
			return fmt.Errorf("pool: provisioned limit %s: %w", name, store.ErrConflict)
		}
		return err
	}
	if err != nil {
		return err
	}
	rec.Data = data
	return tx.Update(ctx, rec)
}

// managedLoginPool returns a user pool of the account whose domain uses
// managed login (ManagedLoginVersion 2), or "". A domain on the classic
// hosted UI (version 1) does not count: the guide names managed login and
// the classic hosted UI separately.
func managedLoginPool(ctx context.Context, tx store.Tx) (string, error) {
	recs, err := tx.List(ctx, store.Query{Kind: KindDomain, AnyScope: true})
	if err != nil {
		return "", err
	}
	for _, rec := range recs {
		var d cognitoidp.DomainDescriptionType
		if err := decode(rec, &d); err != nil {
			return "", err
		}
		if d.ManagedLoginVersion != nil && *d.ManagedLoginVersion == 2 {
			return rec.Scope, nil
		}
	}
	return "", nil
}

func categoryNames() []string {
	names := make([]string, 0, len(quotaCategories))
	for n := range quotaCategories {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
