package extract_test

import (
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/schema"
)

// BenchmarkNewCallEvidence is the cost Evidence adds to preparing a call
// (a batch run prepares one per document before any answer).
func BenchmarkNewCallEvidence(b *testing.B) {
	s, err := schema.For[Invoice]()
	if err != nil {
		b.Fatal(err)
	}
	spec := extract.Spec{Name: s.Name, Schema: s.JSON, Check: func([]byte) []*schema.FieldError { return nil }}
	doc := "--- page 1 ---\n" + strings.Repeat("Widget, large   2   1,429.96\n", 200)
	for _, on := range []bool{false, true} {
		name := "off"
		if on {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			ex := &extract.Extractor{Evidence: on}
			b.ReportAllocs()
			for b.Loop() {
				c, err := ex.NewCall(spec, extract.Text(doc))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.Body(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
