package evidence

import (
	"fmt"
	"strings"
	"testing"
)

// benchDocument is a 20-page invoice-like text (about 2,400 code points a
// page) and claims of every kind: exact, normalised, fuzzy, absent.
func benchDocument() (string, []Claim) {
	var b strings.Builder
	var claims []Claim
	for p := 1; p <= 20; p++ {
		fmt.Fprintf(&b, "--- page %d ---\nACME Office Supplies · Invoice INV-%04d · page %d of 20\n", p, 2000+p, p)
		for l := range 40 {
			n := p*100 + l
			fmt.Fprintf(&b, "%3d  Article %05d, blue paper-\nclips (box)   %d   %d,%03d.%02d\n", l+1, n, l%7+1, n/1000+1, n%1000, l)
		}
		claims = append(claims,
			Claim{Pointer: fmt.Sprintf("/lines/%d/sku", p), Value: raw(fmt.Sprintf(`"%05d"`, p*100+3)), Quote: fmt.Sprintf("Article %05d, blue paper-\nclips", p*100+3)},
			Claim{Pointer: fmt.Sprintf("/lines/%d/desc", p), Value: raw(`"paperclips"`), Quote: fmt.Sprintf("article %05d, BLUE paperclips (box)", p*100+5)},
			Claim{Pointer: fmt.Sprintf("/lines/%d/amount", p), Value: raw(fmt.Sprintf("%d%03d.07", (p*100+7)/1000+1, (p*100+7)%1000)), Quote: fmt.Sprintf("Artcle %05d, blue papr-clips (box) %d", p*100+7, 1)},
		)
	}
	claims = append(claims, Claim{Pointer: "/vendor", Value: raw(`"Globex"`), Quote: "Globex Corporation, 742 Evergreen Terrace, Springfield"})
	return b.String(), claims
}

// BenchmarkVerify verifies 61 claims on a 20-page document, building the
// Text once (as extract does per document).
func BenchmarkVerify(b *testing.B) {
	text, claims := benchDocument()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Verify(NewText(text), claims)
	}
}

// BenchmarkFuzzyAbsent is the worst case: a long quote that is nowhere, so
// every candidate region is searched.
func BenchmarkFuzzyAbsent(b *testing.B) {
	text, _ := benchDocument()
	tx := NewText(text)
	q := "Article 99999, red staples (carton of twelve)   3   9,999.99"
	b.ReportAllocs()
	for b.Loop() {
		tx.find(q)
	}
}

func BenchmarkNewText(b *testing.B) {
	text, _ := benchDocument()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		NewText(text)
	}
}
