package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/evidence"
)

// evidenceLines reads the evidence of each JSONL line, by document id.
func evidenceLines(t *testing.T, dir, name string) map[string]map[string]evidence.Item {
	t.Helper()
	out := map[string]map[string]evidence.Item{}
	for _, l := range strings.Split(strings.TrimSpace(string(readFile(t, dir, name))), "\n") {
		var v struct {
			ID       string                   `json:"id"`
			Evidence map[string]evidence.Item `json:"evidence"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[v.ID] = v.Evidence
	}
	return out
}

// TestEvidenceSamples runs the sample invoices through the simulated model
// with --evidence: every non-null value of a document sent as text gets a
// supported span; documents sent as images have no text to check quotes
// against: their values are unchecked, and say why.
func TestEvidenceSamples(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	r := c.run(t, exitOK, "run", "--mock", "--evidence", "--schema", "testdata/invoice.schema.json", "--in", "testdata/samples",
		"--exclude", "tickets/**", "--pdf-password", "user", "--out", "e.jsonl", "--out", "e.csv", "--out", "e.xlsx", "--run-dir", "rd")
	images := map[string]bool{"invoices/lakshmi-traders-scanned.pdf": true, "receipts/receipt-blue-fern-cafe.png": true, "receipts/receipt-kwik-hardware.png": true}
	docs := evidenceLines(t, dir, "e.jsonl")
	var counts evidence.Counts
	for id, items := range docs {
		if len(items) < 10 {
			t.Errorf("%s: %d evidence items", id, len(items))
		}
		for p, it := range items {
			switch {
			case images[id]:
				if it.Verdict != evidence.Unchecked || !strings.Contains(it.Reason, "not as text") {
					t.Errorf("%s %s: %+v", id, p, it)
				}
			case it.Verdict != evidence.Supported || it.End <= it.Start || it.Match == evidence.MatchNone:
				t.Errorf("%s %s: %+v", id, p, it)
			}
			counts.Supported += btoi(it.Verdict == evidence.Supported)
			counts.NotFound += btoi(it.Verdict == evidence.NotFound)
			counts.Unchecked += btoi(it.Verdict == evidence.Unchecked)
		}
	}
	if len(docs) != 9 {
		t.Errorf("%d documents", len(docs))
	}
	// The spans point at the quote in the page text.
	acme := docs["invoices/acme-office-supplies.pdf"]["/invoice_number"]
	if acme.Page != 1 || acme.Quote == "" || acme.End-acme.Start != len([]rune(acme.Quote)) {
		t.Errorf("acme invoice number: %+v", acme)
	}
	if !strings.Contains(r.stderr, "evidence: ") || !strings.Contains(r.stderr, "unsupported 0") ||
		!strings.Contains(r.stderr, fmt.Sprintf("not found 0 · unchecked %d (sent as images", counts.Unchecked)) {
		t.Errorf("summary:\n%s", r.stderr)
	}
	csvRows := readCSV(t, dir, "e.evidence.csv")
	if got := len(csvRows) - 1; got != counts.Supported+counts.NotFound+counts.Unchecked {
		t.Errorf("e.evidence.csv has %d rows, JSONL %d items", got, counts.Supported+counts.NotFound+counts.Unchecked)
	}
	if rows := sheetRows(t, openXLSX(t, dir, "e.xlsx"), "evidence"); len(rows) != len(csvRows) {
		t.Errorf("evidence sheet has %d rows, CSV %d", len(rows), len(csvRows))
	}
}

// TestEvidenceWrongValue: a value the document does not state (the expected
// answer says 1492.96, the invoice 1,429.96) is flagged, and --evidence-reask
// asks again with the reason.
func TestEvidenceWrongValue(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "d/samples/n/inv.txt", []byte("Invoice 77 from Globex\nTotal due: EUR 1,429.96\n"))
	writeFile(t, dir, "d/expected/n/inv.json", []byte(`{"vendor":"Globex","total":1492.96}`))
	c := cmd{dir: dir}
	r := c.run(t, exitOK, "run", "--mock", "--evidence", "--evidence-reask", "--schema", "vendor, total number",
		"--in", "d/samples", "--out", "w.jsonl", "--run-dir", "rd")
	items := evidenceLines(t, dir, "w.jsonl")["n/inv.txt"]
	total := items["/total"]
	if total.Verdict != evidence.Unsupported || total.Quote != "Total due: EUR 1,429.96" || !strings.Contains(total.Reason, "says 1,429.96, not 1492.96") {
		t.Errorf("total: %+v", total)
	}
	if items["/vendor"].Verdict != evidence.Supported {
		t.Errorf("vendor: %+v", items["/vendor"])
	}
	if !strings.Contains(r.stderr, "unsupported 1") {
		t.Errorf("summary:\n%s", r.stderr)
	}
	if n := requestsOf(t, r.stderr); n != 3 {
		t.Errorf("%d requests, want 3 (the answer, then two re-asks)", n)
	}
	// --evidence-reask alone is a usage error.
	c.run(t, exitUsage, "run", "--mock", "--evidence-reask", "--schema", "vendor", "--in", "d/samples")
	if _, err := os.Stat(filepath.Join(dir, "w.evidence.csv")); err == nil {
		t.Error("an evidence CSV without a CSV output")
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestEvidenceBatchAndExport: a --batch run records the same evidence as a
// synchronous one (the same decode path), and "quarry export" writes the
// evidence file again from the ledger.
func TestEvidenceBatchAndExport(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	sync := c.run(t, exitOK, "run", "--mock", "--evidence", "--schema", "testdata/invoice.schema.json", "--in", "testdata/samples/notes", "--out", "s.jsonl", "--run-dir", "rs")
	batch := c.run(t, exitOK, "run", "--mock", "--batch", "--evidence", "--schema", "testdata/invoice.schema.json", "--in", "testdata/samples/notes", "--out", "b.jsonl", "--run-dir", "rb")
	evLine := func(stderr string) string {
		for _, l := range strings.Split(stderr, "\n") {
			if strings.Contains(l, "evidence: ") {
				return strings.TrimSpace(l)
			}
		}
		return ""
	}
	if s, b := evLine(sync.stderr), evLine(batch.stderr); s == "" || s != b || !strings.Contains(s, "supported 27 (100.0%)") {
		t.Errorf("evidence summary: sync %q, batch %q", s, b)
	}
	if diff := cmpEvidence(evidenceLines(t, dir, "s.jsonl"), evidenceLines(t, dir, "b.jsonl")); diff != "" {
		t.Errorf("batch evidence differs: %s", diff)
	}
	c.run(t, exitOK, "export", "--run-dir", "rb", "--out", "x.csv")
	if rows := readCSV(t, dir, "x.evidence.csv"); len(rows) != 28 {
		t.Errorf("exported x.evidence.csv has %d rows, want 28", len(rows))
	}
}

func cmpEvidence(a, b map[string]map[string]evidence.Item) string {
	if len(a) != len(b) {
		return "different documents"
	}
	for id, items := range a {
		for p, it := range items {
			o := b[id][p]
			if it.Verdict != o.Verdict || it.Start != o.Start || it.End != o.End || it.Quote != o.Quote {
				return id + " " + p
			}
		}
	}
	return ""
}
