package userimport

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"net/url"
	"strconv"

	"github.com/cirrohq/cirro/internal/errs"
	"github.com/cirrohq/cirro/internal/ids"
	"github.com/cirrohq/cirro/internal/secrets"
	"github.com/cirrohq/cirro/internal/store"
)

const macPurpose = "userimport-upload"

// Upload refusals; uploadhttp.go answers them as S3 answers a pre-signed
// PUT.
var (
	ErrBadSignature = errors.New("userimport: upload signature does not match")
	ErrURLExpired   = errors.New("userimport: upload URL expired")
	ErrNotUploading = errors.New("userimport: job does not take an upload")
	ErrTooLarge     = errors.New("userimport: file larger than 100 MB")
)

// signature is the MAC of an upload URL: the pool, the job and the
// expiry, under a key derived from the master key for this purpose only.
func (s *Service) signature(poolID, jobID string, expires int64) []byte {
	return s.Keys.MAC(macPurpose, []byte("PUT\x00"+poolID+"\x00"+jobID+"\x00"+strconv.FormatInt(expires, 10)))
}

// uploadURL is the job's PreSignedUrl, valid for uploadWindow after its
// creation. It is derived, never stored: the database holds no credential.
func (s *Service) uploadURL(j *job) string {
	exp := j.Created.Add(uploadWindow).Unix()
	q := url.Values{
		"X-Cirro-Expires":   {strconv.FormatInt(exp, 10)},
		"X-Cirro-Signature": {base64.RawURLEncoding.EncodeToString(s.signature(j.Pool, j.ID, exp))},
	}
	return s.PublicURL + "/_cirro/import/" + url.PathEscape(j.Pool) + "/" + url.PathEscape(j.ID) + "?" + q.Encode()
}

// verify checks an upload URL's signature (in constant time), then its
// expiry, as S3 does.
func (s *Service) verify(poolID, jobID, expires, sig string) error {
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil {
		return ErrBadSignature
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !secrets.Equal(got, s.signature(poolID, jobID, exp)) {
		return ErrBadSignature
	}
	if s.Clock.Now().Unix() > exp {
		return ErrURLExpired
	}
	return nil
}

// Upload stores body as the file of a Created job, given the signed
// parameters of its upload URL, and returns the file's ETag (its MD5, as
// S3's). The file is read as a stream and written chunk by chunk; it
// replaces an earlier upload only once whole, so a refused or broken
// upload changes nothing (its chunks expire).
func (s *Service) Upload(ctx context.Context, poolID, jobID, expires, sig string, body io.Reader) (string, error) {
	if err := s.verify(poolID, jobID, expires, sig); err != nil {
		return "", err
	}
	var j *job
	err := s.Store.Read(ctx, func(tx store.Tx) (err error) {
		j, _, err = s.find(ctx, tx, poolID, jobID)
		return err
	})
	switch {
	case errs.Is(err, errs.ResourceNotFoundException):
		return "", ErrNotUploading // the pool was deleted
	case err != nil:
		return "", err
	case j.status(s.Clock.Now()) != statusCreated:
		return "", ErrNotUploading
	}
	f := &file{Gen: ids.FromAlphabet("abcdefghijklmnopqrstuvwxyz0123456789", 12)}
	sum := md5.New()
	in := bufio.NewReaderSize(io.TeeReader(io.LimitReader(body, maxFileSize+1), sum), 64<<10)
	var buf []byte
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		rec, err := s.chunkRecord(poolID, jobID, f.Gen, len(f.Starts)-1, buf)
		if err != nil {
			return err
		}
		rec.Expires = j.Created.Add(startWindow)
		if err := s.Store.Write(ctx, func(tx store.Tx) error { return tx.Insert(ctx, rec) }); err != nil {
			return err
		}
		buf = buf[:0]
		return nil
	}
	lineStart := true
	for {
		// line is a whole line, or a piece of a long one (ErrBufferFull).
		line, err := in.ReadSlice('\n')
		if len(line) > 0 {
			if lineStart {
				f.Lines++
				if len(buf) == 0 { // chunks begin at a line start: flush follows a '\n'
					f.Starts = append(f.Starts, f.Lines)
				}
			}
			lineStart = line[len(line)-1] == '\n'
			buf = append(buf, line...)
			f.Size += int64(len(line))
		}
		if f.Size > maxFileSize {
			s.discard(ctx, jobID, f)
			return "", ErrTooLarge
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			s.discard(ctx, jobID, f)
			return "", err
		}
		if len(buf) >= chunkSize && lineStart {
			if err := flush(); err != nil {
				s.discard(ctx, jobID, f)
				return "", err
			}
		}
	}
	if err := flush(); err != nil {
		s.discard(ctx, jobID, f)
		return "", err
	}
	err = s.Store.Write(ctx, func(tx store.Tx) error {
		j, rec, err := s.find(ctx, tx, poolID, jobID)
		if err != nil {
			return err
		}
		if j.status(s.Clock.Now()) != statusCreated {
			return ErrNotUploading
		}
		if old := j.File; old != nil {
			if err := deleteChunks(ctx, tx, jobID, old.Gen, len(old.Starts)); err != nil {
				return err
			}
		}
		j.File = f
		return save(ctx, tx, j, rec)
	})
	if err != nil {
		s.discard(ctx, jobID, f)
		if !errors.Is(err, ErrNotUploading) && ctx.Err() == nil {
			return "", err
		}
		return "", ErrNotUploading
	}
	return `"` + hex.EncodeToString(sum.Sum(nil)) + `"`, nil
}

// discard deletes what a failed upload wrote; what it misses expires.
func (s *Service) discard(ctx context.Context, jobID string, f *file) {
	ctx = context.WithoutCancel(ctx)
	_ = s.Store.Write(ctx, func(tx store.Tx) error {
		return deleteChunks(ctx, tx, jobID, f.Gen, len(f.Starts))
	})
}
