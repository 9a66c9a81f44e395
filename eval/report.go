package eval

import (
	"encoding/json"
	"io"
	"math"
	"sort"

	"github.com/seed0611af48/quarry/pipeline"
)

// A Report is the evaluation of one or more configurations against the
// same labels. Its JSON form (see [Report.WriteJSON]) has stable keys.
type Report struct {
	Labels         int       `json:"labels"` // labelled documents
	Configurations []*Config `json:"configurations"`
}

// Config is the evaluation of one configuration (a run).
type Config struct {
	Name      string `json:"name"`
	Model     string `json:"model,omitempty"`
	RunDir    string `json:"run_dir,omitempty"`
	Simulated bool   `json:"simulated"`

	// Documents counts the labelled documents the run has an outcome for;
	// every figure below is over them. Unlabelled counts outcomes without
	// an expected answer (not evaluated); NotRun labelled documents the run
	// has no outcome for (not evaluated either: check it is 0).
	Documents  int `json:"documents"`
	Unlabelled int `json:"unlabelled"`
	NotRun     int `json:"not_run"`
	// Unreadable counts damaged ledger lines skipped.
	Unreadable int `json:"unreadable"`

	// FullyRight counts documents that are ok, with at least one compared
	// value, every compared value right and no extra list item.
	FullyRight      int     `json:"fully_right"`
	FullyRightShare float64 `json:"fully_right_share"`
	// Accuracy is correct values over compared values, all fields together.
	Accuracy float64 `json:"accuracy"`
	Compared int     `json:"compared"`
	Correct  int     `json:"correct"`

	Fields []FieldStats `json:"fields"`
	Lists  []ListStats  `json:"lists"`

	// ReasksPerDocument is the mean of (attempts − 1) per document.
	ReasksPerDocument float64                 `json:"reasks_per_document"`
	ByStatus          map[pipeline.Status]int `json:"by_status"`

	Tokens        pipeline.Usage `json:"tokens"`
	TokensPer1000 TokenRates     `json:"tokens_per_1000"`
	// CostUSD and CostPer1000USD are nil when the model's price is unknown.
	CostUSD        *float64 `json:"cost_usd"`
	CostPer1000USD *float64 `json:"cost_per_1000_usd"`
	// Latency is nil for simulated runs (their timings measure nothing) and
	// runs without timings.
	Latency *Latency `json:"latency_ms"`
	// Evidence is nil when no outcome carries evidence.
	Evidence *EvidenceStats `json:"evidence"`

	// MismatchCount counts every mismatch; Mismatches keeps the first ones
	// (Options.Keep), in ledger order.
	MismatchCount int        `json:"mismatch_count"`
	Mismatches    []Mismatch `json:"mismatches"`

	latencies []float64
	docs      map[string]DocInfo
}

// DocInfo describes a document that has mismatches.
type DocInfo struct {
	Source string          `json:"source,omitempty"`
	Status pipeline.Status `json:"status"`
	Reason string          `json:"reason,omitempty"`
}

// Docs returns what is known of the documents named in c.Mismatches.
func (c *Config) Docs() map[string]DocInfo { return c.docs }

// FieldStats are one field's figures.
type FieldStats struct {
	Field    string  `json:"field"`
	Rule     string  `json:"rule"`
	Compared int     `json:"compared"`
	Correct  int     `json:"correct"`
	Accuracy float64 `json:"accuracy"`
	// Exact counts values equal byte for byte (for text fields, beside the
	// normalised Correct).
	Exact      int     `json:"exact"`
	ExactShare float64 `json:"exact_share"`
	// Missing counts expected values with nothing extracted.
	Missing int `json:"missing"`
}

// ListStats are a list's figures. An extracted item is a true positive
// when it pairs with an expected item and all its compared values are
// right. Precision and Recall are nil when their denominator is 0.
type ListStats struct {
	Field     string   `json:"field"`
	Rule      string   `json:"rule"`
	Expected  int      `json:"expected_items"`
	Extracted int      `json:"extracted_items"`
	Matched   int      `json:"matched_items"`
	Precision *float64 `json:"precision"`
	Recall    *float64 `json:"recall"`
}

// TokenRates are tokens per 1,000 documents.
type TokenRates struct {
	Input  float64 `json:"input"`
	Output float64 `json:"output"`
}

// Latency is per-document wall time, first request to final answer, in
// milliseconds (nearest-rank percentiles).
type Latency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
}

// EvidenceStats count extracted values by evidence verdict.
type EvidenceStats struct {
	Values    int     `json:"values"`
	Supported int     `json:"supported"`
	Share     float64 `json:"supported_share"`
}

// Field returns the figures of the field with pattern p ("/total").
func (c *Config) Field(p string) (FieldStats, bool) {
	for _, f := range c.Fields {
		if f.Field == p {
			return f, true
		}
	}
	return FieldStats{}, false
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return round(float64(n) / float64(of))
}

// round keeps 6 decimals, so reports are stable across platforms.
func round(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func ptr(x float64) *float64 { return &x }

// finish turns tallies into figures.
func (c *Config) finish(plan *Plan, tallies []tally) {
	for i, n := range plan.fields {
		t := tallies[i]
		if n.kind == kindList && t.expItems+t.gotItems > 0 {
			ls := ListStats{Field: pointerOr(n.pattern), Rule: n.rule.String(), Expected: t.expItems, Extracted: t.gotItems, Matched: t.matched}
			if t.gotItems > 0 {
				ls.Precision = ptr(share(t.matched, t.gotItems))
			}
			if t.expItems > 0 {
				ls.Recall = ptr(share(t.matched, t.expItems))
			}
			c.Lists = append(c.Lists, ls)
		}
		if t.compared == 0 {
			continue
		}
		c.Fields = append(c.Fields, FieldStats{
			Field: pointerOr(n.pattern), Rule: n.rule.String(),
			Compared: t.compared, Correct: t.correct, Accuracy: share(t.correct, t.compared),
			Exact: t.exact, ExactShare: share(t.exact, t.compared), Missing: t.missing,
		})
		c.Compared += t.compared
		c.Correct += t.correct
	}
	c.Accuracy = share(c.Correct, c.Compared)
	c.FullyRightShare = share(c.FullyRight, c.Documents)
	if c.Fields == nil {
		c.Fields = []FieldStats{}
	}
	if c.Lists == nil {
		c.Lists = []ListStats{}
	}
	if c.Mismatches == nil {
		c.Mismatches = []Mismatch{}
	}
	if len(c.latencies) > 0 && !c.Simulated {
		sort.Float64s(c.latencies)
		c.Latency = &Latency{P50: round(percentile(c.latencies, 50)), P95: round(percentile(c.latencies, 95))}
	}
	c.latencies = nil
}

// percentile is the nearest-rank percentile of sorted xs.
func percentile(xs []float64, p float64) float64 {
	r := int(math.Ceil(p / 100 * float64(len(xs))))
	return xs[min(max(r, 1), len(xs))-1]
}

// WriteJSON writes the report as indented JSON with stable keys: struct
// fields in declaration order, map keys sorted, figures rounded to six
// decimals.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
