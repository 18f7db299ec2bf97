package proc

import (
	"os"
	"testing"
)

func TestSelf(t *testing.T) {
	pid := os.Getpid()
	for i := 0; i < 2_000_000; i++ {
		_ = i * i
	}
	if _, err := CPUSeconds(pid); err != nil {
		t.Fatal(err)
	}
	if rss, err := RSS(pid); err != nil || rss <= 0 {
		t.Fatalf("RSS = %d, %v", rss, err)
	}
	if tr := Tree(pid); len(tr) == 0 || tr[0] != pid {
		t.Fatalf("Tree = %v", tr)
	}
}
