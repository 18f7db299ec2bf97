package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// View is what a page shows. One struct serves every page: each reads
// the fields it needs, and the handlers fill those.
type View struct {
	// Title is the document title; Heading the page's h1.
	Title, Heading string
	// Base is the path the domain's endpoints hang below ("" on its own
	// host), for links to the static assets.
	Base string
	// CSSURL is the pool's UICustomization style sheet, LogoURL its logo.
	CSSURL, LogoURL string
	// AppName is the app client's name.
	AppName string
	// CSRF is the token every form posts back.
	CSRF string
	// Action is where the page's main form posts (path and query).
	Action string
	// Error is shown as an alert, Notice as a status message; ErrorCode
	// is the OAuth error code of the error page.
	Error, ErrorCode, Notice string

	// Links to the other pages of the same authorization request.
	LoginURL, SignUpURL, ForgotURL, ResendURL, RestartURL string

	// Username is the name typed (or being confirmed); UsernameLabel and
	// UsernameType adapt the field to the pool's sign-in attributes.
	Username, UsernameLabel, UsernameType string
	// Fields are the extra inputs of a form (sign-up attributes, the
	// attributes NEW_PASSWORD_REQUIRED asks for).
	Fields []Field
	// PasswordRules describe the pool's password policy.
	PasswordRules []string

	// Challenge and Session carry an unfinished sign-in.
	Challenge, Session string
	// Destination is where a code was sent (masked, as Cognito shows it).
	Destination string
	// CodeLabel names the code input of an MFA page.
	CodeLabel string
	// QRCode is the TOTP setup QR code (an SVG image), SecretCode the
	// same key for typing in.
	QRCode     template.HTML
	SecretCode string
	// SecretGroups is SecretCode in groups of four, for reading.
	SecretGroups string
	// MFAOptions are the factors the user may choose from; ChoiceLegend
	// asks the question (a second factor, or a way to sign in).
	MFAOptions   []Option
	ChoiceLegend string
	// OtherWays offers, beside the password, choice-based sign-in
	// (USER_AUTH) with a one-time code.
	OtherWays bool
	// FirstFactor marks a code page that signs in by itself.
	FirstFactor bool
	// IdPs are the client's federated identity providers.
	IdPs []Link
	// ProvidersOnly shows the sign-in page with the IdPs' buttons alone:
	// the client does not sign in with the pool's own users.
	ProvidersOnly bool
}

// Field is one form input.
type Field struct {
	ID, Name, Label, Type, Autocomplete, Value, Hint string
	Required                                         bool
}

// Option is one choice of a radio group.
type Option struct{ Value, Label string }

// Link is a labelled link.
type Link struct{ Label, URL string }

// Pages renders the hosted UI's pages.
type Pages struct{ sets map[string]*template.Template }

// pageNames are the templates besides the layout.
var pageNames = []string{"login", "signup", "confirm", "forgot", "reset", "newpassword", "mfa", "totpsetup", "selectmfa", "error"}

// funcs are the templates' helpers: lower puts a field label into a
// sentence ("Enter your email").
var funcs = template.FuncMap{"lower": strings.ToLower}

// New parses the embedded templates.
func New() (*Pages, error) {
	p := &Pages{sets: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("ui: %s: %w", name, err)
		}
		p.sets[name] = t
	}
	return p, nil
}

// Render writes page with v and status. The page is rendered into a
// buffer first, so a template failure never sends half a page.
func (p *Pages) Render(w http.ResponseWriter, status int, page string, v *View) error {
	t, ok := p.sets[page]
	if !ok {
		return fmt.Errorf("ui: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// Static serves the embedded assets below any …/static/ path.
func Static() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.URL.Path)
		if strings.HasPrefix(name, ".") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + name
		files.ServeHTTP(w, r2)
	})
}
