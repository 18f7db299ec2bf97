package config

import (
	"errors"
	"fmt"
	"net/url"
)

// STSConfig is the AWS Security Token Service that identity pools exchange
// their OpenID tokens with (AssumeRoleWithWebIdentity) when
// GetCredentialsForIdentity asks for AWS credentials: AWS STS itself
// (https://sts.<region>.amazonaws.com) or a self-hosted one such as
// MinIO's. Without an endpoint cirro issues no AWS credentials at all —
// GetCredentialsForIdentity says so — rather than inventing keys.
//
// AssumeRoleWithWebIdentity is an unsigned call in AWS: the web identity
// token is the proof. Access keys are only for STS implementations that
// insist on a signature.
type STSConfig struct {
	// Endpoint is the STS base URL; empty disables credentials.
	Endpoint string `yaml:"endpoint"`
	// Region signs and routes the call; empty means the server's region.
	Region string `yaml:"region"`
	// AccessKeyID and SecretAccessKey, when set, sign the call (SigV4).
	AccessKeyID     string `yaml:"access_key_id"`
	SecretAccessKey string `yaml:"secret_access_key"`
}

// Enabled reports whether an STS endpoint is configured.
func (c STSConfig) Enabled() bool { return c.Endpoint != "" }

// Check validates the STS settings.
func (c STSConfig) Check() error {
	if c.Endpoint == "" {
		if c.AccessKeyID != "" || c.SecretAccessKey != "" {
			return errors.New("sts: access keys are set but no endpoint")
		}
		return nil
	}
	u, err := url.Parse(c.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("sts: endpoint %q must be an absolute http(s) URL", c.Endpoint)
	}
	if (c.AccessKeyID == "") != (c.SecretAccessKey == "") {
		return errors.New("sts: access_key_id and secret_access_key go together")
	}
	return nil
}
