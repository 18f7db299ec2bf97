// Command cirro-load measures cirro and its peers. Every command sends
// load only to loopback addresses and stops by itself.
//
//	cirro-load run        drive one endpoint (or several, round-robin) with a mix of operations
//	cirro-load rs256      RS256 signatures per second on this process's cores (the token bound)
//	cirro-load compare    cirro (SQLite, PostgreSQL; argon2id and fast hashing), cognito-local and moto side by side
//	cirro-load gen        bulk-load a pool of N users through the store API
//	cirro-load scale      per-request costs, disk, start-up and memory at several pool sizes
//	cirro-load multinode  two cirro nodes on one PostgreSQL: correctness and throughput
//	cirro-load crash      SIGKILL under load, then verify every acknowledged write
//	cirro-load pgrestart  PostgreSQL restarted under load: clean errors, then recovery
//	cirro-load soak       a long run at a fixed rate, memory sampled over time
//	cirro-load render     rewrite the generated sections of docs/performance.md from saved results
//
// bench/*.sh build and run them; docs/performance.md has the results.
package main

import (
	"fmt"
	"os"
)

var commands = map[string]func(args []string) error{
	"run":       cmdRun,
	"rs256":     cmdRS256,
	"compare":   cmdCompare,
	"gen":       cmdGen,
	"scale":     cmdScale,
	"multinode": cmdMultinode,
	"crash":     cmdCrash,
	"pgrestart": cmdPGRestart,
	"soak":      cmdSoak,
	"render":    cmdRender,
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		usage()
		os.Exit(2)
	}
	if err := cmd(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "cirro-load:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: cirro-load <command> [flags]   (cirro-load <command> -h for flags)

commands: run, rs256, compare, gen, scale, multinode, crash, pgrestart, soak, render
`)
}
