package pdftext

import (
	"context"
	"errors"
	"fmt"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// LayoutOptions says what [Extractor.Layout] returns. The zero value gives
// every page's text and character boxes and renders no image.
type LayoutOptions struct {
	// Render reports whether page n (1-based) is rendered to a JPEG. If nil,
	// no page is.
	Render func(n int) bool
	// DPI of the rendered images. If 0 or less, 110: legible on a screen,
	// about 100 KB per A4 page of text.
	DPI int
	// Quality of the JPEG encoding, 1–100. If 0 or less, 80.
	Quality int
}

// Layout returns each page of the PDF in data with its text, exactly as
// package source sends it to the model, the box of every character of that
// text (see [PageLayout.Span]) and, for the pages opts.Render selects, a JPEG
// image. It reads a document as [Extractor.Pages] does, with the same
// instances, timeout and errors.
func (e *Extractor) Layout(ctx context.Context, data []byte, password string, opts LayoutOptions) ([]PageLayout, error) {
	if opts.DPI <= 0 {
		opts.DPI = 110
	}
	if opts.Quality <= 0 || opts.Quality > 100 {
		opts.Quality = 80
	}
	var pages []PageLayout
	err := e.withDocument(ctx, data, password, func(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT) error {
		var err error
		pages, err = layout(inst, doc, opts)
		return err
	})
	return pages, err
}

// withDocument runs fn on an open document on one of e's instances, with the
// acquisition, timeout, recovery and error mapping of [Extractor.Pages].
func (e *Extractor) withDocument(ctx context.Context, data []byte, password string, fn func(pdfium.Pdfium, references.FPDF_DOCUMENT) error) error {
	if len(data) == 0 {
		return fmt.Errorf("%w: empty file", ErrCorrupt)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pdftext: %w", err)
	}
	if !e.enter() {
		return ErrClosed
	}
	defer e.calls.Done()

	var s *slot
	select {
	case s = <-e.free:
	case <-ctx.Done():
		return fmt.Errorf("pdftext: %w", ctx.Err())
	case <-e.life.Done():
		return ErrClosed
	}
	defer func() { e.free <- s }()
	if err := e.start(ctx, s); err != nil {
		return err
	}

	dctx, cancel := context.WithTimeoutCause(ctx, e.timeout, errDeadline)
	defer cancel()
	stopWatch := context.AfterFunc(dctx, s.kill)

	err := openAndRun(s.inst, data, password, fn)

	if !stopWatch() || e.life.Err() != nil {
		s.stop()
		switch {
		case err == nil:
			return nil
		case e.life.Err() != nil:
			return ErrClosed
		case errors.Is(context.Cause(dctx), errDeadline):
			return fmt.Errorf("%w after %v: %w", ErrTimeout, e.timeout, context.DeadlineExceeded)
		default:
			return fmt.Errorf("pdftext: %w", ctx.Err())
		}
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, pdfiumerrors.ErrPassword) {
		return ErrPassword
	}
	if !isPDFiumError(err) {
		s.stop()
	}
	return corrupt(err)
}

// openAndRun opens the document, runs fn on it and closes it; a panic is an
// error.
func openAndRun(inst pdfium.Pdfium, data []byte, password string, fn func(pdfium.Pdfium, references.FPDF_DOCUMENT) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = crashed(r)
		}
	}()
	req := &requests.OpenDocument{File: &data}
	if password != "" {
		req.Password = &password
	}
	doc, err := inst.OpenDocument(req)
	if err != nil {
		return err
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	return fn(inst, doc.Document)
}

// layout reads every page of an open document.
func layout(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, opts LayoutOptions) ([]PageLayout, error) {
	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc})
	if err != nil {
		return nil, err
	}
	pages := make([]PageLayout, 0, min(count.PageCount, 256))
	for i := range count.PageCount {
		p, err := pageLayout(inst, doc, i)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", i+1, err)
		}
		if opts.Render != nil && opts.Render(i+1) {
			if err := render(inst, doc, i, opts, &p); err != nil {
				return nil, fmt.Errorf("page %d: rendering: %w", i+1, err)
			}
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// pageLayout returns page i's size, text and character boxes.
func pageLayout(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int) (PageLayout, error) {
	p := PageLayout{Number: i + 1}
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return p, err
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	ref := requests.Page{ByReference: &page.Page}

	w, err := inst.FPDF_GetPageWidthF(&requests.FPDF_GetPageWidthF{Page: ref})
	if err != nil {
		return p, err
	}
	h, err := inst.FPDF_GetPageHeightF(&requests.FPDF_GetPageHeightF{Page: ref})
	if err != nil {
		return p, err
	}
	p.Width, p.Height = float64(w.PageWidth), float64(h.PageHeight)
	bb, err := inst.FPDF_GetPageBoundingBox(&requests.FPDF_GetPageBoundingBox{Page: ref})
	if err != nil {
		return p, err
	}
	rot, err := inst.FPDFPage_GetRotation(&requests.FPDFPage_GetRotation{Page: ref})
	if err != nil {
		return p, err
	}
	pb := pageBox{
		left: float64(bb.Rect.Left), bottom: float64(bb.Rect.Bottom),
		right: float64(bb.Rect.Right), top: float64(bb.Rect.Top),
		rotate: int(rot.PageRotation),
	}

	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: ref})
	if err != nil {
		return p, err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil || n.Count <= 0 {
		return p, err
	}
	// The text comes from FPDFText_GetText, as in Pages, so that the two
	// agree even where PDFium's per-character view differs (a character
	// outside the Basic Multilingual Plane is one index but two UTF-16
	// units); boxes are looked up per index when the counts agree.
	t, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, StartIndex: 0, Count: n.Count})
	if err != nil {
		return p, err
	}
	runes := []rune(t.Text)
	chars := make([]pageChar, len(runes))
	for k, r := range runes {
		chars[k].r = r
	}
	if len(runes) == n.Count {
		for k := range runes {
			if r := runes[k]; r == '\r' || r == '\n' {
				continue
			}
			box, err := inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp.TextPage, Index: k})
			if err != nil {
				continue // a character without a box: no highlight for it
			}
			rc := box.Rect
			chars[k].box = pb.toDisplay(float64(rc.Left), float64(rc.Bottom), float64(rc.Right), float64(rc.Top))
		}
	}
	p.Text, p.boxes = layoutText(chars)
	return p, nil
}

// render renders page i to a JPEG into p.
func render(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int, opts LayoutOptions, p *PageLayout) error {
	res, err := inst.RenderToFile(&requests.RenderToFile{
		RenderPageInDPI: &requests.RenderPageInDPI{
			Page: requests.Page{ByIndex: &requests.PageByIndex{Document: doc, Index: i}},
			DPI:  opts.DPI,
		},
		OutputFormat:  requests.RenderToFileOutputFormatJPG,
		OutputTarget:  requests.RenderToFileOutputTargetBytes,
		OutputQuality: opts.Quality,
	})
	if err != nil {
		return err
	}
	if res.ImageBytes == nil {
		return errors.New("no image")
	}
	p.JPEG, p.ImageWidth, p.ImageHeight = *res.ImageBytes, res.Width, res.Height
	return nil
}
