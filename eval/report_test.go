package eval

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/seed0611af48/quarry/pipeline"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s (-want +got; go test -update rewrites it):\n%s", p, d)
	}
}

// TestReportGolden renders the hand-computed evaluation beside a second,
// perfect configuration as a table, JSON and HTML.
func TestReportGolden(t *testing.T) {
	perfect := Run{Name: "gpt-4.1", Model: "gpt-4.1", Simulated: true, Outcomes: func(yield func(o pipeline.Outcome, err error) bool) {
		for id, v := range handLabels {
			if id == "e.txt" {
				continue
			}
			if !yield(pipeline.Outcome{ID: id, Status: "ok", Attempts: 1, Value: v}, nil) {
				return
			}
		}
	}}
	rep, err := Evaluate(t.Context(), invoicePlan(t, nil), handLabels, []Run{handRun(), perfect}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var table, js, html bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteHTML(&html, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.txt", table.Bytes())
	golden(t, "report.json", js.Bytes())
	golden(t, "report.html", html.Bytes())
}
