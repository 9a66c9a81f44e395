package main

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBadInput: every bad document gets its own error, the others are
// extracted, and the run ends with exit code 3.
func TestBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "bad/corrupt.pdf", []byte("this is not a PDF at all\n"))
	writeFile(t, dir, "bad/truncated.pdf", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n"))
	writeFile(t, dir, "bad/empty.txt", nil)
	writeFile(t, dir, "bad/blank.md", []byte(" \n\t\n"))
	writeFile(t, dir, "bad/binary.txt", []byte("Invoice\x00\x01\x02\xff\xfe binary"))
	writeFile(t, dir, "bad/latin.csv", []byte("name,body\nJos\xe9,caf\xe9 order 12\n"))
	writeFile(t, dir, "bad/ragged.csv", []byte("a,b\n1,2\n3\n5,6\n"))
	writeFile(t, dir, "bad/broken.json", []byte(`{"vendor": "Acme", `))
	writeFile(t, dir, "bad/notimage.png", []byte("not an image"))
	writeFile(t, dir, "bad/good.txt", []byte("Invoice from Acme, total 12.50 EUR\n"))
	c := cmd{dir: dir}
	r := c.run(t, exitFailures, "run", "--mock", "--schema", "vendor, total number", "--in", "bad", "--out", "b.jsonl", "--out", "b.xlsx")
	got, all := readJSONL(t, dir, "b.jsonl")
	want := map[string]string{
		"binary.txt": "error", "blank.md": "error", "broken.json": "error", "corrupt.pdf": "error",
		"empty.txt": "error", "good.txt": "ok", "latin.csv": "error", "notimage.png": "error",
		"ragged.csv#row=1": "ok", "ragged.csv#row=2": "error", "ragged.csv#row=3": "ok",
		"truncated.pdf": "ok", // local extraction fails: sent to the model as a file
	}
	wantStatuses(t, "b.jsonl", got, want)
	if len(all) != len(want) {
		t.Errorf("%d lines for %d documents", len(all), len(want))
	}
	for id, sub := range map[string]string{
		"binary.txt":       "binary",
		"empty.txt":        "empty",
		"latin.csv":        "--encoding",
		"ragged.csv#row=2": "fields",
		"corrupt.pdf":      "not a PDF",
	} {
		if e := got[id].Error; !strings.Contains(e, sub) {
			t.Errorf("%s: error %q does not mention %q", id, e, sub)
		}
	}
	if m := got["truncated.pdf"].Meta["pdf"]; !strings.HasPrefix(m, "local text extraction failed, sent to the model as a file") {
		t.Errorf("truncated.pdf: meta %q", m)
	}
	if n := requestsOf(t, r.stderr); n != 4 {
		t.Errorf("%d requests, want 4 (the readable documents and the PDF sent as a file)", n)
	}
	if l := got["ragged.csv#row=2"]; l.Row != 2 {
		t.Errorf("ragged row 2: row field %d", l.Row)
	}
	f := openXLSX(t, dir, "b.xlsx")
	if n := len(sheetRows(t, f, "errors")) - 1; n != 8 {
		t.Errorf("errors sheet has %d rows, want 8", n)
	}

	// The same CSV with --encoding latin1 is read.
	c.run(t, exitOK, "run", "--mock", "--schema", "vendor, total number", "--in", "bad/latin.csv",
		"--encoding", "latin1", "--out", "l.jsonl")
	lat, _ := readJSONL(t, dir, "l.jsonl")
	if l := lat["latin.csv#row=1"]; l.Status != "ok" || l.Columns["name"] != "José" || l.Columns["body"] != "café order 12" {
		t.Errorf("latin1 CSV: %+v", l)
	}
}

// TestMalformedPDFCorpus: each file of ../shared/corpus/malformed-pdf gets
// exactly one outcome, and quarry does not crash.
func TestMalformedPDFCorpus(t *testing.T) {
	t.Parallel()
	corpus := sharedCorpus(t, "malformed-pdf")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "mal"), 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		switch filepath.Ext(e.Name()) {
		case ".pdf", ".txt":
		default:
			continue
		}
		if err := copyFile(filepath.Join(corpus, e.Name()), filepath.Join(dir, "mal", e.Name())); err != nil {
			t.Fatal(err)
		}
		want = append(want, e.Name())
	}
	c := cmd{dir: dir}
	r := c.quarry(t, "run", "--mock", "--schema", "vendor, total number", "--in", "mal", "--out", "m.jsonl")
	if r.code != exitOK && r.code != exitFailures {
		t.Fatalf("exit code %d, want 0 or 3\n%s", r.code, r.stderr)
	}
	_, all := readJSONL(t, dir, "m.jsonl")
	var ids []string
	for _, l := range all {
		ids = append(ids, l.ID)
		switch l.Status {
		case "ok":
		case "error", "invalid", "refused", "incomplete":
			if l.Error == "" {
				t.Errorf("%s: %s without a reason", l.ID, l.Status)
			}
		default:
			t.Errorf("%s: status %q", l.ID, l.Status)
		}
	}
	sort.Strings(ids)
	sort.Strings(want)
	if d := cmp.Diff(want, ids); d != "" {
		t.Errorf("one outcome per file (-files +outcomes):\n%s", d)
	}
	// Reasons are words: no Go stack, no PDFium error number ("3: incorrect
	// format"); and a PDF read and sent as a file is not then refused as
	// "not a PDF" by extract (issue-100.pdf: a byte before its header).
	pdfiumCode := regexp.MustCompile(`(^|: )[0-9]: `)
	for _, l := range all {
		for _, s := range []string{l.Error, l.Meta["pdf"]} {
			if strings.Contains(s, "goroutine ") || pdfiumCode.MatchString(s) {
				t.Errorf("%s: reason is not in words: %q", l.ID, s)
			}
		}
		if l.Meta["pdf"] != "" && l.Status != "ok" {
			t.Errorf("%s: sent to the model (%s), yet %s: %s", l.ID, l.Meta["pdf"], l.Status, l.Error)
		}
	}
}

// TestContextWindow: a document larger than the model's context is an error
// for that document, and no request is sent for it.
func TestContextWindow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "docs/huge.txt", []byte(strings.Repeat("invoice line item ", 40_000))) // ~720 kB, ~180k tokens
	writeFile(t, dir, "docs/small.txt", []byte("Invoice from Acme, total 12.50\n"))
	c := cmd{dir: dir}
	r := c.run(t, exitFailures, "run", "--mock", "--model", "gpt-4o", "--schema", "vendor, total number",
		"--in", "docs", "--out", "c.jsonl")
	got, _ := readJSONL(t, dir, "c.jsonl")
	wantStatuses(t, "c.jsonl", got, map[string]string{"huge.txt": "error", "small.txt": "ok"})
	if e := got["huge.txt"].Error; !strings.Contains(e, "context window") || !strings.Contains(e, "gpt-4o") {
		t.Errorf("huge.txt: error %q, want it to name the context window of gpt-4o", e)
	}
	if n := requestsOf(t, r.stderr); n != 1 {
		t.Errorf("%d requests, want 1 (none for the huge document)", n)
	}
}

// TestStdin reads documents from stdin.
func TestStdin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	t.Run("text", func(t *testing.T) {
		c := cmd{dir: dir, stdin: "Invoice from Acme, total 12.50\n"}
		r := c.run(t, exitOK, "run", "--mock", "--schema", "vendor, total number", "--in", "-", "--stdin-name", "x.txt", "--run-dir", "rd-text")
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(lines) != 1 {
			t.Fatalf("stdout has %d lines, want 1 JSON line:\n%s", len(lines), r.stdout)
		}
		writeFile(t, dir, "stdout.jsonl", []byte(r.stdout))
		got, _ := readJSONL(t, dir, "stdout.jsonl")
		if l, ok := got["x.txt"]; !ok || l.Status != "ok" || !l.Simulated {
			t.Errorf("stdin document: %+v", got)
		}
	})
	t.Run("csv", func(t *testing.T) {
		c := cmd{dir: dir, stdin: "subject,body\nHello,Invoice from Acme\nBye,Invoice from Bolt\n"}
		r := c.run(t, exitOK, "run", "--mock", "--schema", "vendor", "-", "--stdin-name", "t.csv", "--text-column", "body", "--run-dir", "rd-csv")
		writeFile(t, dir, "stdout-csv.jsonl", []byte(r.stdout))
		got, _ := readJSONL(t, dir, "stdout-csv.jsonl")
		wantStatuses(t, "stdin csv", got, map[string]string{"t.csv#row=1": "ok", "t.csv#row=2": "ok"})
		if got["t.csv#row=2"].Columns["subject"] != "Bye" {
			t.Errorf("row 2 columns: %q", got["t.csv#row=2"].Columns)
		}
	})
}

// TestNoDocuments: inputs that hold no document (a folder of unsupported
// files, an --include that matches nothing) are a usage error naming the
// inputs, not a successful run of 0 documents (before: exit 0).
func TestNoDocuments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "odd/a.xyz", []byte("x"))
	writeFile(t, dir, "odd/b.bin", []byte("y"))
	writeFile(t, dir, "docs/a.txt", []byte("Invoice from Acme, total 12.50 EUR\n"))
	c := cmd{dir: dir}
	for name, args := range map[string][]string{
		"unsupported files": {"--in", "odd"},
		"empty folder":      {"--in", "docs", "--include", "*.pdf"},
	} {
		t.Run(name, func(t *testing.T) {
			r := c.run(t, exitUsage, append([]string{"run", "--mock", "--schema", "vendor", "--out", name + ".jsonl"}, args...)...)
			if !strings.Contains(r.stderr, "no documents in "+args[1]) {
				t.Errorf("stderr does not say there are no documents:\n%s", r.stderr)
			}
		})
	}
}

// TestSummaryOneDocument: the summary of a run of one document says
// "1 document" (it said "1 documents").
func TestSummaryOneDocument(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", []byte("Invoice from Acme, total 12.50 EUR\n"))
	r := cmd{dir: dir}.run(t, exitOK, "run", "--mock", "--schema", "vendor", "--in", "a.txt", "--out", "a.jsonl")
	if !strings.Contains(r.stderr, "quarry: 1 document in ") {
		t.Errorf("summary:\n%s", r.stderr)
	}
}
