package pdftext_test

import (
	"bytes"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

func TestLayout(t *testing.T) {
	e := sharedExtractor(t)
	data := genPDF(t,
		[]string{"   Invoice INV-001", "Total: 1,429.96 EUR   ", "Prix: 4,50 €"},
		[]string{},
		[]string{"third page"},
	)
	pages, err := e.Pages(t.Context(), data, "")
	if err != nil {
		t.Fatal(err)
	}
	layout, err := e.Layout(t.Context(), data, "", pdftext.LayoutOptions{Render: func(n int) bool { return n == 1 }})
	if err != nil {
		t.Fatal(err)
	}
	if len(layout) != len(pages) {
		t.Fatalf("%d pages laid out, Pages gives %d", len(layout), len(pages))
	}
	for i, p := range layout {
		// The text package source sends: Pages' text, trimmed.
		if want := strings.TrimSpace(pages[i]); p.Text != want {
			t.Errorf("page %d text = %q, want %q", i+1, p.Text, want)
		}
		if p.Number != i+1 || p.Width != 595 || p.Height != 842 {
			t.Errorf("page %d: number %d, size %v×%v, want %d, 595×842", i+1, p.Number, p.Width, p.Height, i+1)
		}
		if (p.JPEG != nil) != (i == 0) {
			t.Errorf("page %d rendered = %v, want only page 1", i+1, p.JPEG != nil)
		}
	}

	// pdfgen writes 11-point lines from x = 56, the first baseline 64 points
	// below the top, 15 points apart.
	p := &layout[0]
	span := func(s string) []pdftext.Rect {
		t.Helper()
		i := strings.Index(p.Text, s)
		if i < 0 {
			t.Fatalf("%q not in %q", s, p.Text)
		}
		start := len([]rune(p.Text[:i]))
		return p.Span(start, start+len([]rune(s)))
	}
	inv := span("Invoice") // after three spaces
	if len(inv) != 1 || inv[0].X < 60 || inv[0].Y < 50 || inv[0].Y > 64 || inv[0].H < 8 || inv[0].H > 16 {
		t.Fatalf("Span(Invoice) = %+v, want one box right of x=56 on the first line", inv)
	}
	if tot := span("Total"); len(tot) != 1 || !near(tot[0].X, 56, 1) || !near(tot[0].Y, inv[0].Y+15, 1) {
		t.Errorf("Span(Total) = %+v, want one box at x≈56 on the second line", tot)
	}
	total := span("1,429.96")
	if len(total) != 1 || total[0].X <= inv[0].X || !near(total[0].Y, inv[0].Y+15, 1) {
		t.Errorf("Span(1,429.96) = %+v, want one box right of x=56 on the second line (y≈%v)", total, inv[0].Y+15)
	}
	euro := span("€")
	if len(euro) != 1 || !near(euro[0].Y, inv[0].Y+30, 1) {
		t.Errorf("Span(€) = %+v, want one box on the third line", euro)
	}
	across := span("INV-001\nTotal")
	if len(across) != 2 || !near(across[1].X, 56, 1) || !near(across[1].Y, inv[0].Y+15, 1) {
		t.Errorf("Span across a line break = %+v, want two boxes, the second at the left margin of line 2", across)
	}

	img, err := jpeg.Decode(bytes.NewReader(p.JPEG))
	if err != nil {
		t.Fatalf("page 1 image: %v", err)
	}
	// 595×842 points at 110 DPI.
	if b := img.Bounds(); b.Dx() != p.ImageWidth || b.Dy() != p.ImageHeight || !near(float64(b.Dx()), 595*110/72.0, 1) {
		t.Errorf("image %v, recorded %d×%d, want ≈909×1287", b, p.ImageWidth, p.ImageHeight)
	}
}

func TestLayoutErrors(t *testing.T) {
	e := sharedExtractor(t)
	if _, err := e.Layout(t.Context(), nil, "", pdftext.LayoutOptions{}); err == nil {
		t.Error("Layout(empty) succeeded")
	}
	if _, err := e.Layout(t.Context(), []byte("%PDF-1.4 garbage"), "", pdftext.LayoutOptions{}); err == nil {
		t.Error("Layout(garbage) succeeded")
	}
}

func near(got, want, tol float64) bool { return got >= want-tol && got <= want+tol }

// BenchmarkLayout lays out and renders a generated two-page document.
func BenchmarkLayout(b *testing.B) {
	e := sharedExtractor(b)
	lines := make([]string, 40)
	for i := range lines {
		lines[i] = "Item 12 widgets at 4.50 EUR each, total 54.00 EUR, delivered 2026-12-06"
	}
	data := genPDF(b, lines, lines)
	if _, err := e.Pages(b.Context(), data, ""); err != nil { // start PDFium
		b.Fatal(err)
	}
	for _, render := range []bool{false, true} {
		name := "text+boxes"
		if render {
			name = "text+boxes+jpeg"
		}
		b.Run(name, func(b *testing.B) {
			opts := pdftext.LayoutOptions{Render: func(int) bool { return render }}
			var size int
			for b.Loop() {
				pages, err := e.Layout(b.Context(), data, "", opts)
				if err != nil {
					b.Fatal(err)
				}
				size = len(pages[0].JPEG)
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/2, "ms/page")
			b.ReportMetric(float64(size), "jpeg-bytes/page")
		})
	}
}
