package evidence

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pageMarker matches the line Quarry puts before each page of a PDF's text.
var pageMarker = regexp.MustCompile(`(?m)^--- page (\d+) ---(?:\r?\n|$)`)

// quoteMarker matches a page marker anywhere in a quote: a model quoting
// across a page break may copy the marker line too.
var quoteMarker = regexp.MustCompile(`-{3} page \d+ -{3}`)

// Text is the text of one document as it was sent to the model, prepared
// for locating quotes in it. A text that starts with a "--- page N ---"
// marker line is split into pages at each such line; any other text is one
// unpaged page (number 0). Build it once per document with [NewText]; it is
// read-only afterwards and safe for concurrent use.
type Text struct {
	text  string     // the page texts joined, marker lines removed
	runes []rune     // text as code points
	pages []pageSpan // where each page lies in text, in code points
	norm  normText   // text, normalised, with offsets back into it
}

// pageSpan is one page's range in a Text, in code points.
type pageSpan struct{ number, start, end int }

// Paged reports whether a text sent to the model is paged: whether it
// starts with a "--- page N ---" marker line, as NewText splits it.
func Paged(sent string) bool {
	loc := pageMarker.FindStringIndex(sent[:min(len(sent), 64)])
	return loc != nil && loc[0] == 0
}

// NewText prepares the text sent to the model. Text parts sent together
// are concatenated in order before calling it.
func NewText(sent string) *Text {
	t := &Text{}
	locs := pageMarker.FindAllStringSubmatchIndex(sent, -1)
	if len(locs) == 0 || locs[0][0] != 0 {
		t.text = sent
		t.pages = []pageSpan{{number: 0, start: 0, end: utf8.RuneCountInString(sent)}}
	} else {
		var b strings.Builder
		at := 0
		for i, loc := range locs {
			n, _ := strconv.Atoi(sent[loc[2]:loc[3]])
			end := len(sent)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			body := sent[loc[1]:end]
			b.WriteString(body)
			r := utf8.RuneCountInString(body)
			t.pages = append(t.pages, pageSpan{number: n, start: at, end: at + r})
			at += r
		}
		t.text = b.String()
	}
	t.runes = []rune(t.text)
	t.norm = normalize(t.text, true)
	return t
}

// Paged reports whether the text was split into numbered pages.
func (t *Text) Paged() bool { return len(t.pages) > 0 && t.pages[0].number > 0 }

// Page returns the text of page n (1-based), or of the whole unpaged text
// for n == 0, as offsets in an [Item] count into it; ok is false when there
// is no such page.
func (t *Text) Page(n int) (text string, ok bool) {
	for _, p := range t.pages {
		if p.number == n {
			return string(t.runes[p.start:p.end]), true
		}
	}
	return "", false
}

// locate turns a global offset into a page number and an offset into that
// page. An offset at a page's end belongs to that page when end is true
// (the exclusive end of a span), to the next page otherwise.
func (t *Text) locate(off int, end bool) (page, local int) {
	i := sort.Search(len(t.pages), func(i int) bool {
		if end {
			return t.pages[i].end >= off
		}
		return t.pages[i].end > off
	})
	if i == len(t.pages) {
		i = len(t.pages) - 1
	}
	p := t.pages[i]
	return p.number, off - p.start
}

// pageOf returns the index in t.pages of the page numbered n, or -1.
func (t *Text) pageOf(n int) int {
	for i, p := range t.pages {
		if p.number == n {
			return i
		}
	}
	return -1
}
