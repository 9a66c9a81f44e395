package pdftext

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// charsOf makes characters of s, the i-th with a box at x = i.
func charsOf(s string) []pageChar {
	var cs []pageChar
	for _, r := range s {
		cs = append(cs, pageChar{r: r, box: Rect{X: float64(len(cs)), Y: 0, W: 1, H: 1}})
	}
	return cs
}

func TestLayoutText(t *testing.T) {
	tests := []struct {
		name, raw, want string
		wantX           []float64 // X of each kept character's box: its index in raw
	}{
		{"plain", "ab", "ab", []float64{0, 1}},
		{"crlf", "a\r\nb", "a\nb", []float64{0, 2, 3}},
		{"lone cr", "a\rb", "a\nb", []float64{0, 1, 2}},
		{"trailing spaces per line", "a  \r\nb\t", "a\nb", []float64{0, 4, 5}},
		{"leading white space", " \r\n a", "a", []float64{4}},
		{"trailing blank lines", "a\r\n\r\n \r\n", "a", []float64{0}},
		{"nul", "a\x00b", "ab", []float64{0, 2}},
		{"non-Latin", "Σ€ 日本", "Σ€ 日本", []float64{0, 1, 2, 3, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, boxes := layoutText(charsOf(tt.raw))
			if got != tt.want {
				t.Fatalf("text = %q, want %q", got, tt.want)
			}
			var xs []float64
			for _, b := range boxes {
				xs = append(xs, b.X)
			}
			if diff := cmp.Diff(tt.wantX, xs); diff != "" {
				t.Errorf("boxes (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzLayoutText checks that layoutText's text is what Pages and package
// source make of the same PDFium text, whatever the text.
func FuzzLayoutText(f *testing.F) {
	for _, s := range []string{"a\r\nb  \r\n\r\n", " \u00a0x\t\r\ny\x00", "\u2003a\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		raw = strings.ToValidUTF8(raw, "?")
		got, boxes := layoutText(charsOf(raw))
		want := strings.TrimSpace(normalize(raw))
		if got != want {
			t.Fatalf("layoutText(%q) = %q, want %q", raw, got, want)
		}
		if n := len([]rune(got)); n != len(boxes) {
			t.Fatalf("%d boxes for %d code points", len(boxes), n)
		}
	})
}

func TestSpan(t *testing.T) {
	// Two lines of 3 characters; the line break has no box.
	p := PageLayout{Text: "abc\ndef", boxes: []Rect{
		{X: 10, Y: 10, W: 5, H: 10}, {X: 15, Y: 10, W: 5, H: 10}, {X: 20, Y: 10, W: 5, H: 10},
		{},
		{X: 10, Y: 25, W: 5, H: 10}, {X: 15, Y: 25, W: 5, H: 10}, {X: 20, Y: 25, W: 5, H: 10},
	}}
	tests := []struct {
		name       string
		start, end int
		want       []Rect
	}{
		{"one character", 1, 2, []Rect{{X: 15, Y: 10, W: 5, H: 10}}},
		{"one line", 0, 3, []Rect{{X: 10, Y: 10, W: 15, H: 10}}},
		{"across the break", 1, 6, []Rect{{X: 15, Y: 10, W: 10, H: 10}, {X: 10, Y: 25, W: 10, H: 10}}},
		{"only the break", 3, 4, nil},
		{"clamped", -5, 99, []Rect{{X: 10, Y: 10, W: 15, H: 10}, {X: 10, Y: 25, W: 15, H: 10}}},
		{"empty", 2, 2, nil},
		{"reversed", 5, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, p.Span(tt.start, tt.end)); diff != "" {
				t.Errorf("Span(%d, %d) (-want +got):\n%s", tt.start, tt.end, diff)
			}
		})
	}
}

func TestToDisplay(t *testing.T) {
	// A 100×200 page (left 0, bottom 0) and a box near its top-left corner
	// in page space: x 10–20, y 180–190.
	tests := []struct {
		rotate int
		want   Rect
	}{
		{0, Rect{X: 10, Y: 10, W: 10, H: 10}},
		{1, Rect{X: 180, Y: 10, W: 10, H: 10}},
		{2, Rect{X: 80, Y: 180, W: 10, H: 10}},
		{3, Rect{X: 10, Y: 80, W: 10, H: 10}},
	}
	for _, tt := range tests {
		pb := pageBox{left: 0, bottom: 0, right: 100, top: 200, rotate: tt.rotate}
		if got := pb.toDisplay(10, 180, 20, 190); got != tt.want {
			t.Errorf("rotate %d: got %+v, want %+v", tt.rotate, got, tt.want)
		}
	}
	// A crop box not at the origin shifts the box.
	pb := pageBox{left: 50, bottom: 50, right: 150, top: 250}
	if got, want := pb.toDisplay(60, 230, 70, 240), (Rect{X: 10, Y: 10, W: 10, H: 10}); got != want {
		t.Errorf("offset crop box: got %+v, want %+v", got, want)
	}
}
