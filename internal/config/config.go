// Package config is cirro's server configuration: a YAML file, overridden
// by command-line flags, checked once at start so that a misconfigured
// server refuses to start instead of failing later.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/cirrohq/cirro/internal/delivery"
)

// Config is everything `cirro serve` needs.
type Config struct {
	// Addr is the listen address.
	Addr string `yaml:"addr"`
	// DB is "sqlite:PATH", "memory" or a postgres:// DSN.
	DB string `yaml:"db"`
	// Region appears in pool ids and ARNs.
	Region string `yaml:"region"`
	// AccountID appears in ARNs.
	AccountID string `yaml:"account_id"`
	// PublicURL is the base URL in token issuers and hosted-UI links.
	PublicURL string `yaml:"public_url"`
	// MasterKeyFile holds the key that encrypts secrets at rest; the
	// CIRRO_MASTER_KEY environment variable takes precedence.
	MasterKeyFile string `yaml:"master_key_file"`
	// AccessKeys are the IAM credentials admin operations are signed with.
	AccessKeys []AccessKey `yaml:"access_keys"`
	// Insecure allows serving a non-loopback address without access keys.
	Insecure bool `yaml:"insecure"`
	// Delivery configures SMTP for email and a webhook for SMS; a channel
	// left unconfigured delivers to the built-in outbox.
	Delivery delivery.Config `yaml:"delivery"`
	// STS is where identity pools get AWS credentials (see STSConfig).
	STS STSConfig `yaml:"sts"`
	// Triggers maps the Lambda function ARNs of pools' LambdaConfig to a
	// way to invoke them (Lambda Invoke API, webhook or local command).
	Triggers TriggersConfig `yaml:"triggers"`
	// Outbox serves the outbox at /_cirro/outbox; by default only in
	// development mode, since it shows codes and temporary passwords.
	Outbox *bool `yaml:"outbox"`
	// UnsafeFastPasswordHashing replaces argon2id's OWASP parameters with
	// tiny ones so that test suites can create thousands of users. Only
	// allowed on a loopback address: never on a server others can reach.
	UnsafeFastPasswordHashing bool `yaml:"unsafe_fast_password_hashing"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`
	// LogFormat is text or json.
	LogFormat string `yaml:"log_format"`
	// TLS serves HTTPS (see TLSConfig).
	TLS TLSConfig `yaml:"tls"`
	// Federation is how cirro reaches upstream identity providers.
	Federation FederationConfig `yaml:"federation"`
	// Quotas are the API request-rate quotas (see QuotasConfig).
	Quotas QuotasConfig `yaml:"quotas"`
}

// FederationConfig limits cirro's requests to upstream identity providers
// (SAML MetadataURL, OIDC discovery, JWKS, token and userInfo endpoints).
type FederationConfig struct {
	// AllowPrivateUpstreams lets those requests reach loopback, private
	// and link-local addresses, which are otherwise refused when the
	// connection is dialled (SSRF: a pool administrator must not make
	// cirro read its own network). Development mode allows them anyway.
	AllowPrivateUpstreams bool `yaml:"allow_private_upstreams"`
}

// AllowPrivateUpstreams reports whether upstream providers may be on
// private addresses.
func (c *Config) AllowPrivateUpstreams() bool {
	return c.Federation.AllowPrivateUpstreams || c.DevMode()
}

// AccessKey is one IAM credential and its grant.
type AccessKey struct {
	Name      string   `yaml:"name"`
	ID        string   `yaml:"id"`
	Secret    string   `yaml:"secret"`
	Actions   []string `yaml:"actions"`
	Resources []string `yaml:"resources"`
}

// Default returns the configuration of a plain `cirro serve`.
func Default() Config {
	return Config{
		Addr:          "127.0.0.1:9339",
		DB:            "sqlite:" + filepath.Join(".cirro", "cirro.db"),
		Region:        "us-east-1",
		AccountID:     "000000000000",
		MasterKeyFile: filepath.Join(".cirro", "master.key"),
		LogLevel:      "info",
		LogFormat:     "text",
	}
}

// LoadFile overlays the YAML file at path on c. Unknown keys are errors:
// a misspelt setting must not be silently ignored.
func (c *Config) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Loopback reports whether Addr listens on loopback only.
func (c *Config) Loopback() bool {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DevMode is true when admin operations are accepted unsigned: no keys
// configured and nothing but this machine can reach the server.
func (c *Config) DevMode() bool { return len(c.AccessKeys) == 0 && c.Loopback() }

// ServeOutbox reports whether the outbox pages are served.
func (c *Config) ServeOutbox() bool {
	if c.Outbox != nil {
		return *c.Outbox
	}
	return c.DevMode()
}

// Check validates c and fills derived defaults (PublicURL).
func (c *Config) Check() error {
	var problems []string
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		problems = append(problems, fmt.Sprintf("addr %q: %v", c.Addr, err))
	}
	if c.Region == "" || strings.ContainsAny(c.Region, "_ /") {
		problems = append(problems, fmt.Sprintf("region %q is not a region name", c.Region))
	}
	if len(c.AccountID) != 12 || strings.Trim(c.AccountID, "0123456789") != "" {
		problems = append(problems, fmt.Sprintf("account_id %q must be 12 digits", c.AccountID))
	}
	if len(c.AccessKeys) == 0 && !c.Loopback() && !c.Insecure {
		problems = append(problems, fmt.Sprintf("refusing to serve %s without access keys: admin operations would be open to the network. Configure access_keys, listen on loopback, or pass --insecure", c.Addr))
	}
	if c.UnsafeFastPasswordHashing && !c.Loopback() {
		problems = append(problems, "unsafe_fast_password_hashing is refused on a non-loopback address")
	}
	seen := map[string]bool{}
	for i, k := range c.AccessKeys {
		switch {
		case k.ID == "" || k.Secret == "":
			problems = append(problems, fmt.Sprintf("access_keys[%d]: id and secret are required", i))
		case seen[k.ID]:
			problems = append(problems, fmt.Sprintf("access_keys[%d]: duplicate id %s", i, k.ID))
		case len(k.Secret) < 16:
			problems = append(problems, fmt.Sprintf("access_keys[%d]: secret is shorter than 16 characters", i))
		}
		seen[k.ID] = true
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	} else if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, fmt.Sprintf("public_url %q must be an absolute http(s) URL", c.PublicURL))
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}
