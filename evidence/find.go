package evidence

import (
	"strings"
	"unicode/utf8"
)

// maxOccurrences bounds how many occurrences of one quote are considered.
const maxOccurrences = 64

// found is one place a quote was found, in code points of Text.text.
type found struct {
	span
	match Match
	score float64
}

// find locates quote in t: exactly, then normalised, then approximately.
// It returns every occurrence of the best kind (the caller picks one) or
// nil when the quote is not there.
func (t *Text) find(quote string) []found {
	quote = strings.TrimSpace(quoteMarker.ReplaceAllString(quote, ""))
	if quote == "" {
		return nil
	}
	if got := t.exact(quote); len(got) > 0 {
		return got
	}
	q := normalize(quote, false).r
	if len(q) == 0 {
		return nil
	}
	if got := t.normalized(q); len(got) > 0 {
		return got
	}
	return t.fuzzy(q)
}

// exact finds quote verbatim.
func (t *Text) exact(quote string) []found {
	var out []found
	from, runeAt := 0, 0
	for len(out) < maxOccurrences {
		i := strings.Index(t.text[from:], quote)
		if i < 0 {
			break
		}
		runeAt += utf8.RuneCountInString(t.text[from : from+i])
		n := utf8.RuneCountInString(quote)
		out = append(out, found{span{runeAt, runeAt + n}, MatchExact, 1})
		_, size := utf8.DecodeRuneInString(t.text[from+i:])
		from += i + size
		runeAt++
	}
	return out
}

// normalized finds the normalised quote q in the normalised text.
func (t *Text) normalized(q []rune) []found {
	var out []found
	r := t.norm.r
	for i := 0; i+len(q) <= len(r) && len(out) < maxOccurrences; i++ {
		if r[i] != q[0] || !equalRunes(r[i:i+len(q)], q) {
			continue
		}
		out = append(out, found{t.norm.original(i, i+len(q)), MatchNormalized, 1})
	}
	return out
}

// fuzzy finds the closest approximate occurrences of the normalised quote
// q, scored 1 - edits/len(q); none when the score would be below MinScore.
func (t *Text) fuzzy(q []rune) []found {
	if len(q) > maxFuzzyQuote {
		q = q[:maxFuzzyQuote]
	}
	maxDist := int(float64(len(q)) * (1 - MinScore))
	d, hits, ok := approx(q, t.norm.r, maxDist)
	if !ok {
		return nil
	}
	score := 1 - float64(d)/float64(len(q))
	out := make([]found, 0, min(len(hits), maxOccurrences))
	for _, h := range hits[:min(len(hits), maxOccurrences)] {
		out = append(out, found{t.norm.original(h.start, h.end), MatchFuzzy, score})
	}
	return out
}

// original maps normalised runes [i, j) back to original code points.
func (n *normText) original(i, j int) span {
	if j <= i {
		return span{n.start[i], n.start[i]}
	}
	return span{n.start[i], n.end[j-1]}
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
