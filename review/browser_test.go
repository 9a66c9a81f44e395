package review_test

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
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

var update = flag.Bool("update", false, "rewrite docs/review.png from the browser test")

// chromium returns the path of a Chromium or Chrome, or skips the test when
// there is none, unless CI is set: CI must run it.
func chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("QUARRY_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no Chromium found and CI is set: install chromium (apt-get install -y chromium)")
	}
	t.Skip("no Chromium found (apt-get install -y chromium, or set QUARRY_CHROMIUM)")
	return ""
}

// browser starts a headless Chromium for the test and returns its context.
func browser(t testing.TB, width, height int) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return bctx
}

// invoiceLines is a sample invoice, laid out as pdfgen writes it.
var invoiceLines = []string{
	"ACME Industrial Supplies GmbH",
	"Musterstrasse 12, 10115 Berlin, Germany",
	"VAT ID DE123456789",
	"",
	"INVOICE INV-2026-0042",
	"Invoice date: 2026-11-28",
	"Bill to: Northwind Traders Ltd, 4 Harbour Road, Leeds",
	"",
	"Description                      Qty    Unit price      Amount",
	"Steel brackets M8                120          1.25      150.00",
	"Hex bolts M8 x 40 (box of 100)    15         24.90      373.50",
	"Safety gloves, size L             40          4.95      198.00",
	"Cable ties 300 mm (pack of 500)   12         39.98      479.76",
	"",
	"Subtotal                                              1,201.26",
	"VAT 19%                                                 228.70",
	"Total due                                         1,429.96 EUR",
	"",
	"Payment within 30 days to IBAN DE89 3704 0044 0532 0130 00.",
}

// browserRun writes a run of a PDF invoice (evidence with one wrong value
// and one value not found), a long text document and failed documents, and
// returns the review page's path.
func browserRun(t testing.TB) (string, map[string]string) {
	t.Helper()
	// Sources are recorded as the run was given them: relative to where it
	// ran, which the review reads them from too.
	dir := t.TempDir()
	t.Chdir(dir)
	pdf := "invoice-0042.pdf"
	writePDF(t, pdf, invoiceLines)
	opts := source.Options{PDFText: extractor(t)}
	pdfDoc := sent(t, pdf, opts)[0]
	page := strings.TrimSuffix(strings.SplitN(pdfDoc.Parts[0].Text, "\n", 2)[1], "\n")
	ev := func(ptr, value, quote string, v evidence.Verdict) evidence.Item {
		return span(page, ptr, value, quote, 1, v)
	}
	invoice := outcomeOf(t, pdfDoc, `{"vendor":"ACME Industrial Supplies GmbH","invoice_number":"INV-2026-0042","date":"2026-11-28",`+
		`"customer":"Northwind Traders Ltd","lines":[{"description":"Steel brackets M8","quantity":120,"amount":150},`+
		`{"description":"Hex bolts M8 x 40 (box of 100)","quantity":15,"amount":373.5}],"subtotal":1201.26,"vat":228.7,`+
		`"total":1492.96,"currency":"EUR","due_date":"2026-12-28"}`,
		ev("/vendor", `"ACME Industrial Supplies GmbH"`, "ACME Industrial Supplies GmbH", evidence.Supported),
		ev("/invoice_number", `"INV-2026-0042"`, "INV-2026-0042", evidence.Supported),
		ev("/date", `"2026-11-28"`, "2026-11-28", evidence.Supported),
		ev("/customer", `"Northwind Traders Ltd"`, "Northwind Traders Ltd", evidence.Supported),
		ev("/lines/0/description", `"Steel brackets M8"`, "Steel brackets M8", evidence.Supported),
		ev("/lines/0/quantity", `120`, "120", evidence.Supported),
		ev("/lines/0/amount", `150`, "150.00", evidence.Supported),
		ev("/lines/1/description", `"Hex bolts M8 x 40 (box of 100)"`, "Hex bolts M8 x 40 (box of 100)", evidence.Supported),
		spanAfter(page, "Hex bolts", "/lines/1/quantity", `15`, "15", 1),
		ev("/lines/1/amount", `373.5`, "373.50", evidence.Supported),
		ev("/subtotal", `1201.26`, "1,201.26", evidence.Supported),
		ev("/vat", `228.7`, "228.70", evidence.Supported),
		ev("/total", `1492.96`, "1,429.96", evidence.Unsupported),
		ev("/currency", `"EUR"`, "EUR", evidence.Supported),
		ev("/due_date", `"2026-12-28"`, "Due date: 2026-12-28", evidence.NotFound),
	)

	// A text document long enough to scroll, its span near the end.
	var text strings.Builder
	for i := range 120 {
		fmt.Fprintf(&text, "Line %d of the delivery note: nothing to extract here.\n", i+1)
	}
	text.WriteString("Signed for by: Jane Q. Receiver\n")
	txt := writeFile(t, ".", "note.txt", text.String())
	txtDoc := sent(t, txt, source.Options{})[0]
	note := outcomeOf(t, txtDoc, `{"signed_by":"Jane Q. Receiver","lines":120}`,
		span(text.String(), "/signed_by", `"Jane Q. Receiver"`, "Jane Q. Receiver", 0, evidence.Supported),
		span(text.String(), "/lines", `120`, "Line 120", 0, evidence.Supported),
	)

	outs := []pipeline.Outcome{invoice, note}
	for i := range 30 {
		id := fmt.Sprintf("scan-%02d.pdf", i)
		outs = append(outs, pipeline.Outcome{ID: id, Hash: "h", Status: pipeline.StatusInvalid, Attempts: 3,
			AttemptErrors: []string{"attempt 1: /total: expected number, got string", "attempt 2: /total: expected number, got string",
				"attempt 3: /total: expected number, got string \"n/a\""},
			Reason: "extract: no valid answer after 3 attempts: /total: expected number, got string \"n/a\"",
			Source: id})
	}
	run := "run"
	writeRun(t, run, outs)
	f, err := os.Create(filepath.Join(dir, "review.html"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := review.Build(t.Context(), f, run, review.Options{PDF: extractor(t), Now: fixedNow, Title: "Quarry review: invoices"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return f.Name(), map[string]string{"invoice": invoice.ID, "note": note.ID}
}

// eval runs a JavaScript expression and returns its value.
func eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func click(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// inView is a JavaScript expression: whether the element sel is inside the
// visible part of main and of the window.
func inView(sel string) string {
	return `(function(){var e=document.querySelector(` + jsString(sel) + `); if(!e) return false;
var r=e.getBoundingClientRect(), m=document.getElementById("doc").getBoundingClientRect();
return r.height>0 && r.top>=m.top && r.bottom<=m.bottom && r.bottom<=innerHeight;})()`
}

func jsString(s string) string { return fmt.Sprintf("%q", s) }

func TestBrowser(t *testing.T) {
	repoRoot, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	path, ids := browserRun(t)
	ctx := browser(t, 1440, 900)
	// Errors and exceptions on the console (a Content Security Policy
	// violation among them) fail the test.
	cctx, stopConsole := context.WithCancel(ctx)
	messages := chromedp.Console(cctx)
	var consoleErrs []string
	consoleDone := make(chan struct{})
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				consoleErrs = append(consoleErrs, m.String())
			}
		}
	}()
	defer func() {
		stopConsole()
		<-consoleDone
		for _, m := range consoleErrs {
			t.Errorf("console: %s", m)
		}
	}()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.CSS(".item"))); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.getElementById("count").textContent`); got != "32 of 32 documents" {
		t.Errorf("count = %q", got)
	}

	// A text document: selecting a field marks its span and scrolls to it.
	click(t, ctx, `.item[data-n="1"]`)
	if got := eval[string](t, ctx, `document.querySelector("main h2").textContent`); got != ids["note"] {
		t.Fatalf("opened %q, want %q", got, ids["note"])
	}
	if eval[bool](t, ctx, inView(`#source mark[data-f="0"]`)) {
		t.Fatal("the span near the end is in view before the field is selected; the test proves nothing")
	}
	click(t, ctx, `#f0`)
	if got := eval[string](t, ctx, `Array.from(document.querySelectorAll("mark.cur")).map(e=>e.textContent).join("|")`); got != "Jane Q. Receiver" {
		t.Errorf("marked after selecting /signed_by: %q, want %q", got, "Jane Q. Receiver")
	}
	if !eval[bool](t, ctx, inView(`mark.cur`)) {
		t.Error("the marked span is not scrolled into view")
	}
	// Selecting a highlight marks its field.
	click(t, ctx, `#source mark[data-f="1"]`)
	if got := eval[string](t, ctx, `document.querySelector("tr.field.sel").id`); got != "f1" {
		t.Errorf("selected row after clicking the /lines span: %q, want f1", got)
	}

	// Only unsupported: the invoice alone.
	click(t, ctx, `#only-unsupported`)
	if got := eval[string](t, ctx, `document.getElementById("count").textContent`); got != "1 of 32 documents" {
		t.Errorf("count with only unsupported = %q", got)
	}
	if got := eval[[]string](t, ctx, `Array.from(document.querySelectorAll(".item .id")).map(e=>e.textContent)`); len(got) != 1 || got[0] != ids["invoice"] {
		t.Errorf("rows with only unsupported = %q", got)
	}

	// The PDF page with its box.
	click(t, ctx, `.item[data-n="0"]`)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(function(){var i=document.querySelector(".pageview img");return !!i&&i.complete&&i.naturalWidth>0})()`)); err != nil {
		t.Fatalf("page image: %v", err)
	}
	k := eval[int](t, ctx, `Array.from(document.querySelectorAll("tr.field td.ptr")).findIndex(e=>e.textContent==="/total")`)
	click(t, ctx, fmt.Sprintf(`#f%d`, k))
	box := eval[map[string]float64](t, ctx, `(function(){var b=document.querySelector(".box.cur").getBoundingClientRect(), i=document.querySelector(".pageview img").getBoundingClientRect();
return {n: document.querySelectorAll(".box.cur").length, x:(b.left-i.left)/i.width, y:(b.top-i.top)/i.height, w:b.width, h:b.height, unsupported: document.querySelector(".box.cur").classList.contains("v-unsupported")?1:0}})()`)
	// "1,429.96 EUR" is on line 17, right of the margin.
	if box["n"] != 1 || box["unsupported"] != 1 || box["x"] < 0.25 || box["x"] > 0.9 || box["y"] < 0.2 || box["y"] > 0.4 || box["w"] < 10 || box["h"] < 5 {
		t.Errorf("box of /total = %v", box)
	}
	if !eval[bool](t, ctx, inView(`.box.cur`)) {
		t.Error("the box of /total is not in view")
	}
	if !eval[bool](t, ctx, `document.querySelector("tr.field.sel .badge").textContent === "unsupported"`) {
		t.Error("the selected /total row does not say unsupported")
	}

	// A failed document shows its reason.
	click(t, ctx, `#only-unsupported`)
	click(t, ctx, `.item[data-n="2"]`)
	if got := eval[string](t, ctx, `document.querySelector(".reason").textContent`); !strings.Contains(got, "no valid answer after 3 attempts") {
		t.Errorf("reason of a failed document = %q", got)
	}
	if got := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("details.attempts[open] li")).map(e=>e.textContent)`); len(got) != 3 || !strings.HasPrefix(got[2], "attempt 3: ") {
		t.Errorf("attempt errors shown = %q", got)
	}

	// The address names the open document: a link opens it again, and a
	// malformed one opens nothing (without an error on the console).
	// (about:blank between: a change of the fragment alone does not load
	// the page again.)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Navigate("file://"+path+"#"+url.PathEscape(ids["note"])), chromedp.WaitVisible(chromedp.CSS("main h2"))); err != nil {
		t.Fatal(err)
	}
	if got := eval[string](t, ctx, `document.querySelector("main h2").textContent`); got != ids["note"] {
		t.Errorf("opened from the address: %q, want %q", got, ids["note"])
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Navigate("file://"+path+"#%E0%A4%A"), chromedp.WaitVisible(chromedp.CSS(".item"))); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, ctx, `!!document.querySelector("main h2")`) {
		t.Error("a malformed address opened a document")
	}

	if *update {
		if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.CSS(".item"))); err != nil {
			t.Fatal(err)
		}
		click(t, ctx, `.item[data-n="0"]`)
		click(t, ctx, fmt.Sprintf(`#f%d`, k))
		eval[bool](t, ctx, `(document.getElementById("doc").scrollTop = 0, true)`)
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repoRoot, "docs", "review.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
