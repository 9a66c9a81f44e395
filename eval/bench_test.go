package eval

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed0611af48/quarry/pipeline"
)

// benchRuns writes n labelled invoices (a folder of expected answers) and
// three run dirs whose ledgers hold an outcome for each: one right, one
// with a wrong total every 10th document, one with reordered lines and a
// failure every 50th document.
func benchRuns(b *testing.B, n int) (Labels, []Run) {
	b.Helper()
	dir := b.TempDir()
	invoice := func(i int) map[string]any {
		lines := []any{}
		for k := range 5 {
			lines = append(lines, map[string]any{"description": fmt.Sprintf("item %d of invoice %d", k, i), "quantity": k + 1, "unit_price": float64(i%100) + 0.25})
		}
		return map[string]any{"vendor": fmt.Sprintf("Vendor %d Ltd.", i%300), "invoice_number": fmt.Sprintf("INV-%06d", i),
			"issue_date": "2024-03-05", "due_date": nil, "currency": "EUR", "total": float64(i) + 0.5, "lines": lines}
	}
	for i := range n {
		b, _ := json.Marshal(invoice(i))
		p := filepath.Join(dir, "expected", fmt.Sprintf("%03d", i%100), fmt.Sprintf("doc-%d.json", i))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			panic(err)
		}
	}
	labels, err := Folder(filepath.Join(dir, "expected"))
	if err != nil {
		b.Fatal(err)
	}
	var runs []Run
	for c, model := range []string{"gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"} {
		rd := filepath.Join(dir, "run-"+model)
		l, err := pipeline.OpenLedger(rd)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range n {
			v := invoice(i)
			o := pipeline.Outcome{Seq: int64(i), ID: fmt.Sprintf("%03d/doc-%d.pdf", i%100, i), Hash: "h", Fingerprint: "f",
				Status: pipeline.StatusOK, Attempts: 1, Model: model, Usage: pipeline.Usage{InputTokens: 1500, OutputTokens: 300},
				Started: start, Finished: start.Add(time.Duration(500+i%700) * time.Millisecond)}
			switch {
			case c == 1 && i%10 == 0:
				v["total"] = 0.0
			case c == 2 && i%50 == 0:
				o.Status, o.Reason = pipeline.StatusInvalid, "total: must be ≥ 0"
			case c == 2:
				ls := v["lines"].([]any)
				ls[0], ls[4] = ls[4], ls[0]
			}
			o.Value, _ = json.Marshal(v)
			if err := l.Append(&o); err != nil {
				b.Fatal(err)
			}
		}
		if err := l.WriteRunInfo(&pipeline.RunInfo{Model: model}); err != nil {
			b.Fatal(err)
		}
		l.Close()
		r, err := OpenRun(rd)
		if err != nil {
			b.Fatal(err)
		}
		runs = append(runs, r)
	}
	return labels, runs
}

// BenchmarkEvaluateRunDirs evaluates 3 run dirs against a folder of
// labels, reporting documents per second and the peak live heap, which
// should not grow with the number of documents.
func BenchmarkEvaluateRunDirs(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			labels, runs := benchRuns(b, n)
			plan := invoicePlan(b, nil)
			var peak atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				t := time.NewTicker(5 * time.Millisecond)
				defer t.Stop()
				var ms runtime.MemStats
				for {
					select {
					case <-stop:
						return
					case <-t.C:
						runtime.ReadMemStats(&ms)
						if ms.HeapAlloc > peak.Load() {
							peak.Store(ms.HeapAlloc)
						}
					}
				}
			})
			runtime.GC()
			b.ResetTimer()
			for b.Loop() {
				rep, err := Evaluate(b.Context(), plan, labels, runs, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if c := rep.Configurations[1]; c.Documents != n || c.Fields[5].Correct != n-n/10 {
					b.Fatalf("documents %d, /total right %d", c.Documents, c.Fields[5].Correct)
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			b.ReportMetric(float64(3*n*b.N)/b.Elapsed().Seconds(), "docs/s")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
		})
	}
}
