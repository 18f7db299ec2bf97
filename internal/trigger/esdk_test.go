package trigger

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestEncryptionRoundTrip(t *testing.T) {
	ec := map[string]string{"userpool-id": testPoolID}
	msg, err := encryptMessage(rand.Reader, testKey, testKeyID, ec, []byte("Temp-Passw0rd!"))
	if err != nil {
		t.Fatal(err)
	}
	code := base64.StdEncoding.EncodeToString(msg)
	plain, got, err := DecryptCode(testKey, testKeyID, code)
	if err != nil || string(plain) != "Temp-Passw0rd!" || got["userpool-id"] != testPoolID {
		t.Fatalf("DecryptCode = %q, %v, %v", plain, got, err)
	}
	if _, _, err := DecryptCode([]byte("another-key-of-thirty-two-bytes!"), testKeyID, code); err == nil {
		t.Error("opened with another key")
	}
	if _, _, err := DecryptCode(testKey, "another-key-name", code); err == nil {
		t.Error("opened under another key name")
	}
	// Every byte is authenticated: flipping any one fails.
	for i := range msg {
		bad := append([]byte(nil), msg...)
		bad[i] ^= 0x01
		if _, _, err := DecryptCode(testKey, testKeyID, base64.StdEncoding.EncodeToString(bad)); err == nil {
			t.Fatalf("byte %d altered, still opens", i)
		}
	}
	if _, _, err := DecryptCode(testKey, testKeyID, base64.StdEncoding.EncodeToString(msg[:len(msg)-1])); err == nil {
		t.Error("truncated message opens")
	}
}

// A pool whose KMSKeyID has no local stand-in cannot use a custom sender;
// the error says how to configure one.
func TestCustomSenderWithoutKey(t *testing.T) {
	s, err := New(Config{Region: testRegion, Router: &Router{}})
	if err != nil {
		t.Fatal(err)
	}
	s.router.Handle("arn:aws:lambda:*", &recorder{})
	_, err = s.CustomSender(sdkContext(), testPool("V1_0"), "EMAIL", SenderSignUp, Caller{}, nil, nil, "123456")
	if e, ok := err.(interface{ Error() string }); !ok || !strings.Contains(e.Error(), "triggers.kms_keys") {
		t.Errorf("error = %v", err)
	}
}

// requireNode returns the directory of the Encryption SDK script, or skips
// when Node or its packages are missing; CIRRO_TRIGGER_REQUIRE_NODE=1 (as
// CI should set) makes that a failure.
func requireNode(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "js"))
	if err != nil {
		t.Fatal(err)
	}
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-crypto", "client-node", "package.json")); err != nil {
		missing = "@aws-crypto/client-node is not installed; run: npm ci --prefix internal/trigger/testdata/js"
	}
	if missing != "" {
		if os.Getenv("CIRRO_TRIGGER_REQUIRE_NODE") != "" {
			t.Fatalf("interop with the AWS Encryption SDK required but %s", missing)
		}
		t.Skipf("skipping interop with the AWS Encryption SDK: %s", missing)
	}
	return dir
}

// TestEncryptionSDKInterop decrypts codes the way a custom sender function
// does, with the AWS Encryption SDK for JavaScript (strictest commitment
// policy) and a raw AES keyring in cirro's namespace: the proof that the
// messages are the SDK's format and not merely cirro's own.
func TestEncryptionSDKInterop(t *testing.T) {
	dir := requireNode(t)
	cmd := exec.Command("node", filepath.Join(dir, "decrypt.js"))
	cmd.Dir = dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Wait()
	}()
	out := bufio.NewScanner(stdout)
	ask := func(key []byte, keyName, code string) (plain string, ec map[string]string, suite float64, errMsg string) {
		t.Helper()
		line, _ := json.Marshal(map[string]string{"key": base64.StdEncoding.EncodeToString(key), "keyName": keyName, "code": code})
		if _, err := stdin.Write(append(line, '\n')); err != nil {
			t.Fatal(err)
		}
		if !out.Scan() {
			t.Fatalf("node said nothing: %v", out.Err())
		}
		var res struct {
			Plaintext string            `json:"plaintext"`
			Context   map[string]string `json:"context"`
			Suite     float64           `json:"suite"`
			Error     string            `json:"error"`
		}
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		return res.Plaintext, res.Context, res.Suite, res.Error
	}

	// Through the service, as a custom sender receives it.
	rec := &recorder{}
	s := newService(t, rec, defaultTriggers())
	for _, secret := range []string{"123456", "Temp-Passw0rd!", "pässwörd 🔑", strings.Repeat("x", 4096)} {
		if _, err := s.CustomSender(sdkContext(), testPool("V1_0"), "SMS", SenderForgotPassword, Caller{UserName: "jane"}, nil, nil, secret); err != nil {
			t.Fatal(err)
		}
		var ev struct {
			Request struct {
				Code string `json:"code"`
			} `json:"request"`
		}
		json.Unmarshal(rec.payloads[len(rec.payloads)-1], &ev)
		plain, ec, suite, errMsg := ask(testKey, testKeyID, ev.Request.Code)
		if errMsg != "" || plain != secret || ec["userpool-id"] != testPoolID || suite != esdkSuite {
			t.Errorf("%q: decrypted %q, context %v, suite %#x, error %q", secret, plain, ec, int(suite), errMsg)
		}
		if _, _, _, errMsg := ask([]byte("another-key-of-thirty-two-bytes!"), testKeyID, ev.Request.Code); errMsg == "" {
			t.Errorf("%q: the SDK opened it with another key", secret)
		}
	}
}
