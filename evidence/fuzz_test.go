package evidence

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzVerify checks that no text, quote or value makes Verify panic, and
// that every item's offsets lie inside the page they name.
func FuzzVerify(f *testing.F) {
	f.Add(invoice, "Widget, large 2 1429.96", `1429.96`)
	f.Add(invoice, "Line total carried\n--- page 2 ---\nforward", `"forward"`)
	f.Add("請求書番号：INV-７７\n合計金額：¥１２，３４０\n", "合計金額：¥12,340", `12340`)
	f.Add("Inter-\nnational", "international", `"x"`)
	f.Add("--- page 1 ---\n", "--- page 1 ---", `null`)
	f.Add("ﬁ\u0301 1 429,00", "fi 1429", `"2025-01-02"`)
	f.Fuzz(func(t *testing.T, text, quote, value string) {
		if !utf8.ValidString(text) || !json.Valid([]byte(value)) {
			t.Skip()
		}
		tx := NewText(text)
		it := Verify(tx, []Claim{{Pointer: "/v", Value: json.RawMessage(value), Quote: quote}})[0]
		if it.Match == MatchNone {
			if it.Verdict != NotFound || it.Start != 0 || it.End != 0 {
				t.Fatalf("not found but %+v", it)
			}
			return
		}
		if it.Verdict == NotFound {
			t.Fatalf("found but not_found: %+v", it)
		}
		page, ok := tx.Page(it.Page)
		if !ok {
			t.Fatalf("page %d does not exist", it.Page)
		}
		n := utf8.RuneCountInString(page)
		endN := n
		if it.EndPage != 0 {
			p2, ok := tx.Page(it.EndPage)
			if !ok {
				t.Fatalf("end page %d does not exist", it.EndPage)
			}
			endN = utf8.RuneCountInString(p2)
		}
		if it.Start < 0 || it.Start > n || it.End < 0 || it.End > endN || it.EndPage == 0 && it.End < it.Start {
			t.Fatalf("span out of range: %+v (page has %d code points)", it, n)
		}
		if it.Match == MatchExact && it.EndPage == 0 {
			want := strings.TrimSpace(quoteMarker.ReplaceAllString(quote, ""))
			if got := string([]rune(page)[it.Start:it.End]); got != want {
				t.Fatalf("exact span %q, quote %q", got, want)
			}
		}
	})
}

// FuzzApprox checks the bit-parallel search against the plain table.
func FuzzApprox(f *testing.F) {
	f.Add("abcdef", "xxabdefxx", 2)
	f.Add("aaa", "aaaa aaa", 1)
	f.Add("hello", "", 1)
	f.Fuzz(func(t *testing.T, q, text string, maxDist int) {
		qr, tr := []rune(q), []rune(text)
		if len(qr) == 0 || len(qr) > 64 || maxDist < 0 || maxDist > len(qr) {
			t.Skip()
		}
		d1, h1, ok1 := myers(qr, tr, maxDist)
		d2, _, ok2 := sellers(qr, tr, 0, maxDist)
		if ok1 != ok2 || ok1 && d1 != d2 {
			t.Fatalf("myers = %d, %v; sellers = %d, %v", d1, ok1, d2, ok2)
		}
		for _, h := range h1 {
			if h.start < 0 || h.start > h.end || h.end > len(tr) {
				t.Fatalf("hit %+v out of range", h)
			}
			if got := levenshtein(qr, tr[h.start:h.end]); got != d1 {
				t.Fatalf("hit %q is %d edits from %q, want %d", string(tr[h.start:h.end]), got, q, d1)
			}
		}
	})
}

func levenshtein(a, b []rune) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			d := prev[j-1]
			if a[i-1] != b[j-1] {
				d++
			}
			cur[j] = min(d, prev[j]+1, cur[j-1]+1)
		}
		prev = cur
	}
	return prev[len(b)]
}
