package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReviewCommand runs the samples through the simulated model with
// --review, then writes the page again with quarry review from another
// directory: both pages list every document with its source text.
func TestReviewCommand(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	c.run(t, exitFailures, "run", "--mock", "--schema", "vendor, total number", "--in", "testdata/samples",
		"--exclude", "tickets/**", "--run-dir", "run", "--out", "out.jsonl", "--review", "out/review.html")
	page := string(readFile(t, dir, "out/review.html"))
	ids := regexp.MustCompile(`"id":"([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(ids) < 2*8 { // in each document's data and in the list
		t.Errorf("the page names %d document IDs, want the 8 samples twice", len(ids))
	}
	for _, want := range []string{"invoices/acme-office-supplies.pdf", "encrypted PDF: pass --pdf-password", `"segments":[{"pg":1,"t":"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not contain %q", want)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "out/review.html")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("review.html: %v, mode %v", err, fi.Mode())
	}

	// From elsewhere: the recorded directory resolves the sources.
	other := t.TempDir()
	r := cmd{dir: other}.run(t, exitOK, "review", "--run-dir", filepath.Join(dir, "run"), "--out", "r.html")
	if !strings.Contains(r.stderr, "review page r.html") {
		t.Errorf("stderr = %q", r.stderr)
	}
	again := string(readFile(t, other, "r.html"))
	if strings.Count(again, `"segments":[{`) != strings.Count(page, `"segments":[{`) {
		t.Errorf("from another directory, %d documents have a source; from the run's, %d",
			strings.Count(again, `"segments":[{`), strings.Count(page, `"segments":[{`))
	}

	cmd{dir: other}.run(t, exitUsage, "review", "--out", "x.html")
	cmd{dir: other}.run(t, exitFatal, "review", "--run-dir", "nowhere", "--out", "x.html")
}
