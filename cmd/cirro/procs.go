package main

import (
	"os"
	"runtime"
)

// With one P (GOMAXPROCS=1, which Go chooses on a single core or under a
// one-CPU limit), a goroutine blocked in a file system call such as the
// SQLite store's fsync keeps that P until the runtime's monitor takes it
// back, after one to two of its ticks — and it lengthens its ticks (up to
// 10 ms) while it finds nothing to take. Meanwhile no other goroutine
// runs, not even to read a request. Measured on one pinned core with the
// SQLite store, a second P gave 1.1–1.9× the throughput of write-heavy
// operations and cut their p99 latency (docs/performance.md, "Group
// commit on SQLite"). An explicit GOMAXPROCS is left alone.
func init() {
	if os.Getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
}
