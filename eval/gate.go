package eval

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Thresholds are the least figures a configuration must reach; see
// [ParseThresholds] and [Report.Check].
type Thresholds struct {
	Overall    *float64           // accuracy over all values
	EachField  *float64           // every field's accuracy
	Documents  *float64           // share of documents fully right
	Supported  *float64           // share of values with supporting evidence
	Fields     map[string]float64 // named fields' accuracy, by pattern ("/total")
	fieldOrder []string
}

// ParseThresholds reads "overall=0.9,field=0.95,documents=0.8,/total=0.99":
// overall accuracy, every field's accuracy, the share of documents fully
// right, the share of supported values (supported=…), and named fields by
// pattern (the leading slash may be left out: total=0.99, lines/*/quantity=1).
func ParseThresholds(s string) (Thresholds, error) {
	var t Thresholds
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || k == "" || err != nil || x < 0 || x > 1 {
			return Thresholds{}, fmt.Errorf("eval: threshold %q: write NAME=SHARE with a share from 0 to 1, e.g. overall=0.9", part)
		}
		switch k {
		case "overall":
			t.Overall = &x
		case "field":
			t.EachField = &x
		case "documents":
			t.Documents = &x
		case "supported":
			t.Supported = &x
		default:
			if !strings.HasPrefix(k, "/") {
				k = "/" + k
			}
			if t.Fields == nil {
				t.Fields = map[string]float64{}
			}
			if _, dup := t.Fields[k]; !dup {
				t.fieldOrder = append(t.fieldOrder, k)
			}
			t.Fields[k] = x
		}
	}
	return t, nil
}

// ShortfallError lists what fell short of the thresholds.
type ShortfallError struct {
	Shortfalls []string // "gpt-4.1-mini: /total 0.900 < 0.95"
}

func (e *ShortfallError) Error() string {
	return "eval: below the thresholds: " + strings.Join(e.Shortfalls, "; ")
}

// ErrUnknownField is wrapped when a threshold names a field no
// configuration compared.
var ErrUnknownField = errors.New("eval: threshold names a field with no compared values")

// Check returns a *[ShortfallError] naming every configuration and figure
// below t, or nil. A supported threshold fails a configuration without
// evidence.
func (r *Report) Check(t Thresholds) error {
	var out []string
	below := func(c *Config, what string, got, want float64) {
		if got < want {
			out = append(out, fmt.Sprintf("%s: %s %.3f < %g", c.Name, what, got, want))
		}
	}
	for _, k := range t.fieldOrder {
		found := false
		for _, c := range r.Configurations {
			_, ok := c.Field(k)
			found = found || ok
		}
		if !found {
			return fmt.Errorf("%w: %s", ErrUnknownField, k)
		}
	}
	for _, c := range r.Configurations {
		if t.Overall != nil {
			below(c, "overall accuracy", c.Accuracy, *t.Overall)
		}
		if t.Documents != nil {
			below(c, "documents fully right", c.FullyRightShare, *t.Documents)
		}
		if t.EachField != nil {
			for _, f := range c.Fields {
				below(c, f.Field, f.Accuracy, *t.EachField)
			}
		}
		for _, k := range t.fieldOrder {
			if f, ok := c.Field(k); ok {
				below(c, k, f.Accuracy, t.Fields[k])
			} else {
				out = append(out, fmt.Sprintf("%s: %s has no compared values", c.Name, k))
			}
		}
		if t.Supported != nil {
			if c.Evidence == nil {
				out = append(out, c.Name+": no evidence to check supported values (run with --evidence)")
			} else {
				below(c, "supported values", c.Evidence.Share, *t.Supported)
			}
		}
	}
	if len(out) > 0 {
		return &ShortfallError{Shortfalls: out}
	}
	return nil
}
