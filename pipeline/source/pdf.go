package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/seed0611af48/quarry/pipeline"
)

// readPDF reads a PDF: its text with page markers (PDFText mode with an
// extractor), or the file itself.
func (it *iteration) readPDF(f file, yield func(pipeline.Document) bool) bool {
	read := it.pdf(f)
	data, bad := read.data, read.bad
	if bad != nil {
		return yield(*bad)
	}
	if len(data) == 0 {
		return yield(failed(f.id, f.path, 0, ErrEmpty, nil, "empty file"))
	}
	if !isPDF(data) {
		return yield(failed(f.id, f.path, 0, ErrMalformed, nil, "not a PDF: no %%PDF- header (the bytes look like %s)", sniffedAs(data)))
	}
	asFile := pipeline.Document{ID: f.id, Source: f.path, Parts: []pipeline.Part{{
		Kind: pipeline.PartPDF, Data: data, MIMEType: "application/pdf", Filename: it.filename(f),
	}}}
	if it.opts.PDF == PDFFile || it.opts.PDFText == nil {
		return yield(asFile)
	}
	pages, err := read.pages, read.err
	if err != nil {
		if it.ctx.Err() != nil {
			return false
		}
		isPW := it.opts.IsPDFPasswordError
		if isPW == nil {
			isPW = func(err error) bool { return errors.Is(err, ErrPDFPassword) }
		}
		switch {
		case isPW(err) && it.opts.PDFPassword == "":
			return yield(failed(f.id, f.path, 0, ErrPDFPassword, err, "encrypted PDF: pass --pdf-password"))
		case isPW(err):
			return yield(failed(f.id, f.path, 0, ErrPDFPassword, err, "encrypted PDF: the --pdf-password given does not open it"))
		}
		if len(data) > maxInlinePDF {
			return yield(failed(f.id, f.path, 0, ErrMalformed, err, "cannot read the PDF: %v; and at %s it is over the API's %s limit for a file", err, size(int64(len(data))), size(maxInlinePDF)))
		}
		// The model's own PDF reader often copes with what PDFium rejects
		// (damaged metadata, a broken cross-reference table).
		asFile.Meta = map[string]string{MetaPDF: fmt.Sprintf("%s: %v", NoteUnreadable, err)}
		return yield(asFile)
	}
	emptyNums := blankPages(pages)
	empty := make([]string, len(emptyNums))
	for i, n := range emptyNums {
		empty[i] = fmt.Sprint(n)
	}
	for i, p := range pages {
		pages[i] = strings.TrimSpace(normalizeNewlines(p))
	}
	if len(empty) == len(pages) {
		asFile.Meta = map[string]string{MetaPDF: NoteNoTextLayer}
		return yield(asFile)
	}
	// Pages without text (scans) were rendered (loadPDF) and go as images
	// beside the text of the others: the model sees every page, and only
	// the scans cost image tokens. Without a renderer the whole file goes.
	images, renderErr := read.images, read.renderErr
	if renderErr != nil && it.ctx.Err() != nil {
		return false
	}
	image := func(n int) pipeline.Part {
		for j, m := range emptyNums {
			if m == n {
				return pipeline.Part{Kind: pipeline.PartImage, Data: images[j], MIMEType: "image/jpeg",
					Filename: fmt.Sprintf("%s page %d.jpg", it.filename(f), n)}
			}
		}
		return pipeline.Part{}
	}
	if it.opts.SplitPages {
		for i, p := range pages {
			id := fmt.Sprintf("%s#page=%d", f.id, i+1)
			d := textDoc(id, f.path, 0, fmt.Sprintf("--- page %d ---\n%s\n", i+1, p))
			switch {
			case p == "" && images != nil:
				d.Parts = append(d.Parts, image(i+1))
				d.Meta = map[string]string{MetaPDF: fmt.Sprintf("no text on page %d (a scan?): sent as a page image", i+1)}
			case p == "":
				d = failed(id, f.path, 0, ErrEmpty, renderErr, "page %d has no text layer (a scan?); use --pdf file to send the whole PDF", i+1)
			}
			d.Page = i + 1
			if !yield(d) {
				return false
			}
		}
		return true
	}
	d := pipeline.Document{ID: f.id, Source: f.path}
	for i, p := range pages {
		d.Parts = append(d.Parts, pipeline.Part{Kind: pipeline.PartText, Text: fmt.Sprintf("--- page %d ---\n%s\n", i+1, p)})
		if p == "" && images != nil {
			d.Parts = append(d.Parts, image(i+1))
		}
	}
	note := fmt.Sprintf("no text on page %s (a scan?)", strings.Join(empty, ", "))
	switch {
	case len(empty) == 0:
	case images != nil:
		d.Meta = map[string]string{MetaPDF: note + ": " + NoteSentAsImages}
	case len(data) <= maxInlinePDF:
		asFile.Meta = map[string]string{MetaPDF: note + ": " + NoteSentAsFile}
		if renderErr != nil {
			asFile.Meta[MetaPDF] += fmt.Sprintf(" (rendering failed: %v)", renderErr)
		}
		return yield(asFile)
	default:
		d.Meta = map[string]string{MetaPDF: fmt.Sprintf("%s, and the file is over the API's %s limit: sent as text only", note, size(maxInlinePDF))}
	}
	return yield(d)
}

// blankPages returns the numbers (1-based) of the pages without text.
func blankPages(pages []string) []int {
	var nums []int
	for i, p := range pages {
		if strings.TrimSpace(normalizeNewlines(p)) == "" {
			nums = append(nums, i+1)
		}
	}
	return nums
}

// renderPages renders pages (1-based) with Options.PDFRender; nil images
// when there is no renderer or it failed (the error).
func (it *iteration) renderPages(ctx context.Context, data []byte, pages []int) ([][]byte, error) {
	if it.opts.PDFRender == nil {
		return nil, nil
	}
	images, err := it.opts.PDFRender(ctx, data, it.opts.PDFPassword, pages)
	if err == nil && len(images) != len(pages) {
		err = fmt.Errorf("%d images for %d pages", len(images), len(pages))
	}
	if err != nil {
		it.log.Warn("source: rendering PDF pages without text", "pages", pages, "err", err)
		return nil, err
	}
	return images, nil
}

// maxInlinePDF is the largest PDF the Responses API takes as an input file
// (extract.MaxFileBytes).
const maxInlinePDF = 50 << 20

// isPDF reports whether data starts (within its first KB) with "%PDF-".
func isPDF(data []byte) bool {
	return bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-"))
}

// sniffedAs names what bytes look like, for messages.
func sniffedAs(data []byte) string {
	t := http.DetectContentType(data)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	return t
}
