package evidence

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// want is the part of an Item a case checks.
type want struct {
	Page, Start, End, EndPage int
	Match                     Match
	Verdict                   Verdict
	Span                      string // the located text (on Page, up to EndPage/End)
	Reason                    string // a substring of Reason
}

const invoice = "--- page 1 ---\nACME Office Supplies\nInvoice no. INV-2041\nDate: 3 April 2025\n" +
	"Widget, large   2   1,429.96\nLine total carried\n--- page 2 ---\nforward to page two.\n" +
	"Inter-\nnational shipping   12.50\nTotal due: EUR 1.442,46\n"

func TestVerify(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		claim Claim
		want  want
	}{
		{"exact", invoice, Claim{Value: raw(`"INV-2041"`), Quote: "Invoice no. INV-2041"},
			want{Page: 1, Start: 21, End: 41, Match: MatchExact, Verdict: Supported, Span: "Invoice no. INV-2041"}},
		{"whitespace and case", invoice, Claim{Value: raw(`"ACME Office Supplies"`), Quote: "acme   office\nsupplies"},
			want{Page: 1, Start: 0, End: 20, Match: MatchNormalized, Verdict: Supported, Span: "ACME Office Supplies"}},
		{"thousands separator", invoice, Claim{Value: raw(`1429.96`), Quote: "Widget, large 2 1429.96"},
			want{Page: 1, Match: MatchNormalized, Verdict: Supported, Span: "Widget, large   2   1,429.96"}},
		{"hyphenation at line end", invoice, Claim{Value: raw(`12.5`), Quote: "International shipping 12.50"},
			want{Page: 2, Match: MatchNormalized, Verdict: Supported, Span: "Inter-\nnational shipping   12.50"}},
		{"unicode normalisation", "Ｉｎｖｏｉｃｅ ｎｏ． ４２ — ﬁnal", Claim{Value: raw(`42`), Quote: "Invoice no. 42 - final"},
			want{Match: MatchNormalized, Verdict: Supported, Span: "Ｉｎｖｏｉｃｅ ｎｏ． ４２ — ﬁnal"}},
		{"fuzzy", invoice, Claim{Value: raw(`"2025-04-03"`), Quote: "Date: 3 Apirl 2025"},
			want{Page: 1, Match: MatchFuzzy, Verdict: Supported, Span: "Date: 3 April 2025"}},
		{"across a page break", invoice, Claim{Value: raw(`"Line total carried forward"`), Quote: "Line total carried\n--- page 2 ---\nforward"},
			want{Page: 1, Start: 90, EndPage: 2, End: 7, Match: MatchNormalized, Verdict: Supported, Span: "Line total carried\nforward"}},
		{"across a page break, marker left out", invoice, Claim{Value: raw(`"Line total carried forward"`), Quote: "Line total carried\nforward"},
			want{Page: 1, Start: 90, EndPage: 2, End: 7, Match: MatchExact, Verdict: Supported, Span: "Line total carried\nforward"}},
		{"non-Latin", "請求書番号：INV-７７\n発行日：2025年4月3日\n合計金額：¥１２，３４０\n", Claim{Value: raw(`12340`), Quote: "合計金額：¥12,340"},
			want{Start: 27, End: 39, Match: MatchNormalized, Verdict: Supported, Span: "合計金額：¥１２，３４０"}},
		{"non-Latin date", "請求書番号：INV-７７\n発行日：2025年4月3日\n", Claim{Value: raw(`"2025-04-03"`), Quote: "発行日：2025年4月3日"},
			want{Start: 13, End: 26, Match: MatchExact, Verdict: Supported, Span: "発行日：2025年4月3日"}},
		{"Cyrillic, case", "Счёт № 17\nИТОГО: 3 500,00 руб.", Claim{Value: raw(`3500`), Quote: "итого: 3 500,00 РУБ."},
			want{Start: 10, End: 30, Match: MatchNormalized, Verdict: Supported, Span: "ИТОГО: 3 500,00 руб."}},
		{"number misread", invoice, Claim{Value: raw(`1492.96`), Quote: "Widget, large   2   1,429.96"},
			want{Page: 1, Match: MatchExact, Verdict: Unsupported, Span: "Widget, large   2   1,429.96", Reason: "says 2, 1,429.96, not 1492.96"}},
		{"misquoted number judged by the source", invoice, Claim{Value: raw(`1492.96`), Quote: "Widget, large   2   1,492.96"},
			want{Page: 1, Match: MatchFuzzy, Verdict: Unsupported, Span: "Widget, large   2   1,429.96", Reason: "not 1492.96"}},
		{"German number format", invoice, Claim{Value: raw(`1442.46`), Quote: "Total due: EUR 1.442,46"},
			want{Page: 2, Match: MatchExact, Verdict: Supported, Span: "Total due: EUR 1.442,46"}},
		{"date in another format", invoice, Claim{Value: raw(`"2025-04-04"`), Quote: "Date: 3 April 2025"},
			want{Page: 1, Match: MatchExact, Verdict: Unsupported, Span: "Date: 3 April 2025", Reason: "does not give the date 2025-04-04"}},
		{"string not in quote", invoice, Claim{Value: raw(`"INV-2014"`), Quote: "Invoice no. INV-2041"},
			want{Page: 1, Match: MatchExact, Verdict: Unsupported, Span: "Invoice no. INV-2041", Reason: `does not contain "INV-2014"`}},
		{"string compared without spaces", "IBAN NL91 ABNA 0417 1643 00", Claim{Value: raw(`"nl91abna0417164300"`), Quote: "IBAN NL91 ABNA 0417 1643 00"},
			want{Match: MatchExact, Verdict: Supported, End: 27, Span: "IBAN NL91 ABNA 0417 1643 00"}},
		{"currency code by symbol", "Total €858.00", Claim{Value: raw(`"EUR"`), Quote: "Total €858.00"},
			want{Match: MatchExact, Verdict: Supported, End: 13, Span: "Total €858.00"}},
		{"percent", "VAT 19%", Claim{Value: raw(`0.19`), Quote: "VAT 19%"},
			want{Match: MatchExact, Verdict: Supported, End: 7, Span: "VAT 19%"}},
		{"not in the source", invoice, Claim{Value: raw(`"Globex"`), Quote: "Globex Corporation, Springfield"},
			want{Match: MatchNone, Verdict: NotFound, Reason: "is not in the source"}},
		{"no quote", invoice, Claim{Value: raw(`"Globex"`), Quote: "  "},
			want{Match: MatchNone, Verdict: NotFound, Reason: "no quote"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx := NewText(c.text)
			c.claim.Pointer = "/x"
			it := Verify(tx, []Claim{c.claim})[0]
			got := want{Page: it.Page, Start: it.Start, End: it.End, EndPage: it.EndPage, Match: it.Match, Verdict: it.Verdict, Span: spanText(tx, it)}
			w := c.want
			if strings.Contains(it.Reason, w.Reason) {
				got.Reason = w.Reason
			} else {
				got.Reason = it.Reason
			}
			if w.Start == 0 && w.End == 0 && w.Span != "" { // offsets checked through Span
				w.Start, w.End = got.Start, got.End
			}
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("Verify (-want +got):\n%s\nitem: %+v", diff, it)
			}
			if it.Verdict == Supported && it.Reason != "" {
				t.Errorf("supported with a reason: %q", it.Reason)
			}
		})
	}
}

// TestVerifyNearestOccurrence: a quote that occurs twice is placed beside
// the value's neighbours (the other fields of the same line item).
func TestVerifyNearestOccurrence(t *testing.T) {
	text := "Item A  qty 1  price 10.00\nItem B  qty 1  price 20.00\n"
	claims := []Claim{
		{Pointer: "/lines/0/name", Value: raw(`"Item A"`), Quote: "Item A"},
		{Pointer: "/lines/0/quantity", Value: raw(`1`), Quote: "qty 1"},
		{Pointer: "/lines/0/price", Value: raw(`10`), Quote: "price 10.00"},
		{Pointer: "/lines/1/name", Value: raw(`"Item B"`), Quote: "Item B"},
		{Pointer: "/lines/1/quantity", Value: raw(`1`), Quote: "qty 1"},
		{Pointer: "/lines/1/price", Value: raw(`20`), Quote: "price 20.00"},
	}
	items := Verify(NewText(text), claims)
	if got, want := items[1].Start, strings.Index(text, "qty 1"); got != want {
		t.Errorf("/lines/0/quantity at %d, want %d", got, want)
	}
	if got, want := items[4].Start, strings.LastIndex(text, "qty 1"); got != want {
		t.Errorf("/lines/1/quantity at %d, want %d", got, want)
	}
}

// TestVerifyNamedPage: the page the model names wins over neighbours.
func TestVerifyNamedPage(t *testing.T) {
	text := "--- page 1 ---\nTotal 5.00\n--- page 2 ---\nTotal 5.00\n"
	it := Verify(NewText(text), []Claim{{Pointer: "/t", Value: raw(`5`), Quote: "Total 5.00", Page: 2}})[0]
	if it.Page != 2 || it.Start != 0 || it.End != 10 {
		t.Errorf("got page %d [%d,%d), want page 2 [0,10)", it.Page, it.Start, it.End)
	}
}

func TestNewTextPages(t *testing.T) {
	tx := NewText("--- page 1 ---\nfirst\n--- page 3 ---\nthird\n")
	if !tx.Paged() {
		t.Fatal("not paged")
	}
	for n, want := range map[int]string{1: "first\n", 3: "third\n"} {
		if got, ok := tx.Page(n); !ok || got != want {
			t.Errorf("Page(%d) = %q, %v; want %q", n, got, ok, want)
		}
	}
	if _, ok := tx.Page(2); ok {
		t.Error("Page(2) exists")
	}
	plain := NewText("no markers\n--- page 1 ---\nhere")
	if plain.Paged() || Paged("no markers\n--- page 1 ---\nhere") {
		t.Error("a text not starting with a marker is paged")
	}
	if !Paged("--- page 12 ---\nx") || !Paged("--- page 1 ---") {
		t.Error("Paged misses a marker")
	}
}

func TestReadNumber(t *testing.T) {
	cases := map[string][]float64{
		"1,429.96": {1429.96}, "1.429,96": {1429.96}, "1'429.96": {1429.96}, "1429": {1429},
		"1,429": {1429, 1.429}, "12,5": {12.5}, "1.000.000": {1000000}, "0.19": {0.19},
	}
	for in, want := range cases {
		if diff := cmp.Diff(want, readNumber(in)); diff != "" {
			t.Errorf("readNumber(%q) (-want +got):\n%s", in, diff)
		}
	}
}

func raw(s string) json.RawMessage { return json.RawMessage(s) }

// spanText returns the located text of it.
func spanText(tx *Text, it Item) string {
	if it.Match == MatchNone {
		return ""
	}
	p, _ := tx.Page(it.Page)
	r := []rune(p)
	if it.EndPage == 0 {
		return string(r[it.Start:it.End])
	}
	q, _ := tx.Page(it.EndPage)
	return string(r[it.Start:]) + string([]rune(q)[:it.End])
}
