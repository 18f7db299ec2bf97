// Command cirro is a self-hosted identity service that speaks the Amazon
// Cognito user pool and identity pool APIs.
//
//	cirro serve [flags]     start the server
//	cirro apply [flags]     apply CloudFormation templates to a running server
//	cirro export [flags]    write a running server's configuration as a template
//	cirro outputs [flags]   print a stack's outputs
//	cirro version           print the version
package main

import (
	"fmt"
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "apply", "export", "outputs":
		err = remoteCommand(os.Args[1], os.Args[2:])
	case "version", "--version":
		fmt.Println("cirro", version)
	case "help", "-h", "--help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "cirro: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cirro:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: cirro <command> [flags]

commands:
  serve     start the server (cirro serve -h for flags)
  apply     apply CloudFormation templates (cdk synth output) to a running server
  export    write a running server's configuration as a template
  outputs   print the outputs of a stack applied to a running server
  version   print the version
`)
}
