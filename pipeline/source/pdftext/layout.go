package pdftext

import (
	"strings"
	"unicode"
)

// Rect is a rectangle on a page in PDF points (1/72 inch), with the origin
// at the top-left corner of the page as it is displayed (rotation applied)
// and Y growing downwards: the coordinates of the page image, divided by the
// image's scale.
type Rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

func (r Rect) empty() bool { return r.W <= 0 || r.H <= 0 }

// union is the smallest rectangle holding r and s; an empty one is ignored.
func (r Rect) union(s Rect) Rect {
	if r.empty() {
		return s
	}
	if s.empty() {
		return r
	}
	x0, y0 := min(r.X, s.X), min(r.Y, s.Y)
	x1, y1 := max(r.X+r.W, s.X+s.W), max(r.Y+r.H, s.Y+s.H)
	return Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}
}

// PageLayout is one page of a PDF as a reviewer sees it: its text, the box
// of each character of that text, and optionally a rendered image.
type PageLayout struct {
	// Number is the page's 1-based number.
	Number int
	// Width and Height are the page's displayed size in points.
	Width, Height float64
	// Text is the page's text exactly as package source sends it to the
	// model (after the "--- page N ---" marker): [Extractor.Pages]'s text
	// with surrounding white space trimmed. Offsets given to [PageLayout.Span]
	// count code points of Text.
	Text string
	// JPEG is the page rendered at [LayoutOptions.DPI], or nil when the page
	// was not asked for. ImageWidth and ImageHeight are its size in pixels.
	JPEG                    []byte
	ImageWidth, ImageHeight int

	// boxes[i] is the box of the i-th code point of Text (empty for
	// characters PDFium generated, such as line breaks).
	boxes []Rect
}

// Span returns the rectangles covering code points [start, end) of Text,
// one per line the span crosses: the boxes of its characters merged while
// they stay on one line. Offsets are clamped to Text; an empty span or a
// span over characters without boxes gives nil.
func (p *PageLayout) Span(start, end int) []Rect {
	start, end = max(start, 0), min(end, len(p.boxes))
	var out []Rect
	var cur Rect
	flush := func() {
		if !cur.empty() {
			out = append(out, cur)
		}
		cur = Rect{}
	}
	for i := start; i < end; i++ {
		b := p.boxes[i]
		if b.empty() {
			continue
		}
		if !cur.empty() && !sameLine(cur, b) {
			flush()
		}
		cur = cur.union(b)
	}
	flush()
	return out
}

// sameLine reports whether box b continues the line whose boxes merged into
// cur: its vertical middle lies within cur's height and it does not start
// left of cur (a new line would start again at the left margin).
func sameLine(cur, b Rect) bool {
	mid := b.Y + b.H/2
	return mid >= cur.Y && mid <= cur.Y+cur.H && b.X+b.W/2 >= cur.X
}

// pageChar is one character of PDFium's page text with its box.
type pageChar struct {
	r   rune
	box Rect
}

// layoutText applies to PDFium's characters what [normalize] and package
// source do to the page text ("\r\n" and "\r" to "\n", no NUL, no trailing
// spaces on a line, no trailing blank lines, then white space trimmed at
// both ends), keeping each character's box. The runes of the result equal
// strings.TrimSpace(normalize(text of chars)).
func layoutText(chars []pageChar) (string, []Rect) {
	// "\r\n" → "\n", "\r" → "\n", NUL removed.
	cs := make([]pageChar, 0, len(chars))
	for i, c := range chars {
		switch {
		case c.r == 0:
			continue
		case c.r == '\r' && i+1 < len(chars) && chars[i+1].r == '\n':
			continue
		case c.r == '\r':
			c.r = '\n'
		}
		cs = append(cs, c)
	}
	// Trailing spaces of each line (as normalize trims them).
	out := cs[:0]
	lineStart := 0
	for _, c := range cs {
		if c.r == '\n' {
			out = trimLineEnd(out, lineStart)
			out = append(out, c)
			lineStart = len(out)
			continue
		}
		out = append(out, c)
	}
	out = trimLineEnd(out, lineStart)
	// Trailing blank lines, then surrounding white space (TrimSpace).
	for len(out) > 0 && (out[len(out)-1].r == '\n' || unicode.IsSpace(out[len(out)-1].r)) {
		out = out[:len(out)-1]
	}
	lead := 0
	for lead < len(out) && unicode.IsSpace(out[lead].r) {
		lead++
	}
	out = out[lead:]

	var b strings.Builder
	boxes := make([]Rect, len(out))
	for i, c := range out {
		b.WriteRune(c.r)
		boxes[i] = c.box
	}
	return b.String(), boxes
}

// trimLineEnd drops spaces, tabs and no-break spaces at the end of cs after
// index from.
func trimLineEnd(cs []pageChar, from int) []pageChar {
	for len(cs) > from {
		switch cs[len(cs)-1].r {
		case ' ', '\t', '\u00a0':
			cs = cs[:len(cs)-1]
			continue
		}
		break
	}
	return cs
}

// pageBox is the part of a page that is displayed, in PDFium's page space
// (origin at the bottom left, Y growing upwards), and the page's rotation in
// quarter turns clockwise.
type pageBox struct {
	left, bottom, right, top float64
	rotate                   int
}

// toDisplay converts a box from page space (l, b, r, t with Y upwards) to a
// [Rect] on the displayed page: origin at its top-left corner, Y downwards.
func (pb pageBox) toDisplay(l, b, r, t float64) Rect {
	// Two opposite corners, each mapped, then normalised.
	x0, y0 := pb.point(l, t)
	x1, y1 := pb.point(r, b)
	return Rect{X: min(x0, x1), Y: min(y0, y1), W: abs(x1 - x0), H: abs(y1 - y0)}
}

// point maps a point of page space to the displayed page.
func (pb pageBox) point(x, y float64) (float64, float64) {
	switch pb.rotate % 4 {
	case 1: // 90° clockwise: the left edge becomes the top
		return y - pb.bottom, x - pb.left
	case 2:
		return pb.right - x, y - pb.bottom
	case 3: // 270° clockwise: the left edge becomes the bottom
		return pb.top - y, pb.right - x
	}
	return x - pb.left, pb.top - y
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
