package server

import (
	"net/http"

	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/wire"
	"github.com/cirrohq/cirro/internal/wire/sigv4"
)

// iam adapts the SigV4 verifier to the wire's IAM port.
type iam struct {
	v         *sigv4.Verifier
	accountID string
}

// newIAM checks signatures against the real clock, not the injected one:
// skew is measured against the clients' clocks, which tests do not move.
func newIAM(cfg config.Config) wire.IAM {
	creds := make([]sigv4.Credential, 0, len(cfg.AccessKeys))
	for _, k := range cfg.AccessKeys {
		creds = append(creds, sigv4.Credential{
			AccessKeyID: k.ID, SecretAccessKey: k.Secret, Name: k.Name,
			Actions: k.Actions, Resources: k.Resources,
		})
	}
	return &iam{v: sigv4.NewVerifier(creds), accountID: cfg.AccountID}
}

func (a *iam) Verify(r *http.Request, body []byte, service string) (wire.Principal, error) {
	p, err := a.v.Verify(r, body, service)
	if err != nil {
		return nil, err
	}
	return &principal{p: p, accountID: a.accountID}, nil
}

type principal struct {
	p         *sigv4.Principal
	accountID string
}

func (p *principal) Name() string {
	if p.p.Name != "" {
		return p.p.Name
	}
	return p.p.AccessKeyID
}

func (p *principal) Allowed(action, resource string) bool { return p.p.Allowed(action, resource) }

func (p *principal) Denied(action, resource string) error {
	return sigv4.AccessDenied(p.p, p.accountID, action, resource)
}
