package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReplaceSection: a generated section is replaced in place, other
// text (and other sections) survive, and a new section is appended.
func TestReplaceSection(t *testing.T) {
	p := filepath.Join(t.TempDir(), "perf.md")
	os.WriteFile(p, []byte("# Performance\n\nhand-written\n"), 0o644)
	if err := replaceSection(p, "compare", "## Compare", "first"); err != nil {
		t.Fatal(err)
	}
	if err := replaceSection(p, "scale", "## Scale", "sizes"); err != nil {
		t.Fatal(err)
	}
	if err := replaceSection(p, "compare", "## Compare", "second"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	doc := string(b)
	for _, want := range []string{"hand-written", "## Compare", "second", "## Scale", "sizes"} {
		if !strings.Contains(doc, want) {
			t.Errorf("missing %q in:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "first") || strings.Count(doc, "## Compare") != 1 {
		t.Errorf("section not replaced in place:\n%s", doc)
	}
	if strings.Index(doc, "## Compare") > strings.Index(doc, "## Scale") {
		t.Error("sections reordered")
	}
}

func TestLoopbackDSN(t *testing.T) {
	for _, ok := range []string{"postgres://postgres@127.0.0.1:5432/x", "postgresql://u@localhost/x", "postgres:///x?host=/run/postgresql"} {
		if err := checkLoopbackDSN(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"postgres://u@db.example.com/x", "postgres://u@10.0.0.5:5432/x", "mysql://127.0.0.1/x"} {
		if checkLoopbackDSN(bad) == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestCores(t *testing.T) {
	for list, want := range map[string]int{"1": 1, "0-1": 2, "0,2-3": 3} {
		if got := cores(list); got != want {
			t.Errorf("cores(%q) = %d, want %d", list, got, want)
		}
	}
}
