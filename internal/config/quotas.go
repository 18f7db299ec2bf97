package config

// QuotasConfig is Cognito's API request-rate quotas (see the quotas page
// of Cognito's developer guide; the table is internal/pool/limits_table.go).
type QuotasConfig struct {
	// Enforce throttles each operation against its category's quota,
	// answering TooManyRequestsException ("Rate exceeded") beyond it. Off
	// by default: load tests and CI exceed Cognito's defaults. Counting is
	// per node; nodes sharing a database do not share counts.
	Enforce bool `yaml:"enforce"`
	// Max is the account-level maximum of adjustable categories by name
	// (e.g. UserAuthentication: 500), cirro's stand-in for the value
	// approved in Service Quotas: UpdateProvisionedLimit refuses more with
	// ServiceQuotaExceededException. Unset categories get ten times their
	// default.
	Max map[string]int `yaml:"max"`
}
