package partialjson

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

type benchLine struct {
	SKU         string   `json:"sku"`
	Description string   `json:"description"`
	Qty         int      `json:"qty"`
	UnitPrice   float64  `json:"unit_price"`
	TaxRate     float64  `json:"tax_rate"`
	Tags        []string `json:"tags"`
}

type benchInvoice struct {
	ID       string      `json:"invoice_id"`
	Customer string      `json:"customer"`
	Currency string      `json:"currency"`
	Lines    []benchLine `json:"lines"`
	Total    float64     `json:"total"`
	Notes    string      `json:"notes"`
}

// benchAnswer returns an invoice answer with n line items, about 100 bytes each.
func benchAnswer(n int) string {
	inv := benchInvoice{ID: "INV-2024-000123", Customer: "Müller & Söhne GmbH", Currency: "EUR", Notes: "Payable within 30 days."}
	for i := range n {
		l := benchLine{
			SKU:         fmt.Sprintf("SKU-%05d", i),
			Description: fmt.Sprintf("Widget model %d, blue, \"deluxe\"", i),
			Qty:         1 + i%7,
			UnitPrice:   float64(i%1000) + 0.99,
			TaxRate:     0.19,
			Tags:        []string{"hw", "eu"},
		}
		inv.Lines = append(inv.Lines, l)
		inv.Total += float64(l.Qty) * l.UnitPrice
	}
	b, err := json.Marshal(inv)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func split(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

// unmarshalOnce measures json.Unmarshal of the whole answer, the baseline.
func unmarshalOnce(answer string) time.Duration {
	data := []byte(answer)
	const runs = 20
	start := time.Now()
	for range runs {
		var inv benchInvoice
		if err := json.Unmarshal(data, &inv); err != nil {
			panic(err)
		}
	}
	return time.Since(start) / runs
}

func BenchmarkUnmarshalOnce(b *testing.B) {
	data := []byte(benchAnswer(1000))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var inv benchInvoice
		if err := json.Unmarshal(data, &inv); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStream streams a 1000-line invoice (about 100 KB) in 16-byte
// deltas and reports, per whole stream, the ns per delta and the ratio to
// one json.Unmarshal of the final answer ("x-unmarshal").
func BenchmarkStream(b *testing.B) {
	answer := benchAnswer(1000)
	ds := split(answer, 16)
	base := unmarshalOnce(answer)
	b.Logf("answer %d bytes, %d deltas, json.Unmarshal once %v", len(answer), len(ds), base)

	isLine := func(e Event) bool { return e.Kind == ValueEnd && e.Depth == 2 && e.n.parent.key == "lines" }
	cases := []struct {
		name string
		run  func(b *testing.B)
	}{
		{"parse", func(b *testing.B) {
			var p Parser
			for _, d := range ds {
				if err := p.WriteString(d); err != nil {
					b.Fatal(err)
				}
				p.Events()
			}
		}},
		{"parse+decode-each-line", func(b *testing.B) {
			var p Parser
			var inv benchInvoice
			for _, d := range ds {
				if err := p.WriteString(d); err != nil {
					b.Fatal(err)
				}
				for _, e := range p.Events() {
					if isLine(e) {
						var l benchLine
						if err := json.Unmarshal(e.Raw, &l); err != nil {
							b.Fatal(err)
						}
						inv.Lines = append(inv.Lines, l)
					}
				}
			}
		}},
		{"parse+snapshot-each-line", func(b *testing.B) {
			var p Parser
			for _, d := range ds {
				if err := p.WriteString(d); err != nil {
					b.Fatal(err)
				}
				for _, e := range p.Events() {
					if isLine(e) {
						var inv benchInvoice
						if err := json.Unmarshal(p.Snapshot(), &inv); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
		}},
		{"parse+snapshot-every-delta", func(b *testing.B) {
			var p Parser
			for _, d := range ds {
				if err := p.WriteString(d); err != nil {
					b.Fatal(err)
				}
				p.Events()
				var inv benchInvoice
				if err := json.Unmarshal(p.Snapshot(), &inv); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"naive-reparse-prefix", func(b *testing.B) {
			// Re-parse and close up the whole prefix on every delta, without decoding.
			var prefix strings.Builder
			for _, d := range ds {
				prefix.WriteString(d)
				var p Parser
				if err := p.WriteString(prefix.String()); err != nil {
					b.Fatal(err)
				}
				_ = p.Snapshot()
			}
		}},
		{"naive-reparse-prefix+unmarshal", func(b *testing.B) {
			// What streaming code without an incremental parser does: repair and decode the whole prefix on every delta.
			var prefix strings.Builder
			for _, d := range ds {
				prefix.WriteString(d)
				var p Parser
				if err := p.WriteString(prefix.String()); err != nil {
					b.Fatal(err)
				}
				var inv benchInvoice
				if err := json.Unmarshal(p.Snapshot(), &inv); err != nil {
					b.Fatal(err)
				}
			}
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(answer)))
			for b.Loop() {
				c.run(b)
			}
			perStream := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(perStream)/float64(len(ds)), "ns/delta")
			b.ReportMetric(float64(perStream)/float64(base), "x-unmarshal")
		})
	}
}

// BenchmarkParseSize shows that parsing costs the same per byte whatever the
// answer's length: the parser is linear.
func BenchmarkParseSize(b *testing.B) {
	for _, lines := range []int{10, 100, 1000, 10000} {
		answer := benchAnswer(lines)
		ds := split(answer, 16)
		b.Run(fmt.Sprintf("lines=%d", lines), func(b *testing.B) {
			b.SetBytes(int64(len(answer)))
			for b.Loop() {
				var p Parser
				for _, d := range ds {
					if err := p.WriteString(d); err != nil {
						b.Fatal(err)
					}
					p.Events()
				}
			}
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(len(answer)), "ns/byte")
		})
	}
}
