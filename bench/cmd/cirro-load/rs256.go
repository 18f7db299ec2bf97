package main

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// rs256Result is the token bound: how many RS256 signatures this process
// makes per second on its cores. A sign-in or a refresh signs two tokens
// (ID and access), so half of it bounds token-issuing throughput.
type rs256Result struct {
	Cores               int     `json:"cores"`
	Seconds             float64 `json:"seconds"`
	SignaturesPerSecond float64 `json:"signatures_per_second"`
	// TokenIssuesPerSecond is SignaturesPerSecond / 2.
	TokenIssuesPerSecond float64 `json:"token_issues_per_second"`
	// SignaturesPerCPUSecond is signatures per second of this process's
	// CPU time: the bound of one busy core even on a machine where other
	// work competes for the cores.
	SignaturesPerCPUSecond float64 `json:"signatures_per_cpu_second"`
}

// cmdRS256 signs token-sized payloads with a 2048-bit key (cirro's signing
// keys) on GOMAXPROCS goroutines for a fixed time. compare.sh runs it
// pinned to the cores the servers get.
func cmdRS256(args []string) error {
	fs := flag.NewFlagSet("rs256", flag.ContinueOnError)
	d := fs.Duration("duration", 3*time.Second, "how long to sign (at most 1m)")
	jsonOut := fs.String("json", "", "write the result as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	res, err := rs256Bound(min(*d, time.Minute))
	if err != nil {
		return err
	}
	fmt.Printf("RS256 (2048-bit): %.0f signatures/s on %d core(s) = %.0f token issues/s (two signatures each); %.0f signatures per CPU-second\n",
		res.SignaturesPerSecond, res.Cores, res.TokenIssuesPerSecond, res.SignaturesPerCPUSecond)
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		return os.WriteFile(*jsonOut, append(b, '\n'), 0o644)
	}
	return nil
}

func rs256Bound(d time.Duration) (*rs256Result, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	// A typical ID token's signing input: header and claims, base64url.
	payload := []byte(strings.Repeat("eyJzdWIiOiJhYWFhYWFhYS1iYmJiLWNjY2MtZGRkZC1lZWVlZWVlZWVlZWUiLCJpc3MiOiJodHRwOi8v", 10))
	cores := runtime.GOMAXPROCS(0)
	var n atomic.Int64
	cpu0 := processCPU()
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for range cores {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				h := sha256.Sum256(payload)
				if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, h[:]); err != nil {
					firstErr.Store(err)
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return nil, err
	}
	secs := time.Since(start).Seconds()
	cpu := processCPU() - cpu0
	rate := float64(n.Load()) / secs
	res := &rs256Result{Cores: cores, Seconds: secs, SignaturesPerSecond: rate, TokenIssuesPerSecond: rate / 2}
	if cpu > 0 {
		res.SignaturesPerCPUSecond = float64(n.Load()) / cpu
	}
	return res, nil
}

// processCPU is this process's user and system CPU time in seconds.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
