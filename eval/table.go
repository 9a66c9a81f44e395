package eval

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/seed0611af48/quarry/pipeline"
)

// WriteTable prints the report side by side, one column per configuration:
// documents, accuracy (per field and overall, text fields with their exact
// share), lists' precision and recall, re-asks, failures, tokens and cost
// per 1,000 documents, latency and supported values.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	cs := r.Configurations
	row := func(label string, cell func(c *Config) string) {
		cells := []string{label}
		for _, c := range cs {
			cells = append(cells, cell(c))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	row("", func(c *Config) string { return c.Name })
	row("documents", func(c *Config) string {
		s := fmt.Sprint(c.Documents)
		if c.NotRun > 0 {
			s += fmt.Sprintf(" (%d not run)", c.NotRun)
		}
		return s
	})
	row("overall accuracy", func(c *Config) string { return pct(c.Accuracy, c.Compared) })
	row("documents fully right", func(c *Config) string {
		return fmt.Sprintf("%d (%s)", c.FullyRight, pct(c.FullyRightShare, c.Documents))
	})
	for _, f := range r.fieldOrder() {
		row("  "+f, func(c *Config) string {
			s, ok := c.Field(f)
			if !ok {
				return "—"
			}
			out := pct(s.Accuracy, s.Compared)
			if s.Rule == string(ModeText) && s.Exact != s.Correct {
				out += " (exact " + pct(s.ExactShare, s.Compared) + ")"
			}
			return out
		})
	}
	for _, l := range r.listOrder() {
		row("  "+l+" precision / recall", func(c *Config) string {
			for _, s := range c.Lists {
				if s.Field == l {
					return ratio(s.Precision) + " / " + ratio(s.Recall)
				}
			}
			return "—"
		})
	}
	row("re-asks per document", func(c *Config) string { return fmt.Sprintf("%.2f", c.ReasksPerDocument) })
	row("failures", func(c *Config) string { return failures(c.ByStatus) })
	row("tokens per 1,000 docs (in / out)", func(c *Config) string {
		return short(c.TokensPer1000.Input) + " / " + short(c.TokensPer1000.Output)
	})
	row("cost per 1,000 docs", func(c *Config) string {
		if c.CostPer1000USD == nil {
			return "unknown price"
		}
		s := fmt.Sprintf("$%.2f", *c.CostPer1000USD)
		if c.Simulated {
			s += " (simulated)"
		}
		return s
	})
	row("latency p50 / p95", func(c *Config) string {
		switch {
		case c.Latency != nil:
			return fmt.Sprintf("%s / %s", ms(c.Latency.P50), ms(c.Latency.P95))
		case c.Simulated:
			return "— (simulated)"
		}
		return "—"
	})
	row("supported values", func(c *Config) string {
		if c.Evidence == nil {
			return "— (no evidence)"
		}
		return pct(c.Evidence.Share, c.Evidence.Values)
	})
	return tw.Flush()
}

// fieldOrder lists the fields of all configurations, in the order of the
// first one that has them.
func (r *Report) fieldOrder() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range r.Configurations {
		for _, f := range c.Fields {
			if !seen[f.Field] {
				seen[f.Field] = true
				out = append(out, f.Field)
			}
		}
	}
	return out
}

func (r *Report) listOrder() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range r.Configurations {
		for _, l := range c.Lists {
			if !seen[l.Field] {
				seen[l.Field] = true
				out = append(out, l.Field)
			}
		}
	}
	return out
}

func pct(x float64, n int) string {
	if n == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", x*100)
}

func ratio(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f", *p)
}

func ms(x float64) string {
	if x >= 1000 {
		return fmt.Sprintf("%.1fs", x/1000)
	}
	return fmt.Sprintf("%.0fms", x)
}

// short writes 1234567 as 1.23M and 45600 as 45.6k.
func short(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2fM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}

// failures lists the documents that are not ok, by status.
func failures(by map[pipeline.Status]int) string {
	var parts []string
	for s, n := range by {
		if s != pipeline.StatusOK && n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, n))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
