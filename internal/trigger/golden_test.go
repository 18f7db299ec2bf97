package trigger

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/message"
	"github.com/cirrohq/cirro/internal/token"
)

var update = flag.Bool("update", false, "rewrite the golden event files")

// TestGoldenEvents sends one event of every trigger source and compares
// the JSON the function receives with testdata/<source>.json: the exact
// event shape, field names and defaults of Cognito's events.
func TestGoldenEvents(t *testing.T) {
	ctx := sdkContext()
	c := Caller{ClientID: testClientID, UserName: "jane"}
	admin := Caller{UserName: "jane"} // operations without an app client
	attrs := UserAttributes(testPool("V1_0"), "a36036a8-9061-424d-a737-56d57dae7bc6", "CONFIRMED",
		map[string]string{"email": "jane@example.com", "email_verified": "true", "custom:team": "blue"})
	signUpAttrs := map[string]string{"email": "jane@example.com", "phone_number": "+12065550100"}
	meta := map[string]string{"app": "web"}
	precedence := int32(1)
	groups := []token.Group{
		{Name: "readers"},
		{Name: "admins", Precedence: &precedence, RoleArn: "arn:aws:iam::123456789012:role/admin"},
	}
	session := []ChallengeResult{{ChallengeName: ChallengeCustom, ChallengeResult: false, ChallengeMetadata: "round-1"}}
	tokenIn := TokenGenerationInput{UserAttributes: attrs, Groups: groups, ClientMetadata: meta}

	type run func(ctx context.Context, s *Service) error
	cases := []struct {
		file    string
		version string
		run     run
	}{
		{PreSignUpSignUp, "V1_0", func(ctx context.Context, s *Service) error {
			_, err := s.PreSignUp(ctx, testPool("V1_0"), PreSignUpSignUp, c, PreSignUpRequest{UserAttributes: signUpAttrs, ValidationData: map[string]string{"captcha": "ok"}, ClientMetadata: meta})
			return err
		}},
		{PreSignUpAdminCreateUser, "V1_0", func(ctx context.Context, s *Service) error {
			_, err := s.PreSignUp(ctx, testPool("V1_0"), PreSignUpAdminCreateUser, admin, PreSignUpRequest{UserAttributes: signUpAttrs, ClientMetadata: meta})
			return err
		}},
		{PreSignUpExternalProvider, "V1_0", func(ctx context.Context, s *Service) error {
			_, err := s.PreSignUp(ctx, testPool("V1_0"), PreSignUpExternalProvider, Caller{ClientID: testClientID, UserName: "Google_1234567890"},
				PreSignUpRequest{UserAttributes: map[string]string{"email": "jane@example.com"}})
			return err
		}},
		{PostConfirmationConfirmSignUp, "V1_0", func(ctx context.Context, s *Service) error {
			return s.PostConfirmation(ctx, testPool("V1_0"), PostConfirmationConfirmSignUp, c, PostConfirmationRequest{UserAttributes: attrs, ClientMetadata: meta})
		}},
		{PostConfirmationConfirmForgotPassword, "V1_0", func(ctx context.Context, s *Service) error {
			return s.PostConfirmation(ctx, testPool("V1_0"), PostConfirmationConfirmForgotPassword, c, PostConfirmationRequest{UserAttributes: attrs})
		}},
		{PreAuthenticationAuthentication, "V1_0", func(ctx context.Context, s *Service) error {
			return s.PreAuthentication(ctx, testPool("V1_0"), c, PreAuthenticationRequest{UserAttributes: attrs, ValidationData: meta})
		}},
		{PostAuthenticationAuthentication, "V1_0", func(ctx context.Context, s *Service) error {
			return s.PostAuthentication(ctx, testPool("V1_0"), c, PostAuthenticationRequest{UserAttributes: attrs, ClientMetadata: meta})
		}},
		{DefineAuthChallengeAuthentication, "V1_0", func(ctx context.Context, s *Service) error {
			_, err := s.DefineAuthChallenge(ctx, testPool("V1_0"), c, DefineAuthChallengeRequest{UserAttributes: attrs, Session: session, ClientMetadata: meta})
			return err
		}},
		{CreateAuthChallengeAuthentication, "V1_0", func(ctx context.Context, s *Service) error {
			_, err := s.CreateAuthChallenge(ctx, testPool("V1_0"), c, CreateAuthChallengeRequest{UserAttributes: attrs, ChallengeName: ChallengeCustom, Session: session})
			return err
		}},
		{VerifyAuthChallengeResponseAuthentication, "V1_0", func(ctx context.Context, s *Service) error {
			_, err := s.VerifyAuthChallengeResponse(ctx, testPool("V1_0"), c, VerifyAuthChallengeResponseRequest{UserAttributes: attrs,
				PrivateChallengeParameters: map[string]string{"answer": "42"}, ChallengeAnswer: "41", ClientMetadata: meta})
			return err
		}},
		{UserMigrationAuthentication, "V1_0", func(ctx context.Context, s *Service) error {
			_, err := s.UserMigration(ctx, testPool("V1_0"), UserMigrationAuthentication, c, UserMigrationRequest{Password: "Legacy-Passw0rd", ValidationData: meta, ClientMetadata: meta})
			return err
		}},
		{UserMigrationForgotPassword, "V1_0", func(ctx context.Context, s *Service) error {
			_, err := s.UserMigration(ctx, testPool("V1_0"), UserMigrationForgotPassword, c, UserMigrationRequest{ClientMetadata: meta})
			return err
		}},
		{InboundFederationExternalProvider, "V1_0", func(ctx context.Context, s *Service) error {
			_, err := s.InboundFederation(ctx, testPool("V1_0"), Caller{ClientID: testClientID, UserName: "ExampleOIDC_user123"}, InboundFederationRequest{
				ProviderName: "ExampleOIDC", ProviderType: "OIDC",
				Attributes: InboundFederationAttributes{IDToken: map[string]string{"sub": "user123", "email": "jane@example.com"}, UserInfo: map[string]string{"given_name": "Jane"}},
			})
			return err
		}},
	}
	for _, src := range []string{TokenGenerationHostedAuth, TokenGenerationAuthentication, TokenGenerationNewPasswordChallenge, TokenGenerationAuthenticateDevice, TokenGenerationRefreshTokens} {
		cases = append(cases, struct {
			file    string
			version string
			run     run
		}{src, "V1_0", func(ctx context.Context, s *Service) error {
			_, err := s.PreTokenGeneration(ctx, testPool("V1_0"), src, c, tokenIn)
			return err
		}})
	}
	for _, v := range []string{"V2_0", "V3_0"} {
		cases = append(cases, struct {
			file    string
			version string
			run     run
		}{TokenGenerationAuthentication + "." + v, v, func(ctx context.Context, s *Service) error {
			_, err := s.PreTokenGeneration(ctx, testPool(v), TokenGenerationAuthentication, c, tokenIn)
			return err
		}})
	}
	cases = append(cases, struct {
		file    string
		version string
		run     run
	}{TokenGenerationClientCredentials + ".V3_0", "V3_0", func(ctx context.Context, s *Service) error {
		_, err := s.PreTokenGeneration(ctx, testPool("V3_0"), TokenGenerationClientCredentials, Caller{ClientID: testClientID},
			TokenGenerationInput{Scopes: []string{"orders/read"}})
		return err
	}})
	for _, src := range []string{CustomMessageSignUp, CustomMessageAdminCreateUser, CustomMessageResendCode, CustomMessageForgotPassword,
		CustomMessageUpdateUserAttribute, CustomMessageVerifyUserAttribute, CustomMessageAuthentication} {
		cases = append(cases, struct {
			file    string
			version string
			run     run
		}{src, "V1_0", func(ctx context.Context, s *Service) error {
			_, err := s.CustomMessage(ctx, testPool("V1_0"), src, c, NewCustomMessageRequest(src, attrs, meta))
			return err
		}})
	}
	for _, ch := range []message.Channel{message.ChannelEmail, message.ChannelSMS} {
		kinds := []string{SenderSignUp, SenderAdminCreateUser, SenderResendCode, SenderForgotPassword, SenderUpdateUserAttribute, SenderVerifyUserAttribute, SenderAuthentication}
		point := PointCustomSMSSender
		if ch == message.ChannelEmail {
			kinds = append(kinds, SenderAccountTakeOverNotification)
			point = PointCustomEmailSender
		}
		for _, kind := range kinds {
			cases = append(cases, struct {
				file    string
				version string
				run     run
			}{string(point) + "_" + kind, "V1_0", func(ctx context.Context, s *Service) error {
				sent, err := s.CustomSender(ctx, testPool("V1_0"), ch, kind, c, attrs, meta, "123456")
				if err == nil && !sent {
					t.Errorf("%s_%s: not sent", point, kind)
				}
				return err
			}})
		}
	}

	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			rec := &recorder{answer: migrated}
			s := newService(t, rec, config.TriggersConfig{})
			if err := tc.run(ctx, s); err != nil {
				t.Fatal(err)
			}
			raw := rec.payloads[len(rec.payloads)-1]
			var ev struct {
				Request struct {
					Code string `json:"code"`
				} `json:"request"`
			}
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			if code := ev.Request.Code; code != "" {
				// Encrypted afresh each time: check that it opens, then
				// stand a placeholder in.
				plain, ec, err := DecryptCode(testKey, testKeyID, code)
				if err != nil || string(plain) != "123456" || ec["userpool-id"] != testPoolID {
					t.Fatalf("code does not decrypt to the code: %q %v %v", plain, ec, err)
				}
				raw = bytes.Replace(raw, []byte(code), []byte("AWS-Encryption-SDK-message-base64"), 1)
			}
			var buf bytes.Buffer
			if err := json.Indent(&buf, raw, "", "  "); err != nil {
				t.Fatal(err)
			}
			buf.WriteByte('\n')
			got := buf.Bytes()
			path := filepath.Join("testdata", tc.file+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("event differs from %s:\n got: %s\nwant: %s", path, got, want)
			}
		})
	}
}

// migrated answers like a function that returns the event unchanged,
// except that user migration finds the user.
func migrated(payload []byte) ([]byte, error) {
	if !bytes.Contains(payload, []byte(`"triggerSource":"UserMigration_`)) {
		return payload, nil
	}
	var ev map[string]any
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	ev["response"] = map[string]any{"userAttributes": map[string]string{"email": "jane@example.com"}, "finalUserStatus": "RESET_REQUIRED"}
	return json.Marshal(ev)
}
