package backend

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/postgres"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

// Syntax describes the accepted specs, for error messages and help text.
const Syntax = `"memory", "sqlite:PATH", a file path, or a postgres:// (postgresql://) URL`

// scheme matches a leading "word:" so that a mistyped or unsupported URL
// ("mysql://…", "postgress://…") is refused instead of becoming a SQLite
// file of that name.
var scheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)

// Open opens the store named by spec:
//
//	memory                  a private in-memory SQLite database
//	sqlite:PATH             a SQLite database file (created if missing)
//	PATH                    the same, for a path without a "scheme:" prefix
//	postgres://…            a PostgreSQL database (also postgresql://)
func Open(ctx context.Context, spec string) (store.Store, error) {
	spec = strings.TrimSpace(spec)
	var s store.Store
	var err error
	switch {
	case spec == "":
		return nil, fmt.Errorf("store: no database given; expected %s", Syntax)
	case spec == "memory":
		s, err = sqlite.OpenMemory(ctx)
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		s, err = postgres.Open(ctx, spec)
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		// sqlite:///abs/path and sqlite://rel/path, URL style.
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return nil, fmt.Errorf("store: %q names no file; expected sqlite:PATH", spec)
		}
		s, err = sqlite.Open(ctx, path)
	case scheme.MatchString(spec):
		return nil, fmt.Errorf("store: unsupported database %q (scheme %q); expected %s",
			redact(spec), scheme.FindStringSubmatch(spec)[1], Syntax)
	default:
		s, err = sqlite.Open(ctx, spec)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// redact drops what follows the scheme, which may hold a password.
func redact(spec string) string {
	if m := scheme.FindString(spec); m != "" && len(spec) > len(m) {
		return m + "…"
	}
	return spec
}
