package ui

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// sample fills every field a page may show.
func sample() *View {
	qr, _ := QRCode("otpauth://totp/Acme:amy?secret=JBSWY3DPEHPK3PXP&issuer=Acme", "QR code")
	return &View{
		Title: "T", Heading: "H", AppName: "Acme <Notes>", CSRF: "tok", Action: "/login?client_id=a&x=<y>",
		Error: "Incorrect username or password.", Notice: "Done", ErrorCode: "invalid_request",
		LoginURL: "/login", SignUpURL: "/signup", ForgotURL: "/forgotPassword", ResendURL: "/confirm/resend", RestartURL: "/login",
		Username: "amy", UsernameLabel: "Email", UsernameType: "email",
		Fields:        []Field{{ID: "attr-name", Name: "attr.name", Label: "Full name", Type: "text", Required: true}, {ID: "attr-phone_number", Name: "attr.phone_number", Label: "Phone number", Type: "tel", Hint: "With the country code"}},
		PasswordRules: []string{"At least 8 characters"},
		Challenge:     "SOFTWARE_TOKEN_MFA", Session: "sess", Destination: "a***@e***", CodeLabel: "Code",
		QRCode: qr, SecretCode: "JBSWY3DPEHPK3PXP", SecretGroups: "JBSW Y3DP EHPK 3PXP",
		MFAOptions: []Option{{"SOFTWARE_TOKEN_MFA", "Authenticator app"}, {"EMAIL_OTP", "Email"}},
		IdPs:       []Link{{"Google", "/oauth2/authorize?identity_provider=Google"}},
	}
}

var (
	inputTag = regexp.MustCompile(`<input [^>]*>`)
	idAttr   = regexp.MustCompile(` id="([^"]+)"`)
	labelFor = regexp.MustCompile(`<label [^>]*for="([^"]+)"[^>]*>\s*[^<\s]`)
	buttonRE = regexp.MustCompile(`<button [^>]*>([^<]*)</button>`)
)

// Every page renders, escapes what it is given, and gives each visible
// input a label naming it and each button a text.
func TestPagesRenderAccessibly(t *testing.T) {
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range pageNames {
		w := httptest.NewRecorder()
		if err := p.Render(w, http.StatusOK, name, sample()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		page := w.Body.String()
		if strings.Contains(page, "<Notes>") || strings.Contains(page, "x=<y>") {
			t.Errorf("%s: unescaped input", name)
		}
		if !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, `name="viewport"`) {
			t.Errorf("%s: no language or viewport", name)
		}
		labels := map[string]bool{}
		for _, m := range labelFor.FindAllStringSubmatch(page, -1) {
			labels[m[1]] = true
		}
		for _, in := range inputTag.FindAllString(page, -1) {
			if strings.Contains(in, `type="hidden"`) {
				continue
			}
			id := idAttr.FindStringSubmatch(in)
			if id == nil || !labels[id[1]] {
				t.Errorf("%s: input without a label: %s", name, in)
			}
		}
		for _, b := range buttonRE.FindAllStringSubmatch(page, -1) {
			if strings.TrimSpace(b[1]) == "" {
				t.Errorf("%s: button without text", name)
			}
		}
		if strings.Contains(page, "<script") {
			t.Errorf("%s: the pages have no script", name)
		}
	}
}

func TestQRCode(t *testing.T) {
	svg, err := QRCode("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", `label "quoted"`)
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.HasPrefix(s, "<svg ") || !strings.Contains(s, `role="img"`) || !strings.Contains(s, `aria-label="label &#34;quoted&#34;"`) || strings.Count(s, "h1v1h-1z") < 100 {
		t.Errorf("svg %.200s", s)
	}
}

func TestStatic(t *testing.T) {
	w := httptest.NewRecorder()
	Static().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/domain/acme/static/cirro.css", nil))
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") || !strings.Contains(w.Body.String(), ".card") {
		t.Errorf("%d %s", w.Code, w.Header().Get("Content-Type"))
	}
	w = httptest.NewRecorder()
	Static().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/static/missing.css", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("missing asset: %d", w.Code)
	}
}
