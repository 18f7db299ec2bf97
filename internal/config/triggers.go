package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TriggersConfig says how cirro reaches the Lambda functions that user
// pools name in their LambdaConfig. Pools keep Cognito's function ARNs, so
// that the same configuration works against AWS and against cirro; this is
// the map from those ARNs to something cirro can call.
//
//	triggers:
//	  functions:
//	    - arn: "arn:aws:lambda:*:*:function:signup-*"
//	      webhook: {url: "http://127.0.0.1:8080/hooks/cognito", secret: "…"}
//	    - arn: "arn:aws:lambda:us-east-1:123456789012:function:migrate"
//	      command: ["node", "migrate.js"]
//	  lambda: {endpoint: "http://127.0.0.1:9001"}   # everything else
//	  kms_keys:
//	    - key_id: "arn:aws:kms:us-east-1:123456789012:key/*"
//	      key: "base64 of 32 random bytes"
type TriggersConfig struct {
	// Functions map ARNs to a way to reach them, in order: the first entry
	// whose ARN matches wins. An ARN matches exactly or as an IAM-style
	// pattern ('*' any run of characters, '?' one character).
	Functions []TriggerFunction `yaml:"functions"`
	// Lambda, when set, invokes every ARN that no entry maps through the
	// Lambda Invoke API at this endpoint.
	Lambda *LambdaEndpoint `yaml:"lambda"`
	// Timeout bounds one invocation; Cognito's 5 s when zero.
	Timeout time.Duration `yaml:"timeout"`
	// Attempts is how often an invocation that timed out or was throttled
	// is tried; Cognito's 3 when zero.
	Attempts int `yaml:"attempts"`
	// KMSKeys stand in for the KMS keys that custom sender triggers
	// (CustomEmailSender, CustomSMSSender) receive their codes encrypted
	// with: the pool's LambdaConfig.KMSKeyID selects one.
	KMSKeys []KMSKey `yaml:"kms_keys"`
}

// TriggerFunction maps ARNs to exactly one way to reach them.
type TriggerFunction struct {
	ARN     string          `yaml:"arn"`
	Lambda  *LambdaEndpoint `yaml:"lambda"`
	Webhook *Webhook        `yaml:"webhook"`
	// Command runs a local program: the event on its standard input, the
	// answer on its standard output.
	Command *Command `yaml:"command"`
}

// LambdaEndpoint is an AWS Lambda Invoke API: AWS itself
// (https://lambda.REGION.amazonaws.com) or a local emulator such as the
// Lambda Runtime Interface Emulator.
type LambdaEndpoint struct {
	Endpoint string `yaml:"endpoint"`
	// Region signs the request; by default the region of the function ARN.
	Region string `yaml:"region"`
	// AccessKeyID, SecretAccessKey and SessionToken sign the request; when
	// empty, the AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
	// AWS_SESSION_TOKEN environment variables do, and without those a
	// placeholder key that only an emulator accepts.
	AccessKeyID     string `yaml:"access_key_id"`
	SecretAccessKey string `yaml:"secret_access_key"`
	SessionToken    string `yaml:"session_token"`
	// FunctionName replaces the name taken from the ARN (the Runtime
	// Interface Emulator serves its one function under any name).
	FunctionName string `yaml:"function_name"`
}

// Webhook is an HTTP endpoint that takes the event as JSON and answers
// with the event as JSON, as a Lambda function returns it.
type Webhook struct {
	URL string `yaml:"url"`
	// Secret keys the HMAC-SHA256 signature of each request, so that the
	// receiver can tell cirro's requests from anyone else's.
	Secret string `yaml:"secret"`
}

// Command is a local program and its arguments.
type Command struct {
	Args []string `yaml:"args"`
	// Dir is the working directory; cirro's own when empty.
	Dir string `yaml:"dir"`
	// Env are extra NAME=value variables. The program does not inherit
	// cirro's environment, which may hold the master key: it gets PATH,
	// HOME and these only.
	Env []string `yaml:"env"`
}

// KMSKey is a local stand-in for a KMS key.
type KMSKey struct {
	// KeyID matches the pool's KMSKeyID exactly or as a pattern.
	KeyID string `yaml:"key_id"`
	// Key is 32 bytes of key material, base64.
	Key string `yaml:"key"`
}

// DefaultTriggerTimeout and DefaultTriggerAttempts are Cognito's: "your
// Lambda function must respond within 5 seconds. If it does not, Amazon
// Cognito retries the call. After 3 unsuccessful attempts, the function
// times out" (developer guide, "Important considerations").
const (
	DefaultTriggerTimeout  = 5 * time.Second
	DefaultTriggerAttempts = 3
)

// Check validates the trigger configuration. It is separate from
// Config.Check so that the trigger service, which owns this section, can
// refuse to start with a precise message.
func (t *TriggersConfig) Check() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if t.Timeout < 0 {
		add("triggers.timeout must not be negative")
	}
	if t.Attempts < 0 {
		add("triggers.attempts must not be negative")
	}
	if t.Lambda != nil {
		if err := t.Lambda.check(); err != nil {
			add("triggers.lambda: %v", err)
		}
	}
	for i, f := range t.Functions {
		if f.ARN == "" {
			add("triggers.functions[%d]: arn is required", i)
		}
		ways := 0
		for _, set := range []bool{f.Lambda != nil, f.Webhook != nil, f.Command != nil} {
			if set {
				ways++
			}
		}
		if ways != 1 {
			add("triggers.functions[%d] (%s): exactly one of lambda, webhook and command is required", i, f.ARN)
			continue
		}
		var err error
		switch {
		case f.Lambda != nil:
			err = f.Lambda.check()
		case f.Webhook != nil:
			err = f.Webhook.check()
		case f.Command != nil && len(f.Command.Args) == 0:
			err = errors.New("command.args must name a program")
		}
		if err != nil {
			add("triggers.functions[%d] (%s): %v", i, f.ARN, err)
		}
	}
	for i, k := range t.KMSKeys {
		if k.KeyID == "" {
			add("triggers.kms_keys[%d]: key_id is required", i)
		}
		if _, err := k.Material(); err != nil {
			add("triggers.kms_keys[%d] (%s): %v", i, k.KeyID, err)
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// Material decodes the key: 32 bytes, for AES-256.
func (k KMSKey) Material() ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(k.Key))
	if err != nil {
		return nil, errors.New("key is not base64")
	}
	if len(b) != 32 {
		return nil, fmt.Errorf("key must be 32 bytes, not %d", len(b))
	}
	return b, nil
}

func (l *LambdaEndpoint) check() error {
	if err := absoluteHTTP(l.Endpoint); err != nil {
		return fmt.Errorf("endpoint %w", err)
	}
	if (l.AccessKeyID == "") != (l.SecretAccessKey == "") {
		return errors.New("access_key_id and secret_access_key go together")
	}
	return nil
}

func (w *Webhook) check() error {
	if err := absoluteHTTP(w.URL); err != nil {
		return fmt.Errorf("webhook.url %w", err)
	}
	if len(w.Secret) < 16 {
		return errors.New("webhook.secret must be at least 16 characters: the receiver verifies requests with it")
	}
	return nil
}

func absoluteHTTP(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q must be an absolute http(s) URL", s)
	}
	return nil
}
