//go:build unix

package store_test

// The crash tests check the promise behind every Write that returns nil:
// the data is committed and survives the process being killed at any
// moment. A child process (this test binary, re-executed) writes in a loop
// and reports each write only after Write returned; the parent kills it
// with SIGKILL at a random moment, restarts it, and in the end checks that
// every reported write is there, whole, and that nothing half-written is.
//
// kill -9 cannot lose what the kernel has accepted, so this does not
// exercise fsync (power loss); it does catch acknowledging before commit,
// torn multi-row writes, and a database or migration left unopenable by a
// crash at startup.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cirrohq/cirro/internal/store"
	"github.com/cirrohq/cirro/internal/store/backend"
	"github.com/cirrohq/cirro/internal/store/postgres/pgtest"
	"github.com/cirrohq/cirro/internal/store/sqlite"
)

const (
	crashSpecEnv  = "CIRRO_CRASH_CHILD" // the store spec; its presence selects child mode
	crashRoundEnv = "CIRRO_CRASH_ROUND"
	crashRounds   = 20
	crashWorkers  = 4
)

func TestCrashSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")
	crashLoop(t, "sqlite:"+path)
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen after crashes: %v", err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestCrashPostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		t.Skipf("the child opens the store by spec, which needs a postgres:// URL in %s", pgtest.Env)
	}
	crashLoop(t, dsn)
}

// crashLoop runs the child crashRounds times against spec, then verifies.
func crashLoop(t *testing.T, spec string) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	acked := map[string]bool{}
	counters := map[string]int{}
	for round := range crashRounds {
		ids, counts := crashRound(t, spec, round)
		for _, id := range ids {
			acked[id] = true
		}
		for w, n := range counts {
			counters[w] = max(counters[w], n)
		}
	}
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged in any round; the test proved nothing")
	}
	s, err := backend.Open(t.Context(), spec)
	if err != nil {
		t.Fatalf("reopen after crashes: %v", err)
	}
	defer s.Close()
	verifyCrashStore(t, s, acked, counters)
	t.Logf("%d rounds, %d acknowledged inserts, counters %v", crashRounds, len(acked), counters)
}

// crashRound starts the child, kills it, and returns what it acknowledged.
// Some rounds kill it during startup (opening, migrating), the others
// once it is writing.
func crashRound(t *testing.T, spec string, round int) (ids []string, counters map[string]int) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashSpecEnv+"="+spec, crashRoundEnv+"="+strconv.Itoa(round))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	firstAck := make(chan struct{})
	counters = map[string]int{}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		r := bufio.NewReader(stdout)
		once := sync.OnceFunc(func() { close(firstAck) })
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return // a last line without its newline was never fully reported
			}
			once()
			switch f := strings.Fields(line); {
			case len(f) == 2 && f[0] == "I":
				ids = append(ids, f[1])
			case len(f) == 3 && f[0] == "C":
				n, _ := strconv.Atoi(f[2])
				counters[f[1]] = max(counters[f[1]], n)
			}
		}
	}()
	if round%4 == 0 {
		time.Sleep(time.Duration(rand.N(150)) * time.Millisecond)
	} else {
		select {
		case <-firstAck:
		case <-readDone:
		case <-time.After(20 * time.Second):
			t.Fatalf("round %d: child acknowledged nothing in 20s; stderr:\n%s", round, stderr.String())
		}
		time.Sleep(time.Duration(rand.N(250)) * time.Millisecond)
	}
	cmd.Process.Kill()
	<-readDone
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("round %d: child ended with %v, not by our SIGKILL; stderr:\n%s", round, err, stderr.String())
	}
	return ids, counters
}

// TestCrashChild is the child process; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	spec := os.Getenv(crashSpecEnv)
	if spec == "" {
		t.Skip("helper process for the crash tests")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(2) // the parent reports any exit that is not its SIGKILL
	}
	ctx := context.Background()
	s, err := backend.Open(ctx, spec)
	if err != nil {
		fail(err)
	}
	var out sync.Mutex
	report := func(line string) {
		out.Lock()
		defer out.Unlock()
		io.WriteString(os.Stdout, line+"\n") // one write(2) per line, unbuffered
	}
	round := os.Getenv(crashRoundEnv)
	for w := range crashWorkers {
		go func() {
			for i := 0; ; i++ {
				id := fmt.Sprintf("r%s-w%d-%d", round, w, i)
				if err := s.Write(ctx, func(tx store.Tx) error { return tx.Insert(ctx, crashRecord(id)) }); err != nil {
					fail(err)
				}
				report("I " + id)
				if i%3 == 0 {
					n, err := bumpCounter(ctx, s, strconv.Itoa(w))
					if err != nil {
						fail(err)
					}
					report(fmt.Sprintf("C %d %d", w, n))
				}
			}
		}()
	}
	time.Sleep(60 * time.Second)
	fail(errors.New("not killed within a minute"))
}

// crashRecord's data and keys derive from its id, so the parent can tell a
// whole record from a torn one.
func crashRecord(id string) *store.Record {
	return &store.Record{Kind: "crash", ID: id, Scope: "s",
		Data: []byte(strings.Repeat(id+";", 4096/(len(id)+1))),
		Keys: []store.Key{{Name: "id", Value: id, Unique: true}, {Name: "all", Value: "x"}}}
}

func bumpCounter(ctx context.Context, s store.Store, w string) (int, error) {
	var n int
	err := s.Write(ctx, func(tx store.Tx) error {
		rec, err := tx.Get(ctx, "crash-counter", w)
		if errors.Is(err, store.ErrNotFound) {
			n = 1
			return tx.Insert(ctx, &store.Record{Kind: "crash-counter", ID: w, Data: []byte("1")})
		}
		if err != nil {
			return err
		}
		if n, err = strconv.Atoi(string(rec.Data)); err != nil {
			return err
		}
		n++
		rec.Data = []byte(strconv.Itoa(n))
		return tx.Update(ctx, rec)
	})
	return n, err
}

func verifyCrashStore(t *testing.T, s store.Store, acked map[string]bool, counters map[string]int) {
	ctx := t.Context()
	err := s.Read(ctx, func(tx store.Tx) error {
		recs, err := tx.List(ctx, store.Query{Kind: "crash", Scope: "s"})
		if err != nil {
			return err
		}
		stored := map[string]bool{}
		for _, r := range recs {
			stored[r.ID] = true
			if want := crashRecord(r.ID); string(r.Data) != string(want.Data) {
				t.Errorf("record %s is torn: %d bytes of data", r.ID, len(r.Data))
			}
			if got, err := tx.Lookup(ctx, "crash", "s", "id", r.ID); err != nil || got.ID != r.ID {
				t.Errorf("record %s lost its key: %v", r.ID, err)
			}
		}
		if n, err := tx.Count(ctx, store.Query{Kind: "crash", Scope: "s", KeyName: "all", KeyValue: "x"}); err != nil || n != len(recs) {
			t.Errorf("%d records but %d hold their non-unique key (%v)", len(recs), n, err)
		}
		lost := 0
		for id := range acked {
			if !stored[id] {
				lost++
				if lost <= 5 {
					t.Errorf("acknowledged record %s is missing", id)
				}
			}
		}
		if lost > 0 {
			t.Errorf("%d of %d acknowledged records are missing", lost, len(acked))
		}
		for w, n := range counters {
			rec, err := tx.Get(ctx, "crash-counter", w)
			if err != nil {
				return err
			}
			if got, _ := strconv.Atoi(string(rec.Data)); got < n {
				t.Errorf("counter %s is %d, but %d was acknowledged", w, got, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
