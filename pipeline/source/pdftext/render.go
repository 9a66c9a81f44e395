package pdftext

import (
	"context"
	"fmt"
)

// Render returns JPEG images of the given pages (1-based) of the PDF in
// data, in the order asked, rendered as [Extractor.Layout] renders them
// (110 DPI, quality 80). Package source uses it to send pages without a
// text layer (scans) to the model as images beside the text of the others.
// Errors are those of [Extractor.Pages]; a page number out of range is an
// error too.
func (e *Extractor) Render(ctx context.Context, data []byte, password string, pages []int) ([][]byte, error) {
	want := make(map[int]bool, len(pages))
	for _, n := range pages {
		want[n] = true
	}
	layouts, err := e.Layout(ctx, data, password, LayoutOptions{Render: func(n int) bool { return want[n] }})
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(pages))
	for i, n := range pages {
		if n < 1 || n > len(layouts) || len(layouts[n-1].JPEG) == 0 {
			return nil, fmt.Errorf("pdftext: no page %d to render (the document has %d)", n, len(layouts))
		}
		out[i] = layouts[n-1].JPEG
	}
	return out, nil
}
