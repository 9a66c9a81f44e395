package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

// BenchmarkRunMockCSV is the CPU a document costs through the CLI: `quarry
// run --mock=on` over a CSV of one-line invoices (one document a row, no
// model latency), run in this process so that -cpuprofile sees the CLI, the
// pipeline, the sinks and the simulated model's server together.
//
//	go test ./cmd/quarry/ -run '^$' -bench RunMockCSV -benchtime 1x [-runcpu.docs 30000] [-cpuprofile cpu.out]
//
// cpu-ns/doc is the process's user + system time over the run divided by the
// rows (the same accounting as the OS gives a `quarry run` process, less its
// start-up), with the garbage collector set as main sets it (GOGC=200 unless
// GOGC is set); B/doc and allocs/doc are the Go heap's.
var runCPUDocs = flag.Int("runcpu.docs", 30000, "BenchmarkRunMockCSV: rows in the CSV")

func BenchmarkRunMockCSV(b *testing.B) {
	n := *runCPUDocs
	dir := b.TempDir()
	var csv bytes.Buffer
	csv.WriteString("id,text\n")
	for i := range n {
		fmt.Fprintf(&csv, "%d,\"Invoice INV-%05d from Acme GmbH, total %d.%02d EUR, due 2026-%02d-%02d\"\n",
			i, i, i, i%100, 1+i%12, 1+i%28)
	}
	in := filepath.Join(dir, "docs.csv")
	if err := os.WriteFile(in, csv.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	schema := filepath.Join(repoRoot(b), "testdata", "invoice.schema.json")

	prev := debug.SetGCPercent(-1) // read the setting, restored after
	debug.SetGCPercent(prev)
	defer debug.SetGCPercent(prev)
	tuneGC() // as main does
	var cpu int64
	var ms runtime.MemStats
	var bytesAlloc, mallocs uint64
	for i := 0; b.Loop(); i++ {
		var stderr bytes.Buffer
		a := &app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr,
			getenv: func(string) string { return "" },
			log:    slog.New(slog.NewTextHandler(&stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
		args := []string{"run", "--mock=on", "--schema", schema, "--in", in, "--text-column", "text",
			"--concurrency", "16", "--out", filepath.Join(dir, fmt.Sprintf("o%d.jsonl", i)),
			"--run-dir", filepath.Join(dir, fmt.Sprintf("run%d", i))}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		b0, m0 := ms.TotalAlloc, ms.Mallocs
		c0 := processCPU()
		code := a.main(context.Background(), args)
		cpu = processCPU() - c0
		runtime.ReadMemStats(&ms)
		bytesAlloc, mallocs = ms.TotalAlloc-b0, ms.Mallocs-m0
		if code != exitOK {
			b.Fatalf("quarry %s: exit code %d\n%s", strings.Join(args, " "), code, stderr.String())
		}
	}
	b.ReportMetric(float64(cpu)/float64(n), "cpu-ns/doc")
	b.ReportMetric(float64(bytesAlloc)/float64(n), "B/doc")
	b.ReportMetric(float64(mallocs)/float64(n), "allocs/doc")
}
