package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/cirrohq/cirro/internal/template"
	"github.com/cirrohq/cirro/internal/template/remote"
)

// runExport is `cirro export`: the running configuration as a template
// that `cirro apply` or `cirro serve --template` recreates.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "json", "json or yaml")
	output := fs.String("output", "", "file to write (default standard output)")
	secretParams := fs.Bool("secret-parameters", false, "write identity providers' client secrets as NoEcho parameters "+
		"(given with --parameter when applying) instead of in plain text")
	rf := remoteFlagsFor(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := rf.awsConfig(ctx)
	if err != nil {
		return err
	}
	doc, err := template.Export(ctx, remote.NewCloud(cfg), template.ExportOptions{
		Description:      "Exported from the cirro at " + *rf.endpoint,
		SecretParameters: *secretParams,
		Warn:             func(line string) { fmt.Fprintln(stderr, "export: "+line) },
	})
	if err != nil {
		return err
	}
	var data []byte
	switch *format {
	case "json":
		data, err = json.MarshalIndent(doc, "", "  ")
		data = append(data, '\n')
	case "yaml":
		data, err = yaml.Marshal(doc)
	default:
		return fmt.Errorf("--format %q: want json or yaml", *format)
	}
	if err != nil {
		return err
	}
	if *output == "" {
		_, err = stdout.Write(data)
		return err
	}
	return os.WriteFile(*output, data, 0o644)
}
