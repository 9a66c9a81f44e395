package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestFlagChecksComeBeforeOutputs(t *testing.T) {
	dir := workdir(t)
	c := cmd{dir: dir}
	keep := writeFile(t, dir, "keep.jsonl", []byte("existing\n"))
	for _, args := range [][]string{
		{"--model", "my-local-model", "--budget", "1"},
		{"--batch", "--retry-failed"},
		{"--batch-expired", "sometimes"},
		{"--reasoning-effort", "extreme"},
		{"--stream", "--background"},
	} {
		r := c.run(t, 2, append([]string{"run", "--mock", "--schema", "testdata/invoice.schema.json",
			"--in", "testdata/samples/notes", "--out", keep}, args...)...)
		if strings.Contains(r.stderr, "running against the built-in simulated model") {
			t.Errorf("%v: the run started before the usage error", args)
		}
	}
	if got := readFile(t, dir, "keep.jsonl"); !bytes.Equal(got, []byte("existing\n")) {
		t.Errorf("a usage error emptied an existing output: %q", got)
	}
}

func TestBudgetReachedExits3(t *testing.T) {
	dir := workdir(t)
	r := cmd{dir: dir}.run(t, 3, "run", "--mock", "--budget", "0.0001", "--concurrency", "1",
		"--schema", "testdata/invoice.schema.json", "--in", "testdata/samples/notes", "--out", "out/b.jsonl")
	if !strings.Contains(r.stderr, "--budget reached") || !strings.Contains(r.stderr, "skipped 2") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if n := requestsOf(t, r.stderr); n != 0 {
		t.Errorf("%d requests sent over budget", n)
	}
	// A higher budget continues where the first run stopped.
	r = cmd{dir: dir}.run(t, 0, "run", "--mock", "--budget", "10", "--concurrency", "1",
		"--schema", "testdata/invoice.schema.json", "--in", "testdata/samples/notes", "--out", "out/b.jsonl")
	if n := requestsOf(t, r.stderr); n != 2 {
		t.Errorf("second run sent %d requests, want 2", n)
	}
}

func TestBatchLimit(t *testing.T) {
	dir := workdir(t)
	cmd{dir: dir}.run(t, 0, "run", "--mock", "--batch", "--limit", "1",
		"--schema", "testdata/invoice.schema.json", "--in", "testdata/samples/notes", "--out", "out/b.jsonl")
	if n := bytes.Count(readFile(t, dir, "out/b.jsonl"), []byte("\n")); n != 1 {
		t.Errorf("--batch --limit 1 wrote %d lines", n)
	}
}
