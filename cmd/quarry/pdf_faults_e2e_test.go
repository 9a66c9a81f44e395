package main

import (
	"bytes"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/internal/pdfgen"
)

var invoiceNumber = regexp.MustCompile(`Invoice [0-9]+`)

// pdfServer answers every request with a valid record and remembers, per
// PDF file name, whether it arrived as a file.
type pdfServer struct {
	*extracttest.Server
	mu     sync.Mutex
	asFile map[string]bool
	images map[string]int // input_image parts per request, by the invoice number in the text
}

func newPDFServer() *pdfServer {
	p := &pdfServer{asFile: map[string]bool{}, images: map[string]int{}}
	p.Server = extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		in := string(r.Input)
		if n := strings.Count(in, `"type":"input_image"`); n > 0 {
			p.mu.Lock()
			p.images[invoiceNumber.FindString(r.InputText())] += n
			p.mu.Unlock()
		}
		if i := strings.Index(in, `"filename":"`); i >= 0 && strings.Contains(in, `"type":"input_file"`) {
			name, _, _ := strings.Cut(in[i+len(`"filename":"`):], `"`)
			p.mu.Lock()
			p.asFile[name] = true
			p.mu.Unlock()
		}
		return extracttest.JSON(map[string]any{"vendor": "Acme", "total": 12})
	})
	return p
}

// TestPDFScannedPagesAndUnreadable: a PDF whose later pages are scans
// reaches the model as its text with images of the scanned pages; one local
// extraction cannot open goes as a file; the reasons are in the outcomes'
// meta; a text PDF goes as text. One billed request each.
func TestPDFScannedPagesAndUnreadable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	scan := image.NewGray(image.Rect(0, 0, 400, 200))
	for y := 40; y < 160; y++ {
		for x := 40; x < 360; x++ {
			scan.SetGray(x, y, color.Gray{Y: uint8((x + y) % 256)})
		}
	}
	var mixed, text bytes.Buffer
	if err := pdfgen.WriteMixed(&mixed,
		pdfgen.Page{Lines: []string{"Invoice 7", "Acme GmbH"}}, pdfgen.Page{Lines: []string{"Line items"}},
		pdfgen.Page{Lines: []string{"Terms"}}, pdfgen.Page{Image: scan}, pdfgen.Page{Image: scan}); err != nil {
		t.Fatal(err)
	}
	if err := pdfgen.Write(&text, [][]string{{"Invoice 8", "Total 12"}}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "docs/mixed.pdf", mixed.Bytes())
	writeFile(t, dir, "docs/text.pdf", text.Bytes())
	// A header and then nothing PDFium can parse.
	writeFile(t, dir, "docs/broken.pdf", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R\n%%EOF garbage"))

	srv := newPDFServer()
	defer srv.Close()
	c := cmd{dir: dir, env: []string{"OPENAI_API_KEY=sk-test"}}
	c.run(t, exitOK, "run", "--base-url", srv.URL, "--schema", "vendor, total number", "--in", "docs", "--out", "o.jsonl")
	got, _ := readJSONL(t, dir, "o.jsonl")
	wantStatuses(t, "o.jsonl", got, map[string]string{"mixed.pdf": "ok", "text.pdf": "ok", "broken.pdf": "ok"})
	if m := got["mixed.pdf"].Meta["pdf"]; m != "no text on page 4, 5 (a scan?): sent as page images beside the text" {
		t.Errorf("mixed.pdf meta %q", m)
	}
	if m := got["broken.pdf"].Meta["pdf"]; !strings.HasPrefix(m, "local text extraction failed, sent to the model as a file: ") {
		t.Errorf("broken.pdf meta %q", m)
	}
	if m, ok := got["text.pdf"].Meta["pdf"]; ok {
		t.Errorf("text.pdf meta %q", m)
	}
	if want := map[string]bool{"broken.pdf": true}; !equalSets(srv.asFile, want) {
		t.Errorf("sent as files: %v, want %v", srv.asFile, want)
	}
	if n := srv.images["Invoice 7"]; n != 2 || len(srv.images) != 1 {
		t.Errorf("page images: %v, want 2 with the text of mixed.pdf (Invoice 7)", srv.images)
	}
	if n, b := len(srv.Requests()), len(srv.Billed()); n != 3 || b != 3 {
		t.Errorf("%d requests, %d billed; want 3 and 3", n, b)
	}
}

func equalSets(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// TestMalformedPDFsSentAsFiles: of ../shared/corpus/malformed-pdf, every PDF
// local extraction cannot open (and that is a PDF at all) is sent to the
// model as a file instead of ending in an error.
func TestMalformedPDFsSentAsFiles(t *testing.T) {
	t.Parallel()
	corpus := sharedCorpus(t, "malformed-pdf")
	dir := t.TempDir()
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "mal"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() && filepath.Ext(e.Name()) == ".pdf" {
			if err := copyFile(filepath.Join(corpus, e.Name()), filepath.Join(dir, "mal", e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	srv := newPDFServer()
	defer srv.Close()
	c := cmd{dir: dir, env: []string{"OPENAI_API_KEY=sk-test"}}
	r := c.quarry(t, "run", "--base-url", srv.URL, "--schema", "vendor, total number", "--in", "mal", "--out", "m.jsonl")
	if r.code != exitOK && r.code != exitFailures {
		t.Fatalf("exit code %d\n%s", r.code, r.stderr)
	}
	_, all := readJSONL(t, dir, "m.jsonl")
	var unreadable, errs int
	for _, l := range all {
		if strings.HasPrefix(l.Meta["pdf"], "local text extraction failed") {
			unreadable++
			switch {
			case l.Status == "error" && strings.Contains(l.Error, "no %PDF- header"):
				// Bytes before the header: extract does not send it.
			case l.Status != "ok" || !srv.asFile[l.ID]:
				t.Errorf("%s: %s (%s), sent as file %v", l.ID, l.Status, l.Error, srv.asFile[l.ID])
			}
		}
		if l.Status == "error" {
			errs++
			if strings.Contains(l.Error, "cannot read the PDF") {
				t.Errorf("%s: %s", l.ID, l.Error)
			}
		}
	}
	t.Logf("%d PDFs, %d unreadable locally and sent as files, %d errors (not a PDF, empty, encrypted)", len(all), unreadable, errs)
	if unreadable == 0 {
		t.Error("no PDF of the corpus was sent as a file after local extraction failed")
	}
}
