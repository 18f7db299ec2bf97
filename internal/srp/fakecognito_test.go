package srp

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// fakeCognito answers the library's requests the way Cognito would for
// the SRP flows, with no more state than the test needs.
type fakeCognito struct {
	poolName     string
	users        map[string]*fakeSecret
	devices      map[string]*fakeDevice // by device key
	issueDevices map[string]bool        // users that get NewDeviceMetadata
	attempts     map[string]*fakeAttempt

	userProofsOK, userProofsBad, deviceProofsOK, devicesConfirmed int
	timestamps                                                    []string
}

type fakeSecret struct{ salt, verifier []byte }

type fakeDevice struct {
	fakeSecret
	groupKey, username string
}

type fakeAttempt struct {
	key      Key
	username string
	device   *fakeDevice
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

var errIncorrect = &apiError{"NotAuthorizedException", "Incorrect username or password."}

func newFakeCognito(poolName string) *fakeCognito {
	return &fakeCognito{
		poolName: poolName,
		users:    map[string]*fakeSecret{},
		devices:  map[string]*fakeDevice{},
		attempts: map[string]*fakeAttempt{},
	}
}

func (f *fakeCognito) addUser(username, password string) {
	salt, v := NewVerifier(f.poolName, username, password)
	f.users[username] = &fakeSecret{salt, v}
}

func (f *fakeCognito) handle(op string, raw json.RawMessage) (any, *apiError) {
	var p struct {
		AuthFlow                   string
		ChallengeName              string
		AuthParameters             map[string]string
		ChallengeResponses         map[string]string
		DeviceKey                  string
		DeviceSecretVerifierConfig struct{ PasswordVerifier, Salt string }
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, &apiError{"SerializationException", err.Error()}
	}
	switch {
	case op == "InitiateAuth" && p.AuthFlow == "USER_SRP_AUTH":
		return f.initiate(p.AuthParameters)
	case op == "RespondToAuthChallenge" && p.ChallengeName == "PASSWORD_VERIFIER":
		return f.passwordVerifier(p.ChallengeResponses)
	case op == "RespondToAuthChallenge" && p.ChallengeName == "DEVICE_SRP_AUTH":
		return f.deviceSRP(p.ChallengeResponses)
	case op == "RespondToAuthChallenge" && p.ChallengeName == "DEVICE_PASSWORD_VERIFIER":
		return f.devicePasswordVerifier(p.ChallengeResponses)
	case op == "ConfirmDevice":
		return f.confirmDevice(p.DeviceKey, p.DeviceSecretVerifierConfig.PasswordVerifier, p.DeviceSecretVerifierConfig.Salt)
	}
	return nil, &apiError{"InvalidParameterException", fmt.Sprintf("fake: unexpected %s %s%s", op, p.AuthFlow, p.ChallengeName)}
}

// challenge starts an SRP attempt and remembers its key under a fresh
// secret block.
func (f *fakeCognito) challenge(secret *fakeSecret, srpA string, at *fakeAttempt) (map[string]string, *apiError) {
	srv, err := NewServer(secret.verifier)
	if err != nil {
		return nil, &apiError{"InternalErrorException", err.Error()}
	}
	if at.key, err = srv.Key(srpA); err != nil {
		return nil, &apiError{"InvalidParameterException", err.Error()}
	}
	block := make([]byte, 64)
	rand.Read(block)
	encoded := base64.StdEncoding.EncodeToString(block)
	f.attempts[encoded] = at
	return map[string]string{"SALT": SaltHex(secret.salt), "SRP_B": srv.PublicB(), "SECRET_BLOCK": encoded}, nil
}

// proof checks a *_PASSWORD_VERIFIER answer and consumes its attempt.
func (f *fakeCognito) proof(r map[string]string, poolName func(*fakeAttempt) (string, string)) (*fakeAttempt, bool) {
	at := f.attempts[r["PASSWORD_CLAIM_SECRET_BLOCK"]]
	delete(f.attempts, r["PASSWORD_CLAIM_SECRET_BLOCK"]) // single use
	if at == nil {
		return nil, false
	}
	f.timestamps = append(f.timestamps, r["TIMESTAMP"])
	if CheckTimestamp(r["TIMESTAMP"], time.Now(), DefaultMaxSkew) != nil {
		return nil, false
	}
	block, err := base64.StdEncoding.DecodeString(r["PASSWORD_CLAIM_SECRET_BLOCK"])
	if err != nil {
		return nil, false
	}
	pool, id := poolName(at)
	return at, at.key.Verify(pool, id, block, r["TIMESTAMP"], r["PASSWORD_CLAIM_SIGNATURE"])
}

func (f *fakeCognito) initiate(p map[string]string) (any, *apiError) {
	u := f.users[p["USERNAME"]]
	if u == nil {
		return nil, errIncorrect
	}
	params, apiErr := f.challenge(u, p["SRP_A"], &fakeAttempt{username: p["USERNAME"]})
	if apiErr != nil {
		return nil, apiErr
	}
	params["USER_ID_FOR_SRP"] = p["USERNAME"]
	params["USERNAME"] = p["USERNAME"]
	return map[string]any{"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": params, "Session": "s1"}, nil
}

func (f *fakeCognito) passwordVerifier(r map[string]string) (any, *apiError) {
	at, ok := f.proof(r, func(at *fakeAttempt) (string, string) { return f.poolName, at.username })
	if !ok || at.device != nil {
		f.userProofsBad++
		return nil, errIncorrect
	}
	f.userProofsOK++
	if d := f.devices[r["DEVICE_KEY"]]; d != nil && d.username == at.username {
		return map[string]any{"ChallengeName": "DEVICE_SRP_AUTH", "ChallengeParameters": map[string]string{}, "Session": "s2"}, nil
	}
	return f.tokens(at.username, f.issueDevices[at.username]), nil
}

func (f *fakeCognito) deviceSRP(r map[string]string) (any, *apiError) {
	d := f.devices[r["DEVICE_KEY"]]
	if d == nil || d.username != r["USERNAME"] {
		return nil, &apiError{"ResourceNotFoundException", "Device does not exist."}
	}
	params, apiErr := f.challenge(&d.fakeSecret, r["SRP_A"], &fakeAttempt{username: d.username, device: d})
	if apiErr != nil {
		return nil, apiErr
	}
	params["USERNAME"] = d.username
	params["DEVICE_KEY"] = r["DEVICE_KEY"]
	return map[string]any{"ChallengeName": "DEVICE_PASSWORD_VERIFIER", "ChallengeParameters": params, "Session": "s3"}, nil
}

func (f *fakeCognito) devicePasswordVerifier(r map[string]string) (any, *apiError) {
	at, ok := f.proof(r, func(at *fakeAttempt) (string, string) {
		if at.device == nil {
			return "", ""
		}
		return at.device.groupKey, r["DEVICE_KEY"]
	})
	if !ok || at.device == nil || f.devices[r["DEVICE_KEY"]] != at.device {
		return nil, errIncorrect
	}
	f.deviceProofsOK++
	return f.tokens(at.username, false), nil
}

func (f *fakeCognito) confirmDevice(deviceKey, verifierB64, saltB64 string) (any, *apiError) {
	d := f.devices[deviceKey]
	if d == nil {
		return nil, &apiError{"ResourceNotFoundException", "Device does not exist."}
	}
	v, err1 := base64.StdEncoding.DecodeString(verifierB64)
	s, err2 := base64.StdEncoding.DecodeString(saltB64)
	if err1 != nil || err2 != nil {
		return nil, &apiError{"InvalidParameterException", "bad DeviceSecretVerifierConfig"}
	}
	d.salt, d.verifier = s, v
	f.devicesConfirmed++
	return map[string]any{"UserConfirmationNecessary": false}, nil
}

// tokens is a successful AuthenticationResult. The library only decodes
// the JWT payloads, so unsigned stand-ins do.
func (f *fakeCognito) tokens(username string, newDevice bool) map[string]any {
	payload := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"iat":%d,"exp":%d,"username":%q}`,
		time.Now().Unix(), time.Now().Add(time.Hour).Unix(), username)))
	jwt := "e30." + payload + ".c2ln"
	res := map[string]any{"IdToken": jwt, "AccessToken": jwt, "RefreshToken": "opaque", "ExpiresIn": 3600, "TokenType": "Bearer"}
	if newDevice {
		key := fmt.Sprintf("us-east-1_%08x-0000-4000-8000-%012x", len(f.devices)+1, time.Now().UnixNano()&0xffffffffffff)
		d := &fakeDevice{groupKey: "-Gr0upKeY", username: username}
		f.devices[key] = d // unusable until ConfirmDevice stores its verifier
		res["NewDeviceMetadata"] = map[string]string{"DeviceKey": key, "DeviceGroupKey": d.groupKey}
	}
	return map[string]any{"AuthenticationResult": res, "ChallengeParameters": map[string]string{}}
}
