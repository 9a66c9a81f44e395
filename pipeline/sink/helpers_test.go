package sink

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/seed0611af48/quarry/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func invoiceSchema(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "invoice.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var t0 = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)

// outcomes is a small run: two records, a failure, an answer cut off.
func outcomes() []*pipeline.Outcome {
	return []*pipeline.Outcome{
		{
			ID: "invoices.csv#row=1", Status: pipeline.StatusOK, Attempts: 1,
			Value: json.RawMessage(`{
				"vendor": "Acme GmbH",
				"address": {"street": "Hauptstr. 1", "city": "Berlin"},
				"issued": "2026-02-27",
				"created_at": "2026-02-27T10:15:00+01:00",
				"total": -12.5,
				"paid": true,
				"tags": ["urgent", "eu"],
				"lines": [
					{"description": "Widget", "qty": 2, "unit_price": 5,
					 "taxes": [{"name": "VAT", "rate": 0.19}, {"name": "eco", "rate": 0.01}]},
					{"description": "=HYPERLINK(\"http://x\",\"click\")", "qty": 1, "unit_price": -22.5, "taxes": []}
				],
				"customer": {"name": "Bob", "vat_id": null}
			}`),
			Usage:   pipeline.Usage{InputTokens: 1200, CachedTokens: 1000, OutputTokens: 80, ReasoningTokens: 0},
			Model:   "gpt-test",
			Source:  "invoices.csv",
			Row:     1,
			Columns: []pipeline.Column{{Name: "customer_ref", Value: "C-7"}, {Name: "note", Value: "@SUM(A1)"}},
			Meta:    map[string]string{"lang": "de"},
			Started: t0, Finished: t0.Add(1500 * time.Millisecond),
		},
		{
			ID: "scans/b.pdf#page=2", Status: pipeline.StatusOK, Attempts: 2,
			Value: json.RawMessage(`{"vendor":"+1","address":{"street":"-2","city":null},"issued":"2026-01-05",` +
				`"created_at":null,"total":1e3,"paid":false,"tags":[],"lines":[],"customer":null}`),
			Usage:  pipeline.Usage{InputTokens: 900, OutputTokens: 60},
			Source: "scans/b.pdf", Page: 2,
			Started: t0, Finished: t0.Add(2 * time.Second),
		},
		{
			ID: "broken.pdf", Status: pipeline.StatusError, Reason: "pdf: no pages",
			Source: "broken.pdf", Started: t0, Finished: t0,
		},
		{
			ID: "invoices.csv#row=2", Status: pipeline.StatusIncomplete, Attempts: 1,
			Reason: "answer cut off at max_output_tokens", Value: json.RawMessage(`{"vendor":"Cut`),
			Source: "invoices.csv", Row: 2,
			Columns: []pipeline.Column{{Name: "customer_ref", Value: "C-8"}, {Name: "extra", Value: "x"}},
			Started: t0, Finished: t0.Add(time.Second),
		},
	}
}

func runInfo() *pipeline.RunInfo {
	return &pipeline.RunInfo{
		Model: "gpt-test", Instructions: "Extract the invoice.", Schema: json.RawMessage(`{"type":"object"}`),
		Start: t0, End: t0.Add(time.Minute),
		Totals: pipeline.Totals{
			Documents: 4,
			ByStatus:  map[pipeline.Status]int{pipeline.StatusOK: 2, pipeline.StatusError: 1, pipeline.StatusIncomplete: 1},
			Usage:     pipeline.Usage{InputTokens: 2100, CachedTokens: 1000, OutputTokens: 140},
			Requests:  5, Wall: time.Minute,
		},
	}
}

func writeAll(t testing.TB, s pipeline.Sink, os []*pipeline.Outcome, info *pipeline.RunInfo) {
	t.Helper()
	for _, o := range os {
		if err := s.Write(o); err != nil {
			t.Fatalf("Write(%s): %v", o.ID, err)
		}
	}
	if err := s.Close(info); err != nil {
		t.Fatalf("Close: %v", err)
	}
}
