package source

import (
	"bytes"
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
	var empty []string
	for i, p := range pages {
		pages[i] = strings.TrimSpace(normalizeNewlines(p))
		if pages[i] == "" {
			empty = append(empty, fmt.Sprint(i+1))
		}
	}
	if len(empty) == len(pages) {
		asFile.Meta = map[string]string{MetaPDF: NoteNoTextLayer}
		return yield(asFile)
	}
	if it.opts.SplitPages {
		for i, p := range pages {
			id := fmt.Sprintf("%s#page=%d", f.id, i+1)
			d := textDoc(id, f.path, 0, fmt.Sprintf("--- page %d ---\n%s\n", i+1, p))
			if p == "" {
				d = failed(id, f.path, 0, ErrEmpty, nil, "page %d has no text layer (a scan?); use --pdf file to send the whole PDF", i+1)
			}
			d.Page = i + 1
			if !yield(d) {
				return false
			}
		}
		return true
	}
	if len(empty) > 0 && len(data) <= maxInlinePDF {
		// Some pages are scans: the file carries them (as page images the
		// API makes) beside the text of the others.
		asFile.Meta = map[string]string{MetaPDF: fmt.Sprintf("no text on page %s (a scan?): %s", strings.Join(empty, ", "), NoteSentAsFile)}
		return yield(asFile)
	}
	d := pipeline.Document{ID: f.id, Source: f.path}
	for i, p := range pages {
		d.Parts = append(d.Parts, pipeline.Part{Kind: pipeline.PartText, Text: fmt.Sprintf("--- page %d ---\n%s\n", i+1, p)})
	}
	if len(empty) > 0 {
		d.Meta = map[string]string{MetaPDF: fmt.Sprintf("no text on page %s (a scan?), and the file is over the API's %s limit: sent as text only", strings.Join(empty, ", "), size(maxInlinePDF))}
	}
	return yield(d)
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
