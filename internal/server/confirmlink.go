package server

import (
	"html/template"
	"net/http"

	"github.com/cirrohq/cirro/internal/errs"
)

// confirmLinkHandler serves the link of CONFIRM_WITH_LINK verification
// emails, GET /confirmUser?client_id=…&user_name=…&confirmation_code=…,
// the path and query of Cognito's own links. It confirms the user and
// answers with a short page, as Cognito's domain does.
func (s *Server) confirmLinkHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The URL holds a code: keep it out of caches and Referer headers.
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("X-Frame-Options", "DENY")
		q := r.URL.Query()
		clientID, username, code := q.Get("client_id"), q.Get("user_name"), q.Get("confirmation_code")
		if clientID == "" || username == "" || code == "" {
			confirmPage(w, http.StatusBadRequest, "This confirmation link is incomplete.")
			return
		}
		err := s.API.Users.ConfirmByLink(r.Context(), clientID, username, code)
		if err == nil {
			confirmPage(w, http.StatusOK, "Your registration has been confirmed!")
			return
		}
		if e, ok := errs.As(err); ok && errs.HTTPStatus(e) < 500 {
			confirmPage(w, http.StatusBadRequest, e.Message)
			return
		}
		s.Log.Error("confirmation link", "err", err)
		confirmPage(w, http.StatusInternalServerError, "Something went wrong. Please try again later.")
	})
}

var confirmTemplate = template.Must(template.New("confirm").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Confirmation</title></head>
<body><p>{{.}}</p></body></html>
`))

func confirmPage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	confirmTemplate.Execute(w, msg)
}
