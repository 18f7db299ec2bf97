package main

import (
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/cirrohq/cirro/internal/config"
	"github.com/cirrohq/cirro/internal/server"
)

func serve(args []string) error {
	cfg := config.Default()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	configFile := fs.String("config", "", "YAML configuration file (flags given on the command line override it)")
	addr := fs.String("addr", cfg.Addr, "listen address")
	db := fs.String("db", cfg.DB, "store: sqlite:PATH, memory, or postgres://…")
	region := fs.String("region", cfg.Region, "AWS region name used in pool ids and ARNs")
	account := fs.String("account-id", cfg.AccountID, "12-digit account id used in ARNs")
	publicURL := fs.String("public-url", "", "base URL in token issuers and hosted-UI links (default http://<addr>)")
	keyFile := fs.String("master-key-file", cfg.MasterKeyFile, "file holding the master key for secrets at rest (CIRRO_MASTER_KEY overrides)")
	insecure := fs.Bool("insecure", false, "allow a non-loopback address without access keys (admin operations are then refused)")
	logLevel := fs.String("log-level", cfg.LogLevel, "debug, info, warn or error")
	logFormat := fs.String("log-format", cfg.LogFormat, "text or json")
	grace := fs.Duration("shutdown-grace", 20*time.Second, "how long in-flight requests may take to finish on SIGTERM")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this PEM certificate (chain) file; needs --tls-key")
	tlsKey := fs.String("tls-key", "", "PEM private key file of --tls-cert")
	tlsDev := fs.Bool("tls-dev", false, "serve HTTPS with a self-signed development certificate generated at start")
	tf := templateFlagsFor(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *configFile != "" {
		if err := cfg.LoadFile(*configFile); err != nil {
			return err
		}
	}
	// Flags given explicitly win over the file.
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "addr":
			cfg.Addr = *addr
		case "db":
			cfg.DB = *db
		case "region":
			cfg.Region = *region
		case "account-id":
			cfg.AccountID = *account
		case "public-url":
			cfg.PublicURL = *publicURL
		case "master-key-file":
			cfg.MasterKeyFile = *keyFile
		case "insecure":
			cfg.Insecure = *insecure
		case "log-level":
			cfg.LogLevel = *logLevel
		case "log-format":
			cfg.LogFormat = *logFormat
		case "tls-cert":
			cfg.TLS.CertFile = *tlsCert
		case "tls-key":
			cfg.TLS.KeyFile = *tlsKey
		case "tls-dev":
			cfg.TLS.Dev = *tlsDev
		}
	})
	log, err := newLogger(cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	slog.SetDefault(log)

	if err := cfg.PrepareTLS(); err != nil {
		return err
	}
	tlsConf, fingerprint, err := cfg.ServerTLS(time.Now())
	if err != nil {
		return err
	}

	tpls, lambdas, err := tf.prepare(&cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, cfg, server.Options{Logger: log})
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := applyTemplates(ctx, srv, tpls, lambdas, log); err != nil {
		return err
	}
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if tlsConf != nil {
		l = tls.NewListener(l, tlsConf)
		log.Info("serving HTTPS", "dev_certificate", cfg.TLS.Dev, "sha256", fingerprint)
	}
	log.Info("cirro listening", "addr", l.Addr().String(), "public_url", srv.Config.PublicURL, "region", cfg.Region, "version", version)
	return srv.Serve(ctx, l, *grace)
}

func newLogger(level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: want text or json", format)
}
