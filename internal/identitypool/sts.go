package identitypool

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyauth "github.com/aws/smithy-go/auth"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/errs"
)

const (
	// sessionName is the RoleSessionName Cognito uses.
	sessionName = "CognitoIdentityCredentials"
	// credentialsTTL: Cognito's credentials last an hour.
	credentialsTTL = time.Hour
)

// stsExchange calls AssumeRoleWithWebIdentity on the configured STS.
type stsExchange struct {
	client   *sts.Client
	endpoint string
	log      *slog.Logger
}

type awsCredentials struct {
	accessKeyID, secretKey, sessionToken string
	expiration                           time.Time
}

// newSTS returns the exchange, or nil when no STS is configured.
func newSTS(cfg config.STSConfig, region string, hc *http.Client, log *slog.Logger) (*stsExchange, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if !cfg.Enabled() {
		return nil, nil
	}
	if cfg.Region != "" {
		region = cfg.Region
	}
	o := sts.Options{Region: region, BaseEndpoint: aws.String(cfg.Endpoint), HTTPClient: hc, RetryMaxAttempts: 2}
	if cfg.AccessKeyID != "" {
		o.Credentials = credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, "")
		o.AuthSchemeResolver = signedSTS{}
	}
	return &stsExchange{client: sts.New(o), endpoint: cfg.Endpoint, log: log}, nil
}

// signedSTS makes the SDK sign AssumeRoleWithWebIdentity, which it sends
// anonymously by default, for STS implementations that want a signature.
type signedSTS struct{}

func (signedSTS) ResolveAuthSchemes(_ context.Context, p *sts.AuthResolverParameters) ([]*smithyauth.Option, error) {
	var props smithy.Properties
	smithyhttp.SetSigV4SigningName(&props, "sts")
	smithyhttp.SetSigV4SigningRegion(&props, p.Region)
	return []*smithyauth.Option{{SchemeID: smithyauth.SchemeIDSigV4, SignerProperties: props}}, nil
}

// assume exchanges a web identity token for a role's credentials. STS
// refusing the exchange (the role's trust policy does not admit the
// token, the role does not exist) is what Cognito reports as a
// misconfigured pool; STS failing or unreachable is an external service
// failure. Either way the details go to the log, not to the caller, who
// is anonymous.
func (e *stsExchange) assume(ctx context.Context, role, tok string) (*awsCredentials, error) {
	out, err := e.client.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(role),
		RoleSessionName:  aws.String(sessionName),
		WebIdentityToken: aws.String(tok),
		DurationSeconds:  aws.Int32(int32(credentialsTTL / time.Second)),
	})
	if err != nil {
		var ae smithy.APIError
		var re *smithyhttp.ResponseError
		if errors.As(err, &ae) && errors.As(err, &re) && re.HTTPStatusCode() < 500 {
			e.log.WarnContext(ctx, "STS refused AssumeRoleWithWebIdentity", "role", role, "code", ae.ErrorCode(), "message", ae.ErrorMessage())
			return nil, errs.New(errs.InvalidIdentityPoolConfigurationException, msgNoRole)
		}
		e.log.ErrorContext(ctx, "STS AssumeRoleWithWebIdentity failed", "endpoint", e.endpoint, "role", role, "error", err)
		return nil, errs.New(errs.ExternalServiceException, msgSTSUnreachable)
	}
	c := out.Credentials
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil || c.SessionToken == nil || c.Expiration == nil {
		e.log.ErrorContext(ctx, "STS answered AssumeRoleWithWebIdentity without credentials", "endpoint", e.endpoint, "role", role)
		return nil, errs.New(errs.ExternalServiceException, msgSTSUnreachable)
	}
	return &awsCredentials{accessKeyID: *c.AccessKeyId, secretKey: *c.SecretAccessKey, sessionToken: *c.SessionToken, expiration: *c.Expiration}, nil
}
