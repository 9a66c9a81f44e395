package eval

import (
	"encoding/json"
	"errors"
	"iter"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/seed0611af48/quarry/pipeline"
)

func invoicePlan(t testing.TB, overrides map[string]Rule) *Plan {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "invoice.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(b, overrides)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func outcomes(os ...any) iter.Seq2[pipeline.Outcome, error] {
	return func(yield func(pipeline.Outcome, error) bool) {
		for _, o := range os {
			var ok bool
			switch x := o.(type) {
			case pipeline.Outcome:
				ok = yield(x, nil)
			case error:
				ok = yield(pipeline.Outcome{}, x)
			}
			if !ok {
				return
			}
		}
	}
}

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// handLabels and handRun are a small evaluation whose figures are worked
// out by hand in TestEvaluateHandComputed.
var handLabels = MapLabels{
	"a.pdf": json.RawMessage(`{"vendor":"Acme Office Supplies Inc.","invoice_number":"INV-1","issue_date":"2024-03-05","due_date":"2024-04-04","currency":"USD","total":129.15,
		"lines":[{"description":"A4 copy paper","quantity":10,"unit_price":5.49},{"description":"Pens","quantity":3,"unit_price":12.75},{"description":"Desk organizer","quantity":2,"unit_price":18}]}`),
	"b.txt": json.RawMessage(`{"vendor":"Kestrel","invoice_number":"K-1","issue_date":"2024-01-10","due_date":null,"currency":"EUR","total":100,
		"lines":[{"description":"Logo","quantity":1,"unit_price":60},{"description":"Cards","quantity":2,"unit_price":20}]}`),
	"c.txt": json.RawMessage(`{"vendor":"Brightpath","total":50}`),
	"e.txt": json.RawMessage(`{"vendor":"Never run"}`),
}

func handRun() Run {
	return Run{Name: "mini", Model: "gpt-4.1-mini", Outcomes: outcomes(
		pipeline.Outcome{ID: "a.pdf", Source: "docs/a.pdf", Status: pipeline.StatusOK, Attempts: 1,
			Value: json.RawMessage(`{"vendor":"ACME Office Supplies, Inc.","invoice_number":"INV-1","issue_date":"05.03.2024","due_date":"2024-04-04","currency":"USD","total":129.15,
				"lines":[{"description":"Desk organizer","quantity":2,"unit_price":18.00},{"description":"A4 copy paper","quantity":10,"unit_price":5.49},{"description":"pens","quantity":3,"unit_price":12.75}]}`),
			Usage:   pipeline.Usage{InputTokens: 1000, OutputTokens: 200},
			Started: t0, Finished: t0.Add(100 * time.Millisecond),
			Evidence: json.RawMessage(`[{"pointer":"/vendor","verdict":"supported"},{"pointer":"/total","verdict":"supported"},{"pointer":"/currency","verdict":"supported"},{"pointer":"/issue_date","verdict":"unsupported"}]`)},
		pipeline.Outcome{ID: "b.txt", Status: pipeline.StatusOK, Attempts: 2,
			Value: json.RawMessage(`{"vendor":"Kestrel","invoice_number":"K-1","issue_date":"2024-01-10","due_date":null,"total":100.5,
				"lines":[{"description":"Cards","quantity":2,"unit_price":20},{"description":"Logo","quantity":1,"unit_price":65},{"description":"Shipping","quantity":1,"unit_price":0}]}`),
			Usage:   pipeline.Usage{InputTokens: 1200, OutputTokens: 300},
			Started: t0, Finished: t0.Add(300 * time.Millisecond)},
		&pipeline.LineError{Offset: 99, Err: errors.New("torn")},
		pipeline.Outcome{ID: "c.txt", Status: pipeline.StatusInvalid, Reason: "total: must be ≥ 0", Attempts: 3,
			Value:   json.RawMessage(`{"vendor":"Brightpath","total":-50}`),
			Usage:   pipeline.Usage{InputTokens: 3000, OutputTokens: 900},
			Started: t0, Finished: t0.Add(2 * time.Second)},
		pipeline.Outcome{ID: "d.txt", Status: pipeline.StatusOK, Value: json.RawMessage(`{}`), Usage: pipeline.Usage{InputTokens: 7}},
	)}
}

func TestEvaluateHandComputed(t *testing.T) {
	rep, err := Evaluate(t.Context(), invoicePlan(t, nil), handLabels, []Run{handRun()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Configurations[0]
	p := func(x float64) *float64 { return &x }
	// a: 15 values, all right after pairing the reordered lines (vendor and
	// issue_date right but not exact). b: 12 values, 9 right (currency
	// missing, total 100.5 ≠ 100, Logo's unit price 65 ≠ 60), one extra line
	// (Shipping). c: invalid, so its 2 labelled values are missing.
	want := &Config{
		Name: "mini", Model: "gpt-4.1-mini",
		Documents: 3, Unlabelled: 1, NotRun: 1, Unreadable: 1,
		FullyRight: 1, FullyRightShare: 0.333333,
		Compared: 29, Correct: 24, Accuracy: 0.827586,
		Fields: []FieldStats{
			{Field: "/vendor", Rule: "text", Compared: 3, Correct: 2, Accuracy: 0.666667, Exact: 1, ExactShare: 0.333333, Missing: 1},
			{Field: "/invoice_number", Rule: "text", Compared: 2, Correct: 2, Accuracy: 1, Exact: 2, ExactShare: 1},
			{Field: "/issue_date", Rule: "date", Compared: 2, Correct: 2, Accuracy: 1, Exact: 1, ExactShare: 0.5},
			{Field: "/due_date", Rule: "date", Compared: 2, Correct: 2, Accuracy: 1, Exact: 2, ExactShare: 1},
			{Field: "/currency", Rule: "exact", Compared: 2, Correct: 1, Accuracy: 0.5, Exact: 1, ExactShare: 0.5, Missing: 1},
			{Field: "/total", Rule: "number:0.005", Compared: 3, Correct: 1, Accuracy: 0.333333, Exact: 1, ExactShare: 0.333333, Missing: 1},
			{Field: "/lines/*/description", Rule: "text", Compared: 5, Correct: 5, Accuracy: 1, Exact: 4, ExactShare: 0.8},
			{Field: "/lines/*/quantity", Rule: "number:0.005", Compared: 5, Correct: 5, Accuracy: 1, Exact: 5, ExactShare: 1},
			{Field: "/lines/*/unit_price", Rule: "number:0.005", Compared: 5, Correct: 4, Accuracy: 0.8, Exact: 4, ExactShare: 0.8},
		},
		Lists:             []ListStats{{Field: "/lines", Rule: "assign", Expected: 5, Extracted: 6, Matched: 4, Precision: p(0.666667), Recall: p(0.8)}},
		ReasksPerDocument: 1,
		ByStatus:          map[pipeline.Status]int{pipeline.StatusOK: 2, pipeline.StatusInvalid: 1},
		Tokens:            pipeline.Usage{InputTokens: 5200, OutputTokens: 1400},
		TokensPer1000:     TokenRates{Input: 1733333.333333, Output: 466666.666667},
		// (5200 × 0.40 + 1400 × 1.60) / 1e6 = 0.00432; × 1000/3 = 1.44.
		CostUSD: p(0.00432), CostPer1000USD: p(1.44),
		Latency:       &Latency{P50: 300, P95: 2000},
		Evidence:      &EvidenceStats{Values: 4, Supported: 3, Share: 0.75},
		MismatchCount: 6,
	}
	opt := cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().String() == ".Mismatches"
	}, cmp.Ignore())
	if diff := cmp.Diff(want, c, opt, cmp.AllowUnexported(Config{}), cmp.FilterPath(func(p cmp.Path) bool {
		s := p.Last().String()
		return s == ".latencies" || s == ".docs"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("figures (-want +got):\n%s", diff)
	}
	wantMis := []Mismatch{
		{ID: "b.txt", Pointer: "/currency", Field: "/currency", Rule: "exact", Verdict: Missing, Expected: json.RawMessage(`"EUR"`)},
		{ID: "b.txt", Pointer: "/total", Field: "/total", Rule: "number:0.005", Verdict: Wrong, Expected: json.RawMessage(`100`), Got: json.RawMessage(`100.5`)},
		{ID: "b.txt", Pointer: "/lines/0/unit_price", GotPointer: "/lines/1/unit_price", Field: "/lines/*/unit_price", Rule: "number:0.005", Verdict: Wrong, Expected: json.RawMessage(`60`), Got: json.RawMessage(`65`)},
		{ID: "b.txt", Pointer: "/lines/2", Field: "/lines", Rule: "assign", Verdict: Extra, Got: json.RawMessage(`{"description":"Shipping","quantity":1,"unit_price":0}`)},
		{ID: "c.txt", Pointer: "/vendor", Field: "/vendor", Rule: "text", Verdict: Missing, Expected: json.RawMessage(`"Brightpath"`)},
		{ID: "c.txt", Pointer: "/total", Field: "/total", Rule: "number:0.005", Verdict: Missing, Expected: json.RawMessage(`50`)},
	}
	if diff := cmp.Diff(wantMis, c.Mismatches); diff != "" {
		t.Errorf("mismatches (-want +got):\n%s", diff)
	}
	if d := c.Docs()["c.txt"]; d.Status != pipeline.StatusInvalid || d.Reason == "" {
		t.Errorf("Docs()[c.txt] = %+v", d)
	}
}

func TestEvaluateSimulatedHasNoLatency(t *testing.T) {
	r := handRun()
	r.Simulated = true
	rep, err := Evaluate(t.Context(), invoicePlan(t, nil), handLabels, []Run{r}, Options{Keep: -1})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Configurations[0]
	if c.Latency != nil || len(c.Mismatches) != 0 || c.MismatchCount != 6 {
		t.Errorf("latency %v, kept %d mismatches of %d", c.Latency, len(c.Mismatches), c.MismatchCount)
	}
}

func TestEvaluateUnknownPrice(t *testing.T) {
	r := handRun()
	r.Model = "my-finetune"
	rep, err := Evaluate(t.Context(), invoicePlan(t, nil), handLabels, []Run{r}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Configurations[0]; c.CostUSD != nil || c.CostPer1000USD != nil {
		t.Errorf("cost of an unknown model = %v, %v; want nil", *c.CostUSD, *c.CostPer1000USD)
	}
}

func TestEvaluateBadLabel(t *testing.T) {
	labels := MapLabels{"a.pdf": json.RawMessage(`{"vendor":`)}
	_, err := Evaluate(t.Context(), invoicePlan(t, nil), labels, []Run{handRun()}, Options{})
	var le *LabelError
	if !errors.As(err, &le) || le.ID != "a.pdf" || !errors.Is(err, ErrLabels) {
		t.Fatalf("err = %v, want a *LabelError for a.pdf", err)
	}
}

func readFile(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(p))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
