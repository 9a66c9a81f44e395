package review

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

// Layouter lays out the pages of a PDF: text, character boxes and, for the
// pages asked for, images. *pdftext.Extractor implements it.
type Layouter interface {
	Layout(ctx context.Context, data []byte, password string, opts pdftext.LayoutOptions) ([]pdftext.PageLayout, error)
}

// layoutReader is the PDF text extractor package source reads PDFs with
// while the review re-reads a source: it lays the pages out once, gives
// source their text and keeps the layout for the page images and boxes.
type layoutReader struct {
	l      Layouter
	opts   pdftext.LayoutOptions
	pages  []pdftext.PageLayout // of the last PDF read
	failed error
}

func (r *layoutReader) Pages(ctx context.Context, data []byte, password string) ([]string, error) {
	r.pages, r.failed = nil, nil
	pages, err := r.l.Layout(ctx, data, password, r.opts)
	if err != nil {
		r.failed = err
		return nil, err
	}
	r.pages = pages
	texts := make([]string, len(pages))
	for i := range pages {
		texts[i] = pages[i].Text
	}
	return texts, nil
}

// docKey finds an outcome's document among those a source gives again:
// document IDs depend on how the inputs were named, the source path, row
// and page do not.
type docKey struct {
	source    string
	row, page int
}

func keyOf(source string, row, page int) docKey {
	return docKey{source: filepath.Clean(source), row: row, page: page}
}

// reread is one document read again from its source, with the layout of
// its PDF pages when it is a PDF.
type reread struct {
	doc    pipeline.Document
	layout []pdftext.PageLayout
}

// rereadSource reads the file at path again as the run did and returns its
// documents by key. pages says which PDF pages to render (nil: none).
func (b *builder) rereadSource(ctx context.Context, path string, render func(int) bool) (map[docKey]*reread, error) {
	if path == "" || path == "-" {
		return nil, errors.New("the document came from stdin, which cannot be read again")
	}
	recorded := path
	if b.opts.BaseDir != "" && !filepath.IsAbs(path) {
		path = filepath.Join(b.opts.BaseDir, path)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("cannot read the source again: %w", err)
	}
	opts := b.opts.Source
	var lr *layoutReader
	if b.opts.PDF != nil {
		lr = &layoutReader{l: b.opts.PDF, opts: pdftext.LayoutOptions{Render: render, DPI: b.opts.DPI, Quality: b.opts.Quality}}
		opts.PDFText = lr
	}
	docs, err := source.Open(ctx, []string{path}, opts)
	if err != nil {
		return nil, fmt.Errorf("cannot read the source again: %w", err)
	}
	out := map[docKey]*reread{}
	for d := range docs {
		r := &reread{doc: d}
		if lr != nil {
			r.layout = lr.pages
		}
		out[keyOf(recorded, d.Row, d.Page)] = r
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	// A PDF sent as a file (a scan, or --pdf file): lay it out for its
	// images, so the reviewer sees what the model saw.
	if lr != nil && strings.EqualFold(filepath.Ext(path), ".pdf") {
		for _, r := range out {
			if r.doc.Err != nil || !hasPart(&r.doc, pipeline.PartPDF) || b.opts.FilePages < 0 {
				continue
			}
			data, err := os.ReadFile(path)
			if err != nil {
				break
			}
			layout, err := b.opts.PDF.Layout(ctx, data, opts.PDFPassword, pdftext.LayoutOptions{
				Render: func(n int) bool { return n <= b.opts.FilePages }, DPI: b.opts.DPI, Quality: b.opts.Quality})
			if err == nil {
				r.layout = layout
			}
		}
	}
	return out, nil
}

func hasPart(d *pipeline.Document, k pipeline.PartKind) bool {
	for _, p := range d.Parts {
		if p.Kind == k {
			return true
		}
	}
	return false
}
