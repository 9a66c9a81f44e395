package sink

import (
	"os"
	"runtime"
	"testing"
)

// TestSpoolLeavesNoFile: the spool is unlinked as soon as it is open, so a
// run killed mid-way (kill -9, no Close) leaves no quarry-sink-*.spool in the
// output folder; rows still go in and come back. Before, the file stayed
// until Close.
func TestSpoolLeavesNoFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("an open file cannot be unlinked on Windows; Close removes it")
	}
	dir := t.TempDir()
	s, err := newSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.add([]cell{{text: "a"}}, nil); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left in the output folder: %v", ents)
	}
	n := 0
	if err := s.replay(func(row []cell) error {
		n++
		if row[0].text != "a" {
			t.Errorf("row = %v", row)
		}
		return nil
	}); err != nil || n != 1 {
		t.Fatalf("replay: %d rows, %v", n, err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
