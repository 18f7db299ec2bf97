package main

import (
	"encoding/json"
	"flag"
	"os"
)

// cmdRender rewrites the generated sections of the document and their
// charts from saved results, without measuring again.
func cmdRender(args []string) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	compare := fs.String("compare", "", "results of compare (bench/results/compare.json)")
	scale := fs.String("scale", "", "results of scale (bench/results/scale.json)")
	doc := fs.String("doc", "docs/performance.md", "document whose generated sections are replaced")
	img := fs.String("img", "docs/img", "directory for the charts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *compare != "" {
		var r compareResult
		if err := readJSON(*compare, &r); err != nil {
			return err
		}
		if err := renderCompare(&r, *doc, *img); err != nil {
			return err
		}
	}
	if *scale != "" {
		var r scaleResult
		if err := readJSON(*scale, &r); err != nil {
			return err
		}
		if err := renderScale(&r, *doc, *img); err != nil {
			return err
		}
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
