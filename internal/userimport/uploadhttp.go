package userimport

import (
	"errors"
	"fmt"
	"net/http"
)

// UploadHandler serves PUT /_cirro/import/{pool}/{job}: the upload of a
// job's file to its PreSignedUrl, exactly as a client uploads to S3
// (`curl -T users.csv -H "x-amz-server-side-encryption:aws:kms" URL`).
// The URL is the credential, so the request is not SigV4-signed; the
// encryption header is accepted and ignored (the file is sealed anyway).
// Refusals are S3's error documents, and change nothing.
func (s *Service) UploadHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		etag, err := s.Upload(r.Context(), r.PathValue("pool"), r.PathValue("job"),
			q.Get("X-Cirro-Expires"), q.Get("X-Cirro-Signature"), r.Body)
		switch {
		case err == nil:
			w.Header().Set("ETag", etag)
			w.WriteHeader(http.StatusOK)
		case errors.Is(err, ErrBadSignature):
			s3Error(w, http.StatusForbidden, "SignatureDoesNotMatch",
				"The request signature we calculated does not match the signature you provided.")
		case errors.Is(err, ErrURLExpired):
			s3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		case errors.Is(err, ErrNotUploading):
			s3Error(w, http.StatusForbidden, "AccessDenied", "The import job no longer accepts a file.")
		case errors.Is(err, ErrTooLarge):
			s3Error(w, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size (100 MB).")
		default:
			if r.Context().Err() == nil {
				s.log().Error("user import upload failed", "error", err)
			}
			s3Error(w, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
		}
	})
}

func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message></Error>\n", code, msg)
}
