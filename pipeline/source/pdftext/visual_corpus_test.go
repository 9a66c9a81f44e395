package pdftext_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

// TestLayoutCorpus checks on the shared invoices that Layout's text is the
// text package source sends, and that every word of it has a box on the
// page.
func TestLayoutCorpus(t *testing.T) {
	dir := sharedDir(t, "corpus/invoices")
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil || len(files) == 0 {
		t.Skipf("no PDFs in %s", dir)
	}
	e := sharedExtractor(t)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			pages, err := e.Pages(t.Context(), data, "")
			if err != nil {
				t.Fatal(err)
			}
			layout, err := e.Layout(t.Context(), data, "", pdftext.LayoutOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range layout {
				if want := strings.TrimSpace(pages[i]); p.Text != want {
					t.Fatalf("page %d: Layout text differs from Pages:\n%q\n%q", i+1, p.Text, want)
				}
				runes := []rune(p.Text)
				words, boxed, onPage := 0, 0, 0
				for start := 0; start < len(runes); {
					for start < len(runes) && (runes[start] == ' ' || runes[start] == '\n') {
						start++
					}
					end := start
					for end < len(runes) && runes[end] != ' ' && runes[end] != '\n' {
						end++
					}
					if end > start {
						words++
						if sp := p.Span(start, end); len(sp) > 0 {
							boxed++
							r := sp[0]
							if r.X >= -1 && r.Y >= -1 && r.X+r.W <= p.Width+1 && r.Y+r.H <= p.Height+1 {
								onPage++
							}
						}
					}
					start = end
				}
				// Some invoices hold a few words outside the page (a footer
				// placed below it): they have boxes, off the page.
				if boxed < words || onPage < words*95/100 {
					t.Errorf("page %d: of %d words, %d have a box, %d on the page", i+1, words, boxed, onPage)
				}
			}
		})
	}
}
