package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestStreamOneDocument(t *testing.T) {
	dir := workdir(t)
	c := cmd{dir: dir}
	r := c.run(t, 0, "run", "--mock", "--stream", "--schema", "testdata/invoice.schema.json",
		"--in", "testdata/samples/notes/brightpath-invoice.txt", "--out", "out/s.jsonl")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) < 3 {
		t.Fatalf("expected several partial answers, got:\n%s", r.stdout)
	}
	prev := 0
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("partial %d is not JSON: %v\n%s", i, err, l)
		}
		if len(m) < prev {
			t.Fatalf("partial %d has fewer fields (%d) than the one before (%d)", i, len(m), prev)
		}
		prev = len(m)
		// Each line shows something new: the final answer, which repeats
		// the last partial, was printed twice before.
		if i > 0 && l == lines[i-1] {
			t.Errorf("partial %d repeats the line before: %s", i, l)
		}
	}
	var final map[string]any
	_ = json.Unmarshal([]byte(lines[len(lines)-1]), &final)
	if final["invoice_number"] != "BP-2025-0147" {
		t.Errorf("final answer = %v", final)
	}
	var out struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(readFile(t, dir, "out/s.jsonl"), &out); err != nil || out.Status != "ok" {
		t.Errorf("out/s.jsonl: %v %+v", err, out)
	}

	r = c.run(t, 2, "run", "--mock", "--stream", "--schema", "testdata/invoice.schema.json", "--in", "testdata/samples/notes")
	if !strings.Contains(r.stderr, "one document") {
		t.Errorf("stderr = %s", r.stderr)
	}
}

// TestStreamRecorded: a streamed run records its outcome in the ledger, so
// the same command again replays it instead of asking again.
func TestStreamRecorded(t *testing.T) {
	dir := workdir(t)
	c := cmd{dir: dir}
	args := []string{"run", "--mock", "--stream", "--schema", "testdata/invoice.schema.json",
		"--in", "testdata/samples/notes/brightpath-invoice.txt", "--out", "out/s.jsonl"}
	first := c.run(t, 0, args...)
	lines := strings.Split(strings.TrimSpace(first.stdout), "\n")
	again := c.run(t, 0, args...)
	if got := strings.TrimSpace(again.stdout); got != lines[len(lines)-1] {
		t.Errorf("replayed stdout = %q, want the final answer %q", got, lines[len(lines)-1])
	}
	if !strings.Contains(again.stderr, "done in an earlier run: ok") {
		t.Errorf("stderr = %s", again.stderr)
	}
	var out struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(readFile(t, dir, "out/s.jsonl"), &out); err != nil || out.Status != "ok" {
		t.Errorf("out/s.jsonl after the replay: %v %+v", err, out)
	}
}
