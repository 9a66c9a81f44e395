package review_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/review"
)

func build(t testing.TB, runDir string, opts review.Options) (*page, *review.Stats) {
	t.Helper()
	opts.Now = fixedNow
	var b bytes.Buffer
	st, err := review.Build(t.Context(), &b, runDir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if st.Bytes != int64(b.Len()) {
		t.Errorf("Stats.Bytes = %d, wrote %d", st.Bytes, b.Len())
	}
	p := &page{html: b.String()}
	var index []map[string]any
	if err := json.Unmarshal([]byte(p.element(t, "index")), &index); err != nil {
		t.Fatal(err)
	}
	p.index = index
	return p, st
}

func TestBuildText(t *testing.T) {
	dir := t.TempDir()
	text := "Invoice INV-7\nDate: 2026-12-01\nTotal: 1,429.96 EUR"
	path := writeFile(t, dir, "inv.txt", text+"\n")
	doc := sent(t, path, sourceDefaults())[0]
	o := outcomeOf(t, doc, `{"number":"INV-7","total":1492.96,"note":null}`,
		span(text, "/number", `"INV-7"`, "Invoice INV-7", 0, evidence.Supported),
		span(text, "/total", `1492.96`, "1,429.96", 0, evidence.Unsupported),
		span(text, "/note", `null`, "nowhere", 0, ""),
	)
	run := filepath.Join(dir, "run")
	writeRun(t, run, []pipeline.Outcome{o})
	p, st := build(t, run, review.Options{})

	if st.Documents != 1 || st.Fields != 3 || st.Counts != (evidence.Counts{Supported: 1, Unsupported: 1, NotFound: 1}) {
		t.Errorf("stats = %+v", st)
	}
	d := p.doc(t, 0)
	if len(d.Segments) != 1 || d.Segments[0].T != text+"\n" || d.Segments[0].Pg != 0 {
		t.Fatalf("segments = %+v, want the text sent", d.Segments)
	}
	if len(d.Notes) != 0 {
		t.Errorf("notes = %q, want none (the source is unchanged)", d.Notes)
	}
	want := []struct{ p, v, vd, sub string }{
		{"/number", `"INV-7"`, "supported", "Invoice INV-7"},
		{"/total", `1492.96`, "unsupported", "1,429.96"},
		{"/note", `null`, "not_found", ""},
	}
	if len(d.Fields) != len(want) {
		t.Fatalf("fields = %+v", d.Fields)
	}
	for i, w := range want {
		f := d.Fields[i]
		got := string([]rune(d.Segments[0].T)[f.S:f.E])
		if f.P != w.p || f.V != w.v || f.Vd != w.vd || got != w.sub {
			t.Errorf("field %d = %s %s %s span %q, want %s %s %s span %q", i, f.P, f.V, f.Vd, got, w.p, w.v, w.vd, w.sub)
		}
	}
	if e := p.index[0]; e["u"] != 1.0 || e["nf"] != 1.0 || e["s"] != 1.0 || e["st"] != "ok" {
		t.Errorf("index entry = %v", e)
	}
}

func TestBuildWithoutEvidence(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "a.txt", "hello")
	doc := sent(t, path, sourceDefaults())[0]
	run := filepath.Join(dir, "run")
	writeRun(t, run, []pipeline.Outcome{outcomeOf(t, doc, `{"b":{"c":[1,"x"]},"a~/":true}`)})
	p, _ := build(t, run, review.Options{})
	d := p.doc(t, 0)
	var got []string
	for _, f := range d.Fields {
		got = append(got, f.P+"="+f.V)
	}
	// Leaves in the value's order, pointers escaped.
	if w := "/b/c/0=1 /b/c/1=\"x\" /a~0~1=true"; strings.Join(got, " ") != w {
		t.Errorf("fields = %q, want %q", strings.Join(got, " "), w)
	}
}

func TestBuildPDF(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "inv.pdf")
	writePDF(t, path, []string{"ACME GmbH", "Invoice INV-9"}, []string{"Total: 99.50 EUR"})
	opts := sourceDefaults()
	opts.PDFText = extractor(t)
	doc := sent(t, path, opts)[0]
	page2 := "Total: 99.50 EUR"
	o := outcomeOf(t, doc, `{"number":"INV-9","total":99.5}`,
		span("ACME GmbH\nInvoice INV-9", "/number", `"INV-9"`, "INV-9", 1, evidence.Supported),
		span(page2, "/total", `99.5`, "99.50", 2, evidence.Supported),
	)
	run := filepath.Join(dir, "run")
	writeRun(t, run, []pipeline.Outcome{o})
	p, st := build(t, run, review.Options{PDF: extractor(t)})
	if st.Images != 2 {
		t.Errorf("Stats.Images = %d, want 2 (both pages hold a span)", st.Images)
	}
	d := p.doc(t, 0)
	if len(d.Segments) != 2 || d.Segments[1].T != page2 || d.Segments[1].Img == "" || d.Segments[1].W != 595 {
		t.Fatalf("segments = %+v", d.Segments)
	}
	if img := p.element(t, d.Segments[1].Img); !strings.HasPrefix(img, "/9j/") { // base64 of a JPEG's FF D8 FF
		t.Errorf("page image starts %q, want a base64 JPEG", img[:min(10, len(img))])
	}
	b := d.Fields[1].B
	// pdfgen's first line is ~64 points from the top; "99.50" follows "Total: ".
	if len(b) != 1 || b[0][0] != 2 || b[0][1] < 80 || b[0][2] < 50 || b[0][2] > 64 || b[0][3] < 20 {
		t.Errorf("boxes of /total = %v, want one on page 2", b)
	}
	if len(d.Notes) != 0 {
		t.Errorf("notes = %q", d.Notes)
	}
}

// TestBuildAcrossPages: a span from the end of page 1 into page 2 (as the
// evidence matcher gives it, with end_page) has boxes on both pages.
func TestBuildAcrossPages(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "two.pdf")
	writePDF(t, path, []string{"Notes", "Delivered to the loading"}, []string{"dock on Monday", "Total: 5"})
	opts := sourceDefaults()
	opts.PDFText = extractor(t)
	doc := sent(t, path, opts)[0]
	ev := `[{"pointer":"/where","value":"\"loading dock\"","quote":"loading dock","page":1,"start":23,"end":4,"end_page":2,` +
		`"match":"normalized","score":1,"verdict":"supported"}]`
	o := outcomeOf(t, doc, `{"where":"loading dock"}`)
	o.Evidence = json.RawMessage(ev)
	run := filepath.Join(dir, "run")
	writeRun(t, run, []pipeline.Outcome{o})
	p, st := build(t, run, review.Options{PDF: extractor(t)})
	if st.Images != 2 {
		t.Errorf("Stats.Images = %d, want both pages", st.Images)
	}
	f := p.doc(t, 0).Fields[0]
	if f.Pg != 1 || f.Ep != 2 || len(f.B) != 2 || f.B[0][0] != 1 || f.B[1][0] != 2 {
		t.Fatalf("field = %+v, want boxes on pages 1 and 2", f)
	}
	// "loading" ends line 2 of page 1; "dock" starts page 2 at the margin.
	if f.B[0][1] < 100 || f.B[1][1] > 60 {
		t.Errorf("boxes = %v", f.B)
	}
}

func TestBuildFailedAndChanged(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "a.txt", "Total: 5")
	doc := sent(t, path, sourceDefaults())[0]
	ok := outcomeOf(t, doc, `{"total":5}`, span("Total: 5", "/total", "5", "5", 0, evidence.Supported))
	writeFile(t, dir, "a.txt", "Total: 6") // changed after the run
	bad := pipeline.Outcome{ID: "gone.txt", Hash: "x", Status: pipeline.StatusInvalid, Attempts: 3,
		AttemptErrors: []string{"attempt 1: /total: must be >= 0", "attempt 2: /total: must be >= 0", "attempt 3: /total: must be >= 0"},
		Reason:        "extract: no valid answer after 3 attempts: /total: must be >= 0", Source: filepath.Join(dir, "gone.txt")}
	run := filepath.Join(dir, "run")
	writeRun(t, run, []pipeline.Outcome{ok, bad})
	p, st := build(t, run, review.Options{})
	if st.Notes != 2 {
		t.Errorf("Stats.Notes = %d, want 2", st.Notes)
	}
	if d := p.doc(t, 0); len(d.Notes) != 1 || !strings.Contains(d.Notes[0], "not what the run sent") {
		t.Errorf("changed source: notes = %q", d.Notes)
	}
	d := p.doc(t, 1)
	if d.Status != "invalid" || d.Reason != bad.Reason || len(d.Segments) != 0 || len(d.Notes) != 1 || len(d.AttemptErrors) != 3 {
		t.Errorf("failed document = %+v", d)
	}
}

// TestBuildEscapes puts markup everywhere a run can: nothing of it may reach
// the page as markup.
func TestBuildEscapes(t *testing.T) {
	dir := t.TempDir()
	evil := `</script><script>alert(1)</script><img src=x onerror=alert(2)>&amp;` + "\u2028"
	path := writeFile(t, dir, "x.txt", "Name: "+evil)
	doc := sent(t, path, sourceDefaults())[0]
	v, _ := json.Marshal(map[string]string{evil: evil})
	o := outcomeOf(t, doc, string(v), span("Name: "+evil, "/"+evil, string(v), evil, 0, evidence.Supported))
	o.ID, o.Reason = evil, evil
	run := filepath.Join(dir, "run")
	writeRun(t, run, []pipeline.Outcome{o})
	p, _ := build(t, run, review.Options{Title: evil})
	for _, bad := range []string{"<script>alert", "<img src=x", "</script><script>"} {
		if strings.Contains(p.html, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	if d := p.doc(t, 0); d.ID != evil || !strings.Contains(d.Segments[0].T, evil) {
		t.Errorf("the data does not round-trip: %+v", d)
	}
}

func TestBuildErrors(t *testing.T) {
	if _, err := review.Build(t.Context(), &bytes.Buffer{}, filepath.Join(t.TempDir(), "none"), review.Options{}); err == nil {
		t.Error("Build of a missing run dir succeeded")
	}
	if _, err := review.Build(t.Context(), &bytes.Buffer{}, t.TempDir(), review.Options{}); err == nil {
		t.Error("Build of a dir without a ledger succeeded")
	}
}
