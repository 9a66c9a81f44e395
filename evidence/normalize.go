package evidence

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normText is a text in the normalised form quotes are compared in, with
// the code-point range of the original text each normalised rune came from.
//
// Normalising applies, in order: Unicode compatibility composition (NFKC:
// "ﬁ" → "fi", full-width digits → ASCII, no-break spaces → spaces), lower
// case, typographic quotes and dashes → ASCII, soft hyphens dropped; then
// every run of white space becomes one space, a hyphen that ends a line
// between two letters is removed with the line break ("inter-\nnational" →
// "international"), and a thousands separator (",", ".", "'", or a single
// space between a digit and exactly three digits) is dropped, so that
// "1,429.96", "1429.96" and "1 429.96" compare equal, as do "1.429,96" and
// "1429,96".
type normText struct {
	r     []rune
	start []int // start[i]: first original code point r[i] came from
	end   []int // end[i]: one past the last
}

// unit is one rune after the per-character steps, with its original range.
type unit struct {
	r          rune
	start, end int
	nl         bool // r was a line break
}

// normalize normalises s; offsets count code points of s. keepEnds keeps a
// leading or trailing space (sources); quotes are trimmed.
func normalize(s string, keepEnds bool) normText {
	units := make([]unit, 0, len(s))
	var it norm.Iter
	it.InitString(norm.NFKC, s)
	runeAt, byteAt := 0, 0
	for !it.Done() {
		seg := it.Next()
		pos := it.Pos()
		n := utf8.RuneCountInString(s[byteAt:pos])
		for _, r := range string(seg) {
			nl := r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\f'
			if r = fold(r); r >= 0 {
				units = append(units, unit{r, runeAt, runeAt + n, nl})
			}
		}
		runeAt += n
		byteAt = pos
	}
	return join(units, keepEnds)
}

// fold lower-cases r and maps typographic variants to ASCII; -1 drops it.
func fold(r rune) rune {
	switch r {
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\ufeff': // soft hyphen, zero-width characters
		return -1
	case '‘', '’', '‚', '‛', '′':
		return '\''
	case '“', '”', '„', '‟', '″', '«', '»':
		return '"'
	case '‐', '‑', '‒', '–', '—', '―', '−':
		return '-'
	}
	if unicode.IsSpace(r) {
		return ' '
	}
	return unicode.ToLower(r)
}

// join collapses white space, removes line-end hyphenation and thousands
// separators.
func join(u []unit, keepEnds bool) normText {
	out := normText{r: make([]rune, 0, len(u)), start: make([]int, 0, len(u)), end: make([]int, 0, len(u))}
	emit := func(r rune, start, end int) {
		out.r = append(out.r, r)
		out.start = append(out.start, start)
		out.end = append(out.end, end)
	}
	last := func() rune {
		if len(out.r) == 0 {
			return 0
		}
		return out.r[len(out.r)-1]
	}
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c.r == ' ':
			j := i
			for j < len(u) && u[j].r == ' ' {
				j++
			}
			if !spansNewline(u[i:j]) && j-i == 1 && thousands(last(), u, j) {
				i = j - 1
				continue
			}
			if len(out.r) == 0 && !keepEnds {
				i = j - 1
				continue
			}
			emit(' ', c.start, u[j-1].end)
			i = j - 1
		case c.r == '-' && unicode.IsLetter(last()):
			j := i + 1
			for j < len(u) && u[j].r == ' ' {
				j++
			}
			if j > i+1 && j < len(u) && unicode.IsLetter(u[j].r) && spansNewline(u[i+1:j]) {
				i = j - 1 // drop the hyphen and the line break
				continue
			}
			emit(c.r, c.start, c.end)
		case (c.r == ',' || c.r == '.' || c.r == '\'') && thousands(last(), u, i+1):
			continue
		default:
			emit(c.r, c.start, c.end)
		}
	}
	if !keepEnds && len(out.r) > 0 && out.r[len(out.r)-1] == ' ' {
		out.r, out.start, out.end = out.r[:len(out.r)-1], out.start[:len(out.start)-1], out.end[:len(out.end)-1]
	}
	return out
}

// spansNewline reports whether a run of spaces holds a line break.
func spansNewline(u []unit) bool {
	for _, c := range u {
		if c.nl {
			return true
		}
	}
	return false
}

// thousands reports whether a separator between prev and u[at:] is a
// thousands separator: prev is a digit and exactly three digits follow.
func thousands(prev rune, u []unit, at int) bool {
	if !isDigit(prev) || at+3 > len(u) {
		return false
	}
	for k := at; k < at+3; k++ {
		if !isDigit(u[k].r) {
			return false
		}
	}
	return at+3 == len(u) || !isDigit(u[at+3].r)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }
