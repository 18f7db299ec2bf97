package password

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Known answers made by independent implementations: passlib 1.7.4
// (bcrypt via the bcrypt module, PBKDF2, scrypt, Django formats, argon2 via
// argon2-cffi), the argon2 reference CLI (argon2 20171227) and Apache's
// htpasswd -B. Each was made for one password and must refuse another.
var knownAnswers = []struct {
	name, encoded, password string
}{
	{"argon2id ref CLI", "$argon2id$v=19$m=4096,t=3,p=2$c2FsdHNhbHRzYWx0MTZi$Faszcq6YjYs8scTWYWFQ+r1iFnF2enylZwCl4HzWymo", "correct horse battery staple"},
	{"argon2i ref CLI, 24-byte key", "$argon2i$v=19$m=1024,t=2,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", "correct horse battery staple"},
	{"argon2id argon2-cffi", "$argon2id$v=19$m=1024,t=2,p=2$ghCiVCrF2DuntHYOIcSY0w$LAd8oNsj2qol10wEDdh0SA", "correct horse battery staple"},
	{"argon2i argon2-cffi", "$argon2i$v=19$m=512,t=3,p=1$zrkXwnhPSQmhtDZmrHVOiQ$c98744ralBddWL+5M1ww+w", "pässwörd-ü 🔑"},
	{"bcrypt 2b", "$2b$05$EEaUhR7xkytmyJsdewhwC.lVTVgT6q7WjPY19o1aNSM0sq.OyCAPm", "correct horse battery staple"},
	{"bcrypt 2a", "$2a$04$cjen3U3797s3LkBh/IqmUOAdp05XbFSvYdhXV.ZZnV5dTYuzDSUx6", "pässwörd-ü 🔑"},
	{"bcrypt 2y passlib", "$2y$04$I9syXBDJ7YhqPkCs1Jgh0Of7xbw4RJ.yNHEAMjU0OacTBVCG2tUj6", "correct horse battery staple"},
	{"bcrypt 2y htpasswd", "$2y$04$8VwO7rzPQgj7YV7BdNvWa..7n1vaYZl8zElfI29mXrF1dqV/mXR6K", "correct horse battery staple"},
	{"bcrypt over 72 bytes", "$2b$04$HDlzRcZRLEd9Kw5ujmhxde6rpulM/zCOAlQunq5sACd.rXwK853fG", strings.Repeat("a", 72) + "tail-ignored-by-bcrypt"},
	{"bcrypt over 72 bytes, other tail", "$2b$04$HDlzRcZRLEd9Kw5ujmhxde6rpulM/zCOAlQunq5sACd.rXwK853fG", strings.Repeat("a", 72) + "as the hash's maker did"},
	{"pbkdf2-sha256 passlib", "$pbkdf2-sha256$1000$hlBKSYnR.v./dw7h/N9bqw$InZz.tzABWTfuh8SOadQWmC2suaHzLSxCdvOJAt2lIA", "correct horse battery staple"},
	{"pbkdf2-sha256 passlib unicode", "$pbkdf2-sha256$1000$ovQeI8SYcw6hlFKq1dobgw$Z.pqFRVDlI0X/j7IpK8BNUazOId6sP1cs0UwpsntKh4", "pässwörd-ü 🔑"},
	{"pbkdf2-sha512 passlib", "$pbkdf2-sha512$1000$SkkpRSjF.H/PmfO.N6Y0Zg$3DrC49Ri/T1XXFz.ZYCzcL6VaofZvwCKEFupA0ijS3SymN3orqxm4hlH7sb3YZo0f1VYJvnGJrDWy3mm5LlUhg", "correct horse battery staple"},
	{"pbkdf2-sha1 passlib", "$pbkdf2$1000$3VvLOeeck7J2zhlD6D2HcA$pbqv0SzEPgtnooCMb31YaOo4WgA", "correct horse battery staple"},
	// PHC form with i= and l=; salt "saltsaltsalt16b!" made with Python's hashlib.pbkdf2_hmac.
	{"pbkdf2-sha256 PHC", "$pbkdf2-sha256$i=1000,l=32$c2FsdHNhbHRzYWx0MTZiIQ$7FiQv8MOOWWH72QRWSBgb32Dt8kyArb6tE7c8q3Sf1U", "correct horse battery staple"},
	{"scrypt passlib", "$scrypt$ln=10,r=8,p=1$kZJyLsWY834vpfTeG8OYMw$X7cMpJxhc6j55kl8p0yc+2XlPtKFVUuuznqxGsrplek", "correct horse battery staple"},
	{"scrypt passlib r=4 p=2", "$scrypt$ln=11,r=4,p=2$cQ4hpBSCcE4p5ZyTkhLiPA$OCiLN98UUZOHtBSgNWtI5+awrWCMqD4VJ6+AA2V7/E0", "pässwörd-ü 🔑"},
	{"django pbkdf2_sha256", "pbkdf2_sha256$1000$FWjUF5eQzW9L$Quq9tWQ+wuU7JsqZ0VgKSVP4ulT/gYFjQww9UP6hhjM=", "correct horse battery staple"},
	{"django pbkdf2_sha256 unicode", "pbkdf2_sha256$1000$hQuUWlm3hFaI$1HWNtuzpvi3x4spiAIkww3HauXnESmDhvqihILgV59M=", "pässwörd-ü 🔑"},
	{"django pbkdf2_sha1", "pbkdf2_sha1$1000$idMqZnqJlGA9$Q3p45YVw0iGQE451Sznn6c9Wj6Y=", "correct horse battery staple"},
}

func TestVerifyKnownAnswers(t *testing.T) {
	h := newHasher(t, FastParams())
	for _, ka := range knownAnswers {
		t.Run(ka.name, func(t *testing.T) {
			if ok, err := h.Verify(ka.encoded, ka.password); !ok || err != nil {
				t.Errorf("right password: %v, %v", ok, err)
			}
			// Change the first byte: bcrypt ignores everything past 72.
			wrong := "!" + ka.password[1:]
			if ok, err := h.Verify(ka.encoded, wrong); ok || err != nil {
				t.Errorf("wrong password: %v, %v", ok, err)
			}
			if !h.NeedsRehash(ka.encoded) {
				t.Error("imported hash does not need rehash")
			}
		})
	}
}

// An imported hash that verifies is replaced by an argon2id one that
// verifies too and needs nothing more.
func TestUpgradeAfterImport(t *testing.T) {
	h := newHasher(t, FastParams())
	const pw = "correct horse battery staple"
	old := knownAnswers[4].encoded // bcrypt
	if ok, _ := h.Verify(old, pw); !ok || !h.NeedsRehash(old) {
		t.Fatal("imported hash not verified or not marked for rehash")
	}
	upgraded := h.Hash(pw)
	if ok, _ := h.Verify(upgraded, pw); !ok || h.NeedsRehash(upgraded) {
		t.Fatal("upgraded hash not usable")
	}
}

func TestVerifyMalformedOrTooCostly(t *testing.T) {
	h := newHasher(t, FastParams())
	for _, c := range []struct {
		encoded string
		want    error
	}{
		{"$argon2id$m=64,t=1,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrUnsupportedHash},              // v=16 (no version)
		{"$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrUnsupportedHash},         // old version
		{"$argon2d$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrUnsupportedHash},          // argon2d
		{"$argon2id$v=19$m=64,t=1,p=1,keyid=x$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrUnsupportedHash}, // keyed
		{"$argon2id$v=19$m=64,t=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrMalformedHash},
		{"$argon2id$v=19$m=64,t=1,p=1,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrMalformedHash},
		{"$argon2id$v=19$m=4,t=1,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrMalformedHash},
		{"$argon2id$v=19$m=064,t=1,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrMalformedHash},
		{"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrMalformedHash}, // 4-byte salt
		{"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0MTZi$", ErrMalformedHash},
		{"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0MTZi$!!!", ErrMalformedHash},
		{"$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrHashTooCostly},
		{"$argon2id$v=19$m=1048576,t=5,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrHashTooCostly},
		{"$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrHashTooCostly},
		{"$argon2id$v=19$m=64,t=99999999999999999999999,p=1$c2FsdHNhbHRzYWx0MTZi$WyM0FdxxJNnV9BXpVCGmM8WX/LFfX65A", ErrHashTooCostly},
		{"$2b$31$EEaUhR7xkytmyJsdewhwC.lVTVgT6q7WjPY19o1aNSM0sq.OyCAPm", ErrHashTooCostly},
		{"$2b$05$tooshort", ErrMalformedHash},
		{"$2b$5$EEaUhR7xkytmyJsdewhwC.lVTVgT6q7WjPY19o1aNSM0sq.OyCAPm", ErrMalformedHash},
		{"$pbkdf2-sha256$99999999$hlBKSYnR.v./dw7h/N9bqw$InZz.tzABWTfuh8SOadQWmC2suaHzLSxCdvOJAt2lIA", ErrHashTooCostly},
		{"$pbkdf2-sha256$0$hlBKSYnR.v./dw7h/N9bqw$InZz.tzABWTfuh8SOadQWmC2suaHzLSxCdvOJAt2lIA", ErrMalformedHash},
		{"$pbkdf2-md5$1000$hlBKSYnR.v./dw7h/N9bqw$InZz.tzABWTfuh8SOadQWmC2suaHzLSxCdvOJAt2lIA", ErrUnsupportedHash},
		{"$pbkdf2-sha256$i=1000,l=31$c2FsdHNhbHRzYWx0MTZiIQ$7FiQv8MOOWWH72QRWSBgb32Dt8kyArb6tE7c8q3Sf1U", ErrMalformedHash},
		{"$pbkdf2-sha256$1000$hlBKSYnR.v./dw7h/N9bqw$InZz", ErrMalformedHash}, // 3-byte key
		{"$scrypt$ln=30,r=8,p=1$kZJyLsWY834vpfTeG8OYMw$X7cMpJxhc6j55kl8p0yc+2XlPtKFVUuuznqxGsrplek", ErrHashTooCostly},
		{"$scrypt$ln=20,r=16,p=1$kZJyLsWY834vpfTeG8OYMw$X7cMpJxhc6j55kl8p0yc+2XlPtKFVUuuznqxGsrplek", ErrHashTooCostly},
		{"$scrypt$ln=10,r=8,p=64$kZJyLsWY834vpfTeG8OYMw$X7cMpJxhc6j55kl8p0yc+2XlPtKFVUuuznqxGsrplek", ErrHashTooCostly},
		{"$scrypt$ln=20,r=8,p=16$kZJyLsWY834vpfTeG8OYMw$X7cMpJxhc6j55kl8p0yc+2XlPtKFVUuuznqxGsrplek", ErrHashTooCostly},
		{"$scrypt$ln=10,r=8$kZJyLsWY834vpfTeG8OYMw$X7cMpJxhc6j55kl8p0yc+2XlPtKFVUuuznqxGsrplek", ErrMalformedHash},
		{"pbkdf2_sha256$1000$$Quq9tWQ+wuU7JsqZ0VgKSVP4ulT/gYFjQww9UP6hhjM=", ErrMalformedHash},
		{"pbkdf2_sha256$1000$FWjUF5eQzW9L$not*base64", ErrMalformedHash},
		{"pbkdf2_md5$1000$FWjUF5eQzW9L$Quq9tWQ+wuU7JsqZ0VgKSVP4ulT/gYFjQww9UP6hhjM=", ErrUnsupportedHash},
	} {
		start := time.Now()
		ok, err := h.Verify(c.encoded, "correct horse battery staple")
		if ok || !errors.Is(err, c.want) {
			t.Errorf("Verify(%q) = %v, %v; want %v", c.encoded, ok, err, c.want)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Verify(%q) took %v before refusing", c.encoded, d)
		}
	}
}
