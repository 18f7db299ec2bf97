package srp

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The golden file is produced by testdata/js/vectors.js from the real
// amazon-cognito-identity-js; these tests hold the Go code to it byte for
// byte without needing Node. TestGoldenFileIsCurrent regenerates it when
// Node is there, so it cannot drift from the library.

type goldenStage struct {
	PoolName    string `json:"poolName"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	Salt        string `json:"salt"`
	PrivA       string `json:"a"`
	PrivB       string `json:"b"`
	SecretBlock string `json:"secretBlock"`
	Timestamp   string `json:"timestamp"`
}

type goldenOut struct {
	PubA          string `json:"A"`
	X             string `json:"x"`
	V             string `json:"v"`
	PubB          string `json:"B"`
	U             string `json:"u"`
	S             string `json:"S"`
	PaddedS       string `json:"paddedS"`
	PaddedU       string `json:"paddedU"`
	Key           string `json:"key"`
	SrpA          string `json:"srpA"`
	Signature     string `json:"signature"`
	TimestampSent string `json:"timestampSent"`
}

type goldenCase struct {
	Name      string       `json:"name"`
	PoolID    string       `json:"poolId"`
	User      goldenStage  `json:"user"`
	Device    *goldenStage `json:"device"`
	UserOut   goldenOut    `json:"userOut"`
	DeviceOut *goldenOut   `json:"deviceOut"`
}

type goldenFile struct {
	Generator string       `json:"generator"`
	Library   string       `json:"library"`
	K         string       `json:"k"`
	Cases     []goldenCase `json:"cases"`
	PadHex    [][2]string  `json:"padHex"`
}

func loadGolden(t *testing.T) goldenFile {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&g); err != nil {
		t.Fatalf("vectors.json: %v", err)
	}
	if len(g.Cases) == 0 || len(g.PadHex) == 0 {
		t.Fatal("vectors.json has no vectors")
	}
	return g
}

func TestGoldenMultiplier(t *testing.T) {
	g := loadGolden(t)
	if got := groupK.Text(16); got != g.K {
		t.Fatalf("k = %s, library computes %s", got, g.K)
	}
}

func TestGoldenPadHex(t *testing.T) {
	for _, p := range loadGolden(t).PadHex {
		x, ok := new(big.Int).SetString(p[0], 16)
		if !ok {
			t.Fatalf("bad value %q", p[0])
		}
		if got := PadHex(x); got != p[1] {
			t.Errorf("PadHex(%s) = %s, library gives %s", p[0], got, p[1])
		}
	}
}

func TestGoldenVectors(t *testing.T) {
	g := loadGolden(t)
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if got := PoolName(c.PoolID); got != c.User.PoolName {
				t.Errorf("PoolName(%q) = %q, want %q", c.PoolID, got, c.User.PoolName)
			}
			checkGoldenStage(t, "user", c.User, c.UserOut)
			if c.Device != nil {
				checkGoldenStage(t, "device", *c.Device, *c.DeviceOut)
			}
		})
	}
}

// checkGoldenStage replays one exchange: the server from the stored
// verifier and b, the Go test client from a, and every intermediate value
// against the library's.
func checkGoldenStage(t *testing.T, stage string, in goldenStage, want goldenOut) {
	t.Helper()
	salt := mustDecodeHex(t, in.Salt)
	eq := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s %s:\n got %s\nwant %s", stage, what, got, want)
		}
	}

	eq("x", passwordExponent(in.PoolName, in.Username, in.Password, salt).Text(16), want.X)
	verifier := ComputeVerifier(in.PoolName, in.Username, in.Password, salt)
	eq("v", new(big.Int).SetBytes(verifier).Text(16), want.V)

	srv, err := NewServerWithPrivate(verifier, mustDecodeHex(t, in.PrivB))
	if err != nil {
		t.Fatal(err)
	}
	eq("B", srv.PublicB(), want.PubB)

	a, _ := new(big.Int).SetString(in.PrivA, 16)
	client := newTestClientWithPrivate(in.PoolName, in.Username, in.Password, a)
	eq("A", client.srpA(), want.PubA)
	eq("SRP_A as sent", client.srpA(), want.SrpA)

	u, S, err := srv.premaster(want.SrpA)
	if err != nil {
		t.Fatal(err)
	}
	eq("u", u.Text(16), want.U)
	eq("S", S.Text(16), want.S)
	eq("padHex(u)", PadHex(u), want.PaddedU)
	eq("padHex(S)", PadHex(S), want.PaddedS)

	key, err := srv.Key(want.SrpA)
	if err != nil {
		t.Fatal(err)
	}
	eq("key", hex.EncodeToString(key[:]), want.Key)
	clientKey, err := client.key(SaltHex(salt), srv.PublicB())
	if err != nil {
		t.Fatal(err)
	}
	if clientKey != key {
		t.Errorf("%s: Go test client derives a different key", stage)
	}

	eq("TIMESTAMP", want.TimestampSent, in.Timestamp)
	ts, err := ParseTimestamp(want.TimestampSent)
	if err != nil {
		t.Errorf("%s: library timestamp %q: %v", stage, want.TimestampSent, err)
	} else {
		eq("TimestampString", TimestampString(ts), want.TimestampSent)
	}
	block, err := base64.StdEncoding.DecodeString(in.SecretBlock)
	if err != nil {
		t.Fatal(err)
	}
	eq("signature", key.Sign(in.PoolName, in.Username, block, want.TimestampSent), want.Signature)
	if !srv.Verify(want.SrpA, in.PoolName, in.Username, block, want.TimestampSent, want.Signature) {
		t.Errorf("%s: server rejects the library's signature", stage)
	}
}

// TestGoldenFileIsCurrent regenerates the vectors with the library and
// compares them with the committed file.
func TestGoldenFileIsCurrent(t *testing.T) {
	dir := requireNode(t)
	in, err := os.Open(filepath.Join("testdata", "vector_inputs.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	cmd := exec.Command("node", "vectors.js")
	cmd.Dir = dir
	cmd.Stdin = in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("vectors.js: %v\n%s", err, stderr.String())
	}
	committed, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, committed) {
		t.Fatal("testdata/vectors.json differs from what the library computes now; regenerate it:\n" +
			"  (cd internal/srp/testdata/js && node vectors.js < ../vector_inputs.json > ../vectors.json)")
	}
}

func mustDecodeHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
