package template_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cirrohq/cirro/cirrotest"
	"github.com/cirrohq/cirro/internal/clock"
	"github.com/cirrohq/cirro/internal/template"
)

// eachBackend runs f against a server on SQLite, and on PostgreSQL when
// CIRRO_TEST_POSTGRES names a database.
func eachBackend(t *testing.T, f func(t *testing.T, c *cirrotest.Server)) {
	t.Run("sqlite", func(t *testing.T) {
		f(t, cirrotest.Start(t, cirrotest.WithDB("sqlite:"+filepath.Join(t.TempDir(), "cirro.db"))))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("CIRRO_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("CIRRO_TEST_POSTGRES is not set")
		}
		f(t, cirrotest.Start(t, cirrotest.WithPostgres(dsn)))
	})
}

// lines collects an engine's log.
type lines struct {
	mu sync.Mutex
	l  []string
}

func (l *lines) add(s string) { l.mu.Lock(); l.l = append(l.l, s); l.mu.Unlock() }

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.l, "\n")
}

// engine applies templates in-process to c, as `cirro serve --template`.
func engine(c *cirrotest.Server, log *lines) *template.Engine {
	srv := c.Internal()
	e := &template.Engine{
		Cloud:  template.NewLocal(srv.API.IdentityProvider(), srv.API.Identity()),
		States: states(c),
		Env:    template.Env{Region: srv.Config.Region, AccountID: srv.Config.AccountID, PublicURL: srv.Config.PublicURL},
		Owner:  "test",
	}
	if log != nil {
		e.Log = log.add
	}
	return e
}

func states(c *cirrotest.Server) *template.StoreStates {
	return &template.StoreStates{Store: c.Internal().Store, Clock: clock.Real{}, Keys: c.Internal().Keys}
}

func fixture(t *testing.T, name string) *template.Template {
	t.Helper()
	return parseFile(t, filepath.Join("testdata", "fixtures", name+".template.json"))
}

func parseFile(t *testing.T, path string) *template.Template {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := template.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func parse(t *testing.T, src string) *template.Template {
	t.Helper()
	tpl, err := template.Parse("test", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func mustApply(t *testing.T, e *template.Engine, stack string, tpl *template.Template, params map[string]string) *template.Result {
	t.Helper()
	res, err := e.Apply(context.Background(), stack, tpl, params, false)
	if err != nil {
		t.Fatalf("apply %s: %v", stack, err)
	}
	return res
}

func loadState(t *testing.T, c *cirrotest.Server, stack string) *template.StackState {
	t.Helper()
	st, err := states(c).Load(context.Background(), stack)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// asJSON turns an SDK answer or a recorded value into plain JSON values
// (numbers as json.Number), so that both sides compare alike.
func asJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		panic(err)
	}
	return out
}

// mismatches lists where got does not contain want: every member of a
// wanted object must be in got with a matching value, lists must match
// element by element, and scalars must be equal as strings (the API sends
// 5 where a template may say "5").
func mismatches(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object %v, got %v", path, w, got)}
		}
		var out []string
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, mismatches(path+"."+k, w[k], g[k])...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: want %v, got %v", path, w, got)}
		}
		var out []string
		for i := range w {
			out = append(out, mismatches(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return out
	}
	if fmt.Sprint(want) != fmt.Sprint(got) {
		return []string{fmt.Sprintf("%s: want %v, got %v", path, want, got)}
	}
	return nil
}

func expectContains(t *testing.T, path string, want, got any) {
	t.Helper()
	for _, m := range mismatches(path, asJSON(want), asJSON(got)) {
		t.Error(m)
	}
}

func readFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(asJSON(v)) }
