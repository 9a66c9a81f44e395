package batch

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// lineGen generates a batch output file of n lines on the fly, without
// holding it, the way a download streams it.
type lineGen struct {
	n, i int
	buf  bytes.Buffer
}

func (g *lineGen) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) && g.i < g.n {
		i := g.i
		g.i++
		answer := strconv.Quote(fmt.Sprintf(`{"doc":"%d","n":%d}`, i, i))
		fmt.Fprintf(&g.buf, `{"id":"batch_req_%d","custom_id":"doc-%07d#a1","response":{"status_code":200,"request_id":"req_%d","body":{"id":"resp_%d","object":"response","status":"completed","model":"gpt-4.1-mini","output":[{"id":"msg_%d","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","annotations":[],"text":%s}]}],"usage":{"input_tokens":100,"input_tokens_details":{"cached_tokens":0},"output_tokens":10,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":110}}},"error":null}`+"\n",
			i, i, i, i, i, answer)
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	return g.buf.Read(p)
}

// peakHeap samples HeapAlloc until stop is closed.
func peakHeap(stop <-chan struct{}) func() uint64 {
	var peak uint64
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 { wg.Wait(); return peak }
}

// BenchmarkBatchFiles builds, splits and parses the batch files of 200,000
// small documents: write every request line to disk (split at 50,000
// requests), then stream an output file of 200,000 answers to disk, index
// it, and read each answer back into its Call.
func BenchmarkBatchFiles(b *testing.B) {
	const n = 200_000
	spec := recSpec(b)
	ex := &extract.Extractor{Model: "gpt-4.1-mini"}
	dir := b.TempDir()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	peak := peakHeap(stop)
	start := time.Now()
	for b.Loop() {
		w := newWriter(dir, 1, DefaultMaxRequests, DefaultMaxFileBytes)
		for i := range n {
			c, err := ex.NewCall(spec, extract.Text(fmt.Sprintf("Invoice %d from ACME Corp, total 12.50 EUR", i)))
			if err != nil {
				b.Fatal(err)
			}
			body, err := c.Body()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := w.add(fmt.Sprintf("doc-%07d", i), "h", 1, body); err != nil {
				b.Fatal(err)
			}
		}
		files, err := w.finish()
		if err != nil || len(files) != 4 {
			b.Fatalf("%d files, %v", len(files), err)
		}
		res, err := newResults(dir)
		if err != nil {
			b.Fatal(err)
		}
		if err := res.add("batch_1", &lineGen{n: n}); err != nil {
			b.Fatal(err)
		}
		for i := range n {
			c, _ := ex.NewCall(spec, extract.Text("x"))
			ln, ok, err := res.lookup("batch_1", fmt.Sprintf("doc-%07d#a1", i))
			if !ok || err != nil {
				b.Fatalf("line %d: %v", i, err)
			}
			apply(c, ln, &spec, false)
			if _, _, err := c.Outcome(); err != nil {
				b.Fatal(err)
			}
		}
		res.close()
		w.remove()
	}
	elapsed := time.Since(start)
	close(stop)
	p := peak()
	b.ReportMetric(float64(p-min(p, base.HeapAlloc))/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N)/n, "ns/doc")
}

// BenchmarkRun runs 5,000 small documents through Run against the fake
// Batch API (one document in 20 is re-asked in a second round), then runs
// the job again over the same ledger, where every document is replayed.
// It measures the executor's own cost: the files, the rounds, the ledger,
// the sinks.
func BenchmarkRun(b *testing.B) {
	const n = 5_000
	s := extracttest.NewServer(handler(every20))
	defer s.Close()
	client := newClient(s)
	spec := recSpec(b)
	ex := &extract.Extractor{Model: "gpt-4.1-mini", Client: &client.Responses}
	opts := Options{API: NewAPI(client), TempDir: b.TempDir(), Sleep: func(context.Context, time.Duration) error { return nil }}
	var first, again time.Duration
	for b.Loop() {
		dir := b.TempDir()
		for run := range 2 {
			l, err := pipeline.OpenLedger(dir)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			tot, err := Run(b.Context(), docs(n), Job{Extractor: ex, Spec: spec, Ledger: l, Fingerprint: "fp"}, opts)
			if run == 0 {
				first += time.Since(start)
			} else {
				again += time.Since(start)
			}
			l.Close()
			if err != nil || tot.Documents != n {
				b.Fatalf("run %d: %d documents, %v", run, tot.Documents, err)
			}
		}
	}
	b.ReportMetric(float64(first.Nanoseconds())/float64(b.N)/n, "ns/doc")
	b.ReportMetric(float64(again.Nanoseconds())/float64(b.N)/n, "replay-ns/doc")
}
