package userimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cirrohq/cirro/internal/store"
)

// KindChunk is the store kind of an uploaded file's pieces. A file is cut
// at line ends into chunks of about chunkSize bytes, each sealed under
// the master key (the file holds personal data) and bound to its pool,
// job, upload and position, so that neither a chunk nor a file can be
// passed off as another. Chunks expire with the job's start window, and a
// started job's chunks are kept until the job ends.
const KindChunk = "userimportchunk"

const (
	chunkSize   = 1 << 20
	sealPurpose = "userimport-csv"
)

// file describes an uploaded file: its upload generation (a new PUT
// replaces the file as a whole), the first line of each chunk, and its
// number of lines and bytes.
type file struct {
	Gen    string `json:"gen"`
	Starts []int  `json:"starts"`
	Lines  int    `json:"lines"`
	Size   int64  `json:"size"`
}

type chunkDoc struct {
	Sealed []byte `json:"sealed"`
}

func chunkID(jobID, gen string, i int) string { return fmt.Sprintf("%s/%s/%06d", jobID, gen, i) }

func chunkAD(poolID, id string) []byte { return []byte(poolID + "\x00" + id) }

func (s *Service) chunkRecord(poolID, jobID, gen string, i int, text []byte) (*store.Record, error) {
	id := chunkID(jobID, gen, i)
	data, err := json.Marshal(chunkDoc{Sealed: s.Keys.Seal(sealPurpose, text, chunkAD(poolID, id))})
	if err != nil {
		return nil, err
	}
	return &store.Record{Kind: KindChunk, ID: id, Scope: poolID, Data: data}, nil
}

// deleteChunks deletes the chunks of one upload of a job.
func deleteChunks(ctx context.Context, tx store.Tx, jobID, gen string, n int) error {
	for i := range n {
		if err := tx.Delete(ctx, KindChunk, chunkID(jobID, gen, i)); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}

// keepChunks takes the expiry off a started job's chunks: they now live
// as long as the job runs, and the runner deletes them when it ends.
func keepChunks(ctx context.Context, tx store.Tx, jobID string, f *file) error {
	for i := range f.Starts {
		rec, err := tx.Get(ctx, KindChunk, chunkID(jobID, f.Gen, i))
		if err != nil {
			return fmt.Errorf("import file chunk %d: %w", i, err)
		}
		rec.Expires = time.Time{}
		if err := tx.Update(ctx, rec); err != nil {
			return err
		}
	}
	return nil
}

// reader reads a job's file line by line, one chunk in memory at a time.
type reader struct {
	s          *Service
	pool, job  string
	f          *file
	idx        int
	lines      []string
	cols       []string
	colsLoaded bool
}

func (s *Service) newReader(j *job) *reader {
	return &reader{s: s, pool: j.Pool, job: j.ID, f: j.File, idx: -1}
}

// line returns line n (1-based) of the file, without its line end, and
// false past the last line.
func (r *reader) line(ctx context.Context, tx store.Tx, n int) (string, bool, error) {
	if r.f == nil || n < 1 || n > r.f.Lines {
		return "", false, nil
	}
	i := sort.Search(len(r.f.Starts), func(i int) bool { return r.f.Starts[i] > n }) - 1
	if i != r.idx {
		rec, err := tx.Get(ctx, KindChunk, chunkID(r.job, r.f.Gen, i))
		if err != nil {
			return "", false, fmt.Errorf("import file chunk %d: %w", i, err)
		}
		var d chunkDoc
		if err := json.Unmarshal(rec.Data, &d); err != nil {
			return "", false, err
		}
		text, err := r.s.Keys.Open(sealPurpose, d.Sealed, chunkAD(r.pool, rec.ID))
		if err != nil {
			return "", false, fmt.Errorf("import file chunk %d: %w", i, err)
		}
		r.lines = strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
		r.idx = i
	}
	k := n - r.f.Starts[i]
	if k >= len(r.lines) {
		return "", false, fmt.Errorf("import file chunk %d: line %d missing", i, n)
	}
	return strings.TrimSuffix(r.lines[k], "\r"), true, nil
}

// columns is the file's header row, parsed once.
func (r *reader) columns(ctx context.Context, tx store.Tx) ([]string, error) {
	if !r.colsLoaded {
		h, ok, err := r.line(ctx, tx, 1)
		if err != nil {
			return nil, err
		}
		if ok {
			r.cols = fields(strings.TrimPrefix(h, "\uFEFF"))
		}
		r.colsLoaded = true
	}
	return r.cols, nil
}
