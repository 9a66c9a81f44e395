package pipeline

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// rateLimitedServer answers each request after latency (a timer in the
// handler), and 429 at once with x-ratelimit headers when over perMinute
// (a token bucket of one second, as OpenAI enforces limits in short periods).
// Without headers, it sends no x-ratelimit-* headers (Retry-After only).
func rateLimitedServer(perMinute int, latency time.Duration, headers bool) (*httptest.Server, *atomic.Int64, *atomic.Int64) {
	lim := rate.NewLimiter(rate.Limit(float64(perMinute)/60), max(1, perMinute/60))
	var ok, tooMany atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if headers {
			h.Set("x-ratelimit-limit-requests", strconv.Itoa(perMinute))
			h.Set("x-ratelimit-remaining-requests", strconv.Itoa(int(lim.Tokens())))
			h.Set("x-ratelimit-reset-requests", "1s")
		}
		if !lim.Allow() {
			tooMany.Add(1)
			h.Set("retry-after-ms", strconv.Itoa(int(time.Second/time.Duration(max(1, perMinute/60))/time.Millisecond)))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		t := time.NewTimer(latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		ok.Add(1)
		fmt.Fprintf(w, `{"id":%q}`, r.URL.Query().Get("id"))
	}))
	return srv, &ok, &tooMany
}

// httpFn makes one request per document through the limiter, retrying 429s.
func httpFn(url string, client *http.Client) Func {
	return func(ctx context.Context, doc Document) Result {
		res := Result{Status: StatusError}
		for attempt := 0; attempt < 10; attempt++ {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/responses?id="+doc.ID, nil)
			resp, err := client.Do(req)
			res.Requests++
			if err != nil {
				res.Reason = err.Error()
				return res
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests {
				res.RateLimited++
				continue
			}
			res.Status, res.Value, res.Attempts = StatusOK, body, 1
			return res
		}
		res.Reason = "rate limited 10 times"
		return res
	}
}

// BenchmarkThroughput runs 300 documents, 16 at a time, against a server
// with 400 ms latency allowing 1200 requests a minute: the ceiling is
// min(20/s, 16/0.4 s = 40/s) = 20 documents a second.
func BenchmarkThroughput(b *testing.B) {
	const (
		docsN       = 300
		concurrency = 16
		perMinute   = 1200
		latency     = 400 * time.Millisecond
	)
	ceiling := min(float64(perMinute)/60, concurrency/latency.Seconds())
	for _, bc := range []struct {
		name    string
		opts    LimiterOptions
		headers bool
	}{
		{"configured", LimiterOptions{RequestsPerMinute: perMinute}, true},
		{"adaptive", LimiterOptions{}, true},
		{"adaptive-no-headers", LimiterOptions{}, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var docsPerSec, share float64
			for b.Loop() {
				srv, ok, tooMany := rateLimitedServer(perMinute, latency, bc.headers)
				lim := NewLimiter(bc.opts)
				tr := &http.Transport{MaxIdleConnsPerHost: 2 * concurrency}
				client := &http.Client{Transport: lim.Transport(tr)}
				start := time.Now()
				tot, err := Run(context.Background(), docs(docsN, plain), httpFn(srv.URL, client),
					Options{Concurrency: concurrency, Limiter: lim})
				wall := time.Since(start)
				tr.CloseIdleConnections()
				srv.Close()
				if err != nil || tot.ByStatus[StatusOK] != docsN {
					b.Fatalf("Run: %v, %+v", err, tot.ByStatus)
				}
				docsPerSec = docsN / wall.Seconds()
				share = float64(tooMany.Load()) / float64(ok.Load()+tooMany.Load())
				if tot.RateLimited != int(tooMany.Load()) {
					b.Errorf("totals count %d 429s, server sent %d", tot.RateLimited, tooMany.Load())
				}
			}
			b.ReportMetric(docsPerSec, "docs/s")
			b.ReportMetric(ceiling, "ceiling-docs/s")
			b.ReportMetric(100*docsPerSec/ceiling, "%-of-ceiling")
			b.ReportMetric(100*share, "%-429")
		})
	}
}

// discard is a sink that drops outcomes.
type discard struct{}

func (discard) Write(*Outcome) error { return nil }
func (discard) Close(*RunInfo) error { return nil }

// BenchmarkRun100k runs 100,000 small documents through a no-op function
// with the ledger on: CPU time per document, allocations per document and
// peak heap in use (sampled every 1,000 outcomes).
func BenchmarkRun100k(b *testing.B) {
	const n = 100_000
	fn := func(ctx context.Context, doc Document) Result {
		return Result{Status: StatusOK, Value: []byte(`{"ok":true}`), Usage: Usage{InputTokens: 12, OutputTokens: 3}}
	}
	var peak uint64
	var ms runtime.MemStats
	var cpu time.Duration
	var mallocs uint64
	for b.Loop() {
		led, err := OpenLedger(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&ms)
		m0 := ms.Mallocs
		c0 := cpuTime()
		_, err = Run(context.Background(), docs(n, plain), fn, Options{
			Ledger: led, Sinks: []Sink{discard{}}, Fingerprint: "bench",
			Progress: func(p Progress) {
				if p.Done%1000 == 0 {
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapInuse)
				}
			},
		})
		cpu = cpuTime() - c0
		runtime.ReadMemStats(&ms)
		mallocs = ms.Mallocs - m0
		if err != nil {
			b.Fatal(err)
		}
		if err := led.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/n, "cpu-ns/doc")
	b.ReportMetric(float64(mallocs)/n, "allocs/doc")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
