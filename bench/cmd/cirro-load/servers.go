package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cirrohq/cirro/bench/internal/load"
	"github.com/cirrohq/cirro/internal/ids"
)

// env is where the programs under test come from and where they run.
type env struct {
	cirro     string // cirro binary
	cognito   string // cognito-local's start.js
	moto      string // moto_server
	pgBase    string // PostgreSQL DSN of a database we may CREATE DATABASE from
	cpus      string // taskset CPU list for the servers ("" = no pinning)
	work      string // scratch directory
	masterKey string // base64 master key shared by cirro nodes (CIRRO_MASTER_KEY)
	logs      string // directory for server logs
}

// target is one server configuration under test.
type target struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Kind  string `json:"kind"` // cirro, cognito-local, moto
	// Store is sqlite or postgres for cirro.
	Store string `json:"store,omitempty"`
	// Fast selects cirro's unsafe fast password hashing.
	Fast bool `json:"fast,omitempty"`
}

var allTargets = []target{
	{Name: "cirro-sqlite-fast", Label: "cirro SQLite (fast hash)", Kind: "cirro", Store: "sqlite", Fast: true},
	{Name: "cirro-pg-fast", Label: "cirro PostgreSQL (fast hash)", Kind: "cirro", Store: "postgres", Fast: true},
	{Name: "cirro-sqlite", Label: "cirro SQLite (argon2id)", Kind: "cirro", Store: "sqlite"},
	{Name: "cirro-pg", Label: "cirro PostgreSQL (argon2id)", Kind: "cirro", Store: "postgres"},
	{Name: "cognito-local", Label: "cognito-local 5.3.0", Kind: "cognito-local"},
	{Name: "moto", Label: "moto_server 5.2.1", Kind: "moto"},
}

func targetByName(name string) (target, bool) {
	for _, t := range allTargets {
		if t.Name == name {
			return t, true
		}
	}
	return target{}, false
}

// server is a started target.
type server struct {
	target
	Endpoint string
	cmd      *exec.Cmd
	dir      string
	db       string // the cirro store spec
	dropDB   func()
	exited   chan struct{}
	// StartSeconds is the time from exec to the first answered request.
	StartSeconds float64
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// freePort asks the kernel for an unused loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// createDatabase makes a fresh PostgreSQL database and returns its DSN
// and a function that drops it.
func createDatabase(ctx context.Context, base string) (string, func(), error) {
	if err := checkLoopbackDSN(base); err != nil {
		return "", nil, err
	}
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", nil, fmt.Errorf("postgres: %w", err)
	}
	defer conn.Close(ctx)
	name := "cirro_bench_" + strings.ToLower(ids.FromAlphabet("abcdefghijklmnopqrstuvwxyz0123456789", 10))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("postgres: create database: %w", err)
	}
	u, _ := url.Parse(base)
	u.Path = "/" + name
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, base); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	}
	return u.String(), drop, nil
}

// checkLoopbackDSN refuses a PostgreSQL server that is not on this machine.
func checkLoopbackDSN(dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("postgres DSN %q must be a postgres:// URL", dsn)
	}
	// An empty host is a local socket; anything else must be loopback.
	if u.Host != "" && load.CheckLoopback("http://"+u.Host) != nil {
		return fmt.Errorf("postgres DSN %q: only a server on loopback is used", dsn)
	}
	return nil
}

// startOptions vary how a cirro target starts.
type startOptions struct {
	db     string // use this store spec (the caller owns it) instead of a fresh one
	extra  string // extra YAML config lines
	suffix string // log file suffix
}

// start launches t on a free loopback port, pinned to e.cpus, and waits
// until it answers.
func (e *env) start(ctx context.Context, t target, o startOptions) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s := &server{target: t, Endpoint: "http://" + addr, exited: make(chan struct{})}
	s.dir, err = os.MkdirTemp(e.work, t.Name+"-")
	if err != nil {
		return nil, err
	}
	var argv []string
	environ := os.Environ()
	switch t.Kind {
	case "cirro":
		s.db = o.db
		if s.db == "" {
			switch t.Store {
			case "postgres":
				if s.db, s.dropDB, err = createDatabase(ctx, e.pgBase); err != nil {
					return nil, err
				}
			default:
				s.db = "sqlite:" + filepath.Join(s.dir, "cirro.db")
			}
		}
		cfg := "log_level: warn\n" + o.extra
		if t.Fast {
			cfg += "unsafe_fast_password_hashing: true\n"
		}
		cfgPath := filepath.Join(s.dir, "cirro.yaml")
		if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
			return nil, err
		}
		argv = []string{e.cirro, "serve", "--addr", addr, "--db", s.db, "--config", cfgPath}
		environ = append(environ, "CIRRO_MASTER_KEY="+e.masterKey)
	case "cognito-local":
		// cognito-local makes every new pool an email-as-username pool
		// unless its config says otherwise; the workload uses usernames.
		if err := os.MkdirAll(filepath.Join(s.dir, ".cognito"), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(s.dir, ".cognito", "config.json"), []byte(`{"UserPoolDefaults":{"UsernameAttributes":[]}}`), 0o644); err != nil {
			return nil, err
		}
		argv = []string{"node", e.cognito}
		environ = append(environ, "HOST=127.0.0.1", fmt.Sprintf("PORT=%d", port))
	case "moto":
		argv = []string{e.moto, "-H", "127.0.0.1", "-p", fmt.Sprint(port)}
	default:
		return nil, fmt.Errorf("unknown target kind %q", t.Kind)
	}
	if e.cpus != "" {
		argv = append([]string{"taskset", "-c", e.cpus}, argv...)
	}
	logPath := filepath.Join(e.logs, t.Name+o.suffix+".log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	s.cmd.Dir, s.cmd.Env, s.cmd.Stdout, s.cmd.Stderr = s.dir, environ, logf, logf
	// Its own process group, so that stopping it stops what it started.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	began := time.Now()
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() {
		s.cmd.Wait()
		logf.Close()
		close(s.exited)
	}()
	if err := s.waitReady(ctx, 90*time.Second); err != nil {
		s.stop(false)
		return nil, fmt.Errorf("%s did not start (log %s): %w", t.Name, logPath, err)
	}
	s.StartSeconds = time.Since(began).Seconds()
	return s, nil
}

// waitReady polls until the server answers an HTTP request: cirro's
// /readyz (which checks the store), the emulators' any response.
func (s *server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second}
	probe := s.Endpoint + "/"
	if s.Kind == "cirro" {
		probe = s.Endpoint + "/readyz"
	}
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return errors.New("exited")
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		resp, err := client.Get(probe)
		if err == nil {
			resp.Body.Close()
			if s.Kind != "cirro" || resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %s", limit)
}

// stop ends the server: SIGTERM (or SIGKILL when kill is set) to its
// process group, SIGKILL if it has not exited 10 s later. Then its
// scratch store goes, unless it was created to be kept.
func (s *server) stop(kill bool) {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	syscall.Kill(-s.pid(), sig)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		syscall.Kill(-s.pid(), syscall.SIGKILL)
		<-s.exited
	}
}

// cleanup removes the server's scratch directory and fresh database.
func (s *server) cleanup() {
	if s.dropDB != nil {
		s.dropDB()
	}
	os.RemoveAll(s.dir)
}
