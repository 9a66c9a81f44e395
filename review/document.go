package review

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

// docData is what the page holds for one document, as JSON in its own
// element, parsed by the page only when the document is opened.
type docData struct {
	ID       string          `json:"id"`
	Source   string          `json:"source,omitempty"`
	Row      int             `json:"row,omitempty"`
	Page     int             `json:"page,omitempty"`
	Status   pipeline.Status `json:"status"`
	Reason   string          `json:"reason,omitempty"`
	Stack    string          `json:"stack,omitempty"`
	Attempts int             `json:"attempts"`
	// AttemptErrors says what was wrong with each attempt, one line each.
	AttemptErrors []string  `json:"attempt_errors,omitempty"`
	Model         string    `json:"model,omitempty"`
	Fields        []field   `json:"fields"`
	Segments      []segment `json:"segments"`
	// Notes say what the page could not show as sent (a source that changed
	// since the run, a source it could not read again).
	Notes []string `json:"notes,omitempty"`
}

// field is one leaf value with its evidence, if any.
type field struct {
	Pointer string `json:"p"`
	Value   string `json:"v"` // JSON text
	Quote   string `json:"q,omitempty"`
	Page    int    `json:"pg,omitempty"`
	Start   int    `json:"s,omitempty"`
	End     int    `json:"e,omitempty"`
	// EndPage is the page a span crossing a page break ends on (End
	// counts into its text); 0 when it ends on Page.
	EndPage int     `json:"ep,omitempty"`
	Match   string  `json:"m,omitempty"`
	Score   float64 `json:"sc,omitempty"`
	Verdict string  `json:"vd,omitempty"`
	Reason  string  `json:"r,omitempty"`
	// Boxes are rectangles on the pages of the span: page, then x, y, w, h
	// in points from the page's top-left corner.
	Boxes [][5]float64 `json:"b,omitempty"`
}

// segment is a piece of the source: the whole text (Page 0) or one page.
type segment struct {
	Page int    `json:"pg"`
	Text string `json:"t"`
	// Image is the id of the element holding the page's JPEG as base64,
	// "" when the page was not rendered; W and H are the page's size in
	// points, the scale of the boxes.
	Image string  `json:"img,omitempty"`
	Mime  string  `json:"mime,omitempty"` // of Image, if not image/jpeg
	W     float64 `json:"w,omitempty"`
	H     float64 `json:"h,omitempty"`
}

// indexEntry is one row of the document list, all loaded when the page opens.
type indexEntry struct {
	N           int             `json:"n"`
	ID          string          `json:"id"`
	Status      pipeline.Status `json:"st"`
	Fields      int             `json:"f"`
	Supported   int             `json:"s"`
	Unsupported int             `json:"u"`
	NotFound    int             `json:"nf"`
	Unchecked   int             `json:"uc"`
	// Search is lower-cased text the list filter looks in: ID, source,
	// reason and the first values.
	Search string `json:"k"`

	seq int64 // the document's place in its run's input: the list's order
}

// fields joins the leaves of an outcome's value with its evidence items by
// pointer, in the value's order; items for pointers that are not leaves
// (a null the value dropped, say) follow.
func fieldsOf(o *pipeline.Outcome) ([]field, []string) {
	var notes []string
	var items []evidence.Item
	if len(o.Evidence) > 0 {
		if err := json.Unmarshal(o.Evidence, &items); err != nil {
			notes = append(notes, fmt.Sprintf("the evidence recorded for this document cannot be read: %v", err))
			items = nil
		}
	}
	byPtr := make(map[string]int, len(items))
	for i, it := range items {
		if _, dup := byPtr[it.Pointer]; !dup {
			byPtr[it.Pointer] = i
		}
	}
	ls, err := leaves(o.Value)
	if err != nil {
		notes = append(notes, fmt.Sprintf("the recorded value is not valid JSON: %v", err))
	}
	used := make([]bool, len(items))
	out := make([]field, 0, max(len(ls), len(items)))
	for _, l := range ls {
		f := field{Pointer: l.pointer, Value: string(l.value)}
		if i, ok := byPtr[l.pointer]; ok {
			used[i] = true
			f.fill(&items[i])
		}
		out = append(out, f)
	}
	for i := range items {
		if !used[i] {
			v := string(items[i].Value)
			if v == "" {
				v = "null"
			}
			f := field{Pointer: items[i].Pointer, Value: v}
			f.fill(&items[i])
			out = append(out, f)
		}
	}
	return out, notes
}

func (f *field) fill(it *evidence.Item) {
	f.Quote, f.Page, f.Start, f.End = it.Quote, it.Page, it.Start, it.End
	if it.EndPage > it.Page && it.Page > 0 {
		f.EndPage = it.EndPage
	}
	f.Match, f.Verdict, f.Reason = string(it.Match), string(it.Verdict), it.Reason
	if !math.IsNaN(it.Score) && !math.IsInf(it.Score, 0) {
		f.Score = math.Round(it.Score*1000) / 1000
	}
	for _, b := range it.Boxes {
		if b.Page > 0 {
			f.Boxes = append(f.Boxes, box(b.Page, pdftext.Rect{X: b.X, Y: b.Y, W: b.W, H: b.H}))
		}
	}
}

// spanOn returns the part of f's span on page p, in code points of that
// page's text of n code points; ok is false when the span is not on p.
func (f *field) spanOn(p, n int) (start, end int, ok bool) {
	if f.End <= f.Start && f.EndPage == 0 {
		return 0, 0, false
	}
	last := max(f.Page, f.EndPage)
	switch {
	case p < f.Page || p > last:
		return 0, 0, false
	case p == f.Page && p == last:
		return f.Start, f.End, f.End > f.Start
	case p == f.Page:
		return f.Start, n, true
	case p == last:
		return 0, f.End, f.End > 0
	}
	return 0, n, true // a page inside the span
}

func box(page int, r pdftext.Rect) [5]float64 {
	round := func(f float64) float64 { return math.Round(f*10) / 10 }
	return [5]float64{float64(page), round(r.X), round(r.Y), round(r.W), round(r.H)}
}

// pageMarker is the line package source puts before each page's text.
var pageMarker = regexp.MustCompile(`^--- page (\d+) ---\n`)

// segmentsOf splits a document's text parts into segments: one per
// "--- page N ---" part (its text after the marker, without the final
// newline), the other parts joined as page 0.
func segmentsOf(doc *pipeline.Document) []segment {
	var out []segment
	var plain strings.Builder
	for _, p := range doc.Parts {
		if p.Kind != pipeline.PartText {
			continue
		}
		if m := pageMarker.FindStringSubmatch(p.Text); m != nil {
			n, err := strconv.Atoi(m[1])
			if err == nil {
				out = append(out, segment{Page: n, Text: strings.TrimSuffix(p.Text[len(m[0]):], "\n")})
				continue
			}
		}
		plain.WriteString(p.Text)
	}
	if plain.Len() > 0 {
		out = append([]segment{{Text: plain.String()}}, out...)
	}
	return out
}

// searchText is what the list's text filter looks in.
func searchText(d *docData) string {
	var b strings.Builder
	b.WriteString(d.ID)
	b.WriteByte(' ')
	b.WriteString(d.Source)
	b.WriteByte(' ')
	b.WriteString(d.Reason)
	for _, f := range d.Fields {
		if b.Len() > 300 {
			break
		}
		b.WriteByte(' ')
		b.WriteString(f.Value)
	}
	s := b.String()
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "")
	}
	return strings.ToLower(s)
}

// entry is d's row in the document list.
func entry(n int, d *docData) indexEntry {
	e := indexEntry{N: n, ID: d.ID, Status: d.Status, Fields: len(d.Fields), Search: searchText(d)}
	for _, f := range d.Fields {
		switch evidence.Verdict(f.Verdict) {
		case evidence.Supported:
			e.Supported++
		case evidence.Unsupported:
			e.Unsupported++
		case evidence.NotFound:
			e.NotFound++
		case evidence.Unchecked:
			e.Unchecked++
		}
	}
	return e
}
