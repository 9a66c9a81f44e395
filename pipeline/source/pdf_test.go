package source

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPDF(t *testing.T) {
	const (
		text      = "%PDF-1.7\nInvoice 7\fTotal 12.00"
		partial   = "%PDF-1.7\nInvoice 7\f  \fTotal"
		scan      = "%PDF-1.7\n \f\n"
		encrypted = "%PDF-1.7\nENCRYPTED secret text"
		corrupt   = "%PDF-1.7\nCORRUPT"
	)
	asFile := "pdf:application/pdf:a.pdf"
	tests := []struct {
		name string
		data string
		opts Options
		want []summary
	}{
		{name: "text", data: text, want: []summary{
			{ID: "a.pdf", Text: "--- page 1 ---\nInvoice 7\n--- page 2 ---\nTotal 12.00\n"},
		}},
		{name: "some pages without text", data: partial, want: []summary{
			{ID: "a.pdf", Kinds: asFile, Meta: map[string]string{"pdf": "no text on page 2 (a scan?): sent to the model as a file"}},
		}},
		{name: "some pages without text, rendered", data: partial, opts: Options{PDFRender: fakeRender}, want: []summary{
			{ID: "a.pdf", Text: "--- page 1 ---\nInvoice 7\n--- page 2 ---\n\n--- page 3 ---\nTotal\n",
				Kinds: "image:image/jpeg:a.pdf page 2.jpg",
				Meta:  map[string]string{"pdf": "no text on page 2 (a scan?): sent as page images beside the text"}},
		}},
		{name: "rendering fails", data: partial, opts: Options{PDFRender: failRender}, want: []summary{
			{ID: "a.pdf", Kinds: asFile, Meta: map[string]string{"pdf": "no text on page 2 (a scan?): sent to the model as a file (rendering failed: fake: cannot render)"}},
		}},
		{name: "split pages, rendered", data: partial, opts: Options{SplitPages: true, PDFRender: fakeRender}, want: []summary{
			{ID: "a.pdf#page=1", Page: 1, Text: "--- page 1 ---\nInvoice 7\n"},
			{ID: "a.pdf#page=2", Page: 2, Text: "--- page 2 ---\n\n", Kinds: "image:image/jpeg:a.pdf page 2.jpg",
				Meta: map[string]string{"pdf": "no text on page 2 (a scan?): sent as a page image"}},
			{ID: "a.pdf#page=3", Page: 3, Text: "--- page 3 ---\nTotal\n"},
		}},
		{name: "split pages", data: partial, opts: Options{SplitPages: true}, want: []summary{
			{ID: "a.pdf#page=1", Page: 1, Text: "--- page 1 ---\nInvoice 7\n"},
			{ID: "a.pdf#page=2", Page: 2, Err: "page 2 has no text layer (a scan?); use --pdf file to send the whole PDF"},
			{ID: "a.pdf#page=3", Page: 3, Text: "--- page 3 ---\nTotal\n"},
		}},
		{name: "no text layer", data: scan, want: []summary{
			{ID: "a.pdf", Kinds: asFile, Meta: map[string]string{"pdf": "no text layer: sent to the model as a file"}},
		}},
		{name: "file mode", data: text, opts: Options{PDF: PDFFile}, want: []summary{{ID: "a.pdf", Kinds: asFile}}},
		{name: "no password", data: encrypted, want: []summary{{ID: "a.pdf", Err: "encrypted PDF: pass --pdf-password"}}},
		{name: "wrong password", data: encrypted, opts: Options{PDFPassword: "guess"}, want: []summary{
			{ID: "a.pdf", Err: "encrypted PDF: the --pdf-password given does not open it"},
		}},
		{name: "password", data: encrypted, opts: Options{PDFPassword: "secret"}, want: []summary{
			{ID: "a.pdf", Text: "--- page 1 ---\nsecret text\n"},
		}},
		{name: "corrupt", data: corrupt, want: []summary{
			{ID: "a.pdf", Kinds: asFile, Meta: map[string]string{"pdf": "local text extraction failed, sent to the model as a file: fake: xref table not found"}},
		}},
		{name: "not a PDF", data: "hello", want: []summary{{ID: "a.pdf", Err: "not a PDF: no %PDF- header (the bytes look like text/plain)"}}},
		{name: "empty", data: "", want: []summary{{ID: "a.pdf", Err: "empty file"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeTree(t, map[string]string{"a.pdf": tt.data})
			opts := tt.opts
			opts.PDFText = &fakePDF{}
			opts.IsPDFPasswordError = isFakePassword
			if diff := cmp.Diff(tt.want, collect(t, []string{root}, opts)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	t.Run("without an extractor the PDF is sent as a file", func(t *testing.T) {
		root := writeTree(t, map[string]string{"a.pdf": text})
		if diff := cmp.Diff([]summary{{ID: "a.pdf", Kinds: asFile}}, collect(t, []string{root}, Options{})); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("ErrPDFPassword by default", func(t *testing.T) {
		root := writeTree(t, map[string]string{"a.pdf": encrypted})
		seq, err := Open(t.Context(), []string{root}, Options{PDFText: wrapPassword{}})
		if err != nil {
			t.Fatal(err)
		}
		for d := range seq {
			if !errors.Is(d.Err, ErrPDFPassword) || !errors.Is(d.Err, errFakePassword) {
				t.Errorf("Err = %v, want ErrPDFPassword wrapping the extractor's error", d.Err)
			}
		}
	})
}

// fakeRender renders page n as the bytes "jpeg n".
func fakeRender(_ context.Context, _ []byte, _ string, pages []int) ([][]byte, error) {
	out := make([][]byte, len(pages))
	for i, n := range pages {
		out[i] = []byte(fmt.Sprintf("jpeg %d", n))
	}
	return out, nil
}

func failRender(context.Context, []byte, string, []int) ([][]byte, error) {
	return nil, errors.New("fake: cannot render")
}

// wrapPassword is an extractor whose password errors wrap ErrPDFPassword.
type wrapPassword struct{ fakePDF }

func (w wrapPassword) Pages(ctx context.Context, data []byte, password string) ([]string, error) {
	pages, err := w.fakePDF.Pages(ctx, data, password)
	if errors.Is(err, errFakePassword) {
		err = fmt.Errorf("%w: %w", ErrPDFPassword, err)
	}
	return pages, err
}
