package evidence

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Claim is what the model said about one leaf value: the value, the quote
// it read it from and, for paged text, the page it named (0 if none).
type Claim struct {
	Pointer string
	Value   json.RawMessage
	Quote   string
	Page    int
}

// Verify locates each claim's quote in t and checks that the text found
// there supports the value. It returns one Item per claim, in order.
//
// A quote is looked for verbatim, then normalised, then approximately
// (score at least [MinScore]). When it occurs more than once, the
// occurrence on the page the model named wins, then the one nearest to
// where the value's neighbours were found (the claims sharing the longest
// pointer prefix with it whose quotes occur once).
//
// The verdict is [Supported] when the located text contains the value,
// [Unsupported] (with a Reason) when it does not, and [NotFound] when the
// quote is missing or not in t. The value is checked against the source
// text, not the model's copy of it: a fuzzy match of a misquoted number is
// judged by the number actually written.
func Verify(t *Text, claims []Claim) []Item {
	cands := make([][]found, len(claims))
	anchors := make(map[int]int) // claim index → global start of its only occurrence
	for i, c := range claims {
		cands[i] = preferPage(t, t.find(c.Quote), c.Page)
		if len(cands[i]) == 1 {
			anchors[i] = cands[i][0].start
		}
	}
	items := make([]Item, len(claims))
	for i, c := range claims {
		it := Item{Pointer: c.Pointer, Value: c.Value, Quote: c.Quote, Match: MatchNone}
		switch {
		case strings.TrimSpace(c.Quote) == "":
			it.Verdict, it.Reason = NotFound, "no quote was given"
		case len(cands[i]) == 0:
			it.Verdict, it.Reason = NotFound, fmt.Sprintf("the quote %q is not in the source", clip(c.Quote))
		default:
			f := cands[i][0]
			if len(cands[i]) > 1 {
				f = nearest(cands[i], neighbourhood(claims, anchors, i))
			}
			it.Match, it.Score = f.match, math.Round(f.score*1000)/1000
			it.Page, it.Start = t.locate(f.start, false)
			endPage, end := t.locate(f.end, true)
			it.End = end
			if endPage != it.Page {
				it.EndPage = endPage
			}
			if ok, why := Supports(string(t.runes[f.start:f.end]), c.Value); ok {
				it.Verdict = Supported
			} else {
				it.Verdict, it.Reason = Unsupported, why
			}
		}
		items[i] = it
	}
	return items
}

// preferPage keeps the occurrences on the named page, if any are.
func preferPage(t *Text, fs []found, page int) []found {
	if len(fs) < 2 || page <= 0 {
		return fs
	}
	i := t.pageOf(page)
	if i < 0 {
		return fs
	}
	p := t.pages[i]
	var on []found
	for _, f := range fs {
		if f.start >= p.start && f.start < p.end {
			on = append(on, f)
		}
	}
	if len(on) == 0 {
		return fs
	}
	return on
}

// neighbourhood returns where claim i's neighbours were found: the
// anchored claims sharing the longest pointer prefix with it.
func neighbourhood(claims []Claim, anchors map[int]int, i int) []int {
	best, at := -1, []int(nil)
	for j, start := range anchors {
		if j == i {
			continue
		}
		n := commonDepth(claims[i].Pointer, claims[j].Pointer)
		switch {
		case n > best:
			best, at = n, []int{start}
		case n == best:
			at = append(at, start)
		}
	}
	return at
}

// commonDepth counts the reference tokens two pointers share from the root.
func commonDepth(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(as)-1 && n < len(bs)-1 && as[n] == bs[n] {
		n++
	}
	return n
}

// nearest picks the occurrence closest to the neighbours (the first one
// when there are none).
func nearest(fs []found, near []int) found {
	if len(near) == 0 {
		return fs[0]
	}
	best, bestD := fs[0], math.MaxFloat64
	for _, f := range fs {
		d := 0.0
		for _, n := range near {
			d += math.Abs(float64(f.start - n))
		}
		if d < bestD {
			best, bestD = f, d
		}
	}
	return best
}
