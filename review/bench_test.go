package review_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source"
	"github.com/seed0611af48/quarry/review"
)

// bigRun writes a run of n documents, the rows of one CSV file, each with
// eight values and their evidence (one in twenty has a wrong total).
func bigRun(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	f, err := os.Create(filepath.Join(dir, "invoices.csv"))
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"vendor", "invoice", "date", "customer", "qty", "unit", "total", "currency", "notes"})
	for i := range n {
		w.Write([]string{
			fmt.Sprintf("Vendor %d GmbH", i%97), fmt.Sprintf("INV-%06d", i), fmt.Sprintf("2026-%02d-%02d", i%12+1, i%28+1),
			fmt.Sprintf("Customer %d Ltd", i%331), fmt.Sprint(i%50 + 1), "4.50", fmt.Sprintf("%d.%02d", (i%50+1)*4, (i%2)*50), "EUR",
			strings.Repeat("Delivered on time, packaging intact, signed at the gate. ", 4),
		})
	}
	w.Flush()
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	docs := sent(b, f.Name(), source.Options{})
	outs := make([]pipeline.Outcome, 0, n)
	for i, d := range docs {
		text := d.Parts[0].Text
		line := func(col string) string {
			for l := range strings.SplitSeq(text, "\n") {
				if v, ok := strings.CutPrefix(l, col+": "); ok {
					return v
				}
			}
			return ""
		}
		total := line("total")
		verdict := evidence.Supported
		if i%20 == 0 {
			total, verdict = "9"+total, evidence.Unsupported
		}
		items := []evidence.Item{}
		value := "{"
		for k, col := range []string{"vendor", "invoice", "date", "customer", "qty", "unit", "total", "currency"} {
			v := line(col)
			vd := evidence.Supported
			if col == "total" {
				v, vd = total, verdict
			}
			js := fmt.Sprintf("%q", v)
			items = append(items, span(text, "/"+col, js, line(col), 0, vd))
			if k > 0 {
				value += ","
			}
			value += fmt.Sprintf("%q:%s", col, js)
		}
		outs = append(outs, outcomeOf(b, d, value+"}", items...))
	}
	run := filepath.Join(dir, "run")
	writeRun(b, run, outs)
	return run
}

// BenchmarkBuild10k builds the review page of a 10,000-document run and
// reports its size; with a Chromium, also the time the page takes to open
// (parse, list drawn) and to show one document.
func BenchmarkBuild10k(b *testing.B) {
	run := bigRun(b, 10_000)
	out := filepath.Join(b.TempDir(), "review.html")
	var st *review.Stats
	for b.Loop() {
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		st, err = review.Build(b.Context(), f, run, review.Options{Now: fixedNow})
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	b.ReportMetric(float64(st.Bytes)/1e6, "MB")
	b.ReportMetric(float64(st.Bytes)/float64(st.Documents), "bytes/doc")
	if _, err := io.Discard.Write(nil); err != nil || os.Getenv("QUARRY_NO_BROWSER") != "" {
		return
	}
	b.StopTimer()
	ctx := browser(b, 1440, 900)
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+out), chromedp.WaitVisible(chromedp.CSS(".item"))); err != nil {
		b.Fatal(err)
	}
	opened := time.Since(start)
	nav, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(function(){var n=performance.getEntriesByType("navigation")[0]; return {resp: n.responseEnd, dom: n.domInteractive, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd}})()`))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("navigation timing (ms from navigation start): %v; wall time in chromedp %v", nav, opened)
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(function(){var t=performance.now(); window.quarryReview.open(9999); document.querySelector("#f0").click(); return performance.now()-t})()`))
	if err != nil {
		b.Fatal(err)
	}
	filter, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(function(){var t=performance.now(); var c=document.getElementById("only-unsupported"); c.click(); return performance.now()-t})()`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(nav["load"], "open-ms")
	b.ReportMetric(ms, "doc-ms")
	b.ReportMetric(filter, "filter-ms")
}
