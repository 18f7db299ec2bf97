package template

import (
	"crypto/sha256"
	"encoding/hex"
)

// Types the CDK writes beside Cognito's that have nothing to do in cirro.
// Their Ref and attributes are synthesized (see Engine.synthesized), so
// what refers to them still resolves.
func init() {
	register("AWS::CDK::Metadata", &kind{skip: "CDK metadata (version reporting)"})
	register("AWS::IAM::Policy", &kind{skip: "IAM policies are not enforced by cirro (its access keys carry their own grants)"})
	register("AWS::IAM::ManagedPolicy", &kind{skip: "IAM policies are not enforced by cirro (its access keys carry their own grants)"})
	register("AWS::Lambda::Permission", &kind{skip: "cirro invokes triggers through its configured endpoints, without Lambda permissions"})
	register("AWS::Pinpoint::App", &kind{skip: "Amazon Pinpoint is not part of cirro; its application id is synthesized for the clients' AnalyticsConfiguration",
		synthRef: func(stack, id string) string {
			sum := sha256.Sum256([]byte(stack + "/" + id))
			return hex.EncodeToString(sum[:16])
		}})
	register("AWS::SecretsManager::Secret", &kind{skip: "secrets are resolved by the template's author, not by cirro"})
}
