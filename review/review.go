package review

import (
	"bufio"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source"
)

// Options says how to build a review page. The zero value works: sources
// read again with source's defaults, PDFs shown as text only.
type Options struct {
	// Source is how the run read its inputs (text column, template,
	// encoding, PDF mode, split pages, password). The text shown must be
	// the text sent for the spans to fall in place: each document read
	// again is checked against the hash the ledger recorded, and the page
	// says when they differ.
	Source source.Options
	// PDF lays out PDF pages: with it, PDFs read as text show each page's
	// image with the evidence boxes drawn on it, and PDFs sent as files show
	// their first pages. If nil, PDFs show only their text. Source.PDFText
	// is ignored when PDF is set (the layout gives the text).
	PDF Layouter
	// DPI and Quality of the page images: if 0, 100 DPI and JPEG quality 75
	// (about 60–100 KB per A4 page of text).
	DPI, Quality int
	// FilePages is how many first pages of a PDF sent as a file are shown.
	// If 0, 3; if negative, none.
	FilePages int
	// BaseDir is where relative source paths resolve (the run's working
	// directory, see [SourceRecord]). If empty, the current directory.
	BaseDir string
	// Title heads the page. If empty, "Quarry review: " and the run dir.
	Title string
	// Now stamps the page. If nil, time.Now.
	Now func() time.Time
}

// Stats describes a page built.
type Stats struct {
	Documents int // documents listed
	Fields    int // leaf values shown
	Counts    evidence.Counts
	Images    int   // page images embedded
	Bytes     int64 // size of the page
	// Notes counts documents shown with a note (a source that changed or
	// could not be read again, unreadable evidence).
	Notes int
	// BadLines counts ledger lines that could not be read and were skipped.
	BadLines int
}

// builder carries one Build.
type builder struct {
	opts  Options
	w     *countWriter
	stats Stats
}

// Build writes the review page of the run in runDir to w: one HTML file
// holding everything it shows. It reads the ledger (the latest outcome of
// each document) and run.json, and reads each document's source again, as
// the run did, for the text the spans point into.
//
// A document whose source cannot be read again is listed with its values
// and a note; an unreadable ledger line is skipped and counted. The error is
// for what stops the page: no ledger, a failing writer, ctx done.
func Build(ctx context.Context, w io.Writer, runDir string, opts Options) (*Stats, error) {
	if opts.DPI <= 0 {
		opts.DPI = 100
	}
	if opts.Quality <= 0 || opts.Quality > 100 {
		opts.Quality = 75
	}
	if opts.FilePages == 0 {
		opts.FilePages = 3
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Title == "" {
		opts.Title = "Quarry review: " + runDir
	}
	if opts.PDF != nil {
		opts.Source.PDF = source.PDFText
	}
	if _, err := os.Stat(runDir); err != nil {
		return nil, fmt.Errorf("review: run dir: %w", err)
	}

	b := &builder{opts: opts}
	var outs []pipeline.Outcome
	for o, err := range pipeline.ReadLedger(runDir) {
		if err != nil {
			if le := (*pipeline.LineError)(nil); errors.As(err, &le) {
				b.stats.BadLines++
				continue
			}
			return nil, fmt.Errorf("review: %w", err)
		}
		outs = append(outs, *o.Replayed())
	}
	info, err := pipeline.ReadRunInfo(runDir)
	if err != nil {
		info = nil // a run killed before its end has no run.json; the ledger suffices
	}

	bw := bufio.NewWriterSize(w, 256<<10)
	b.w = &countWriter{w: bw}
	if err := b.writeHead(info, len(outs)); err != nil {
		return nil, err
	}
	index, err := b.writeDocuments(ctx, outs)
	if err != nil {
		return nil, err
	}
	if err := b.writeTail(index); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	b.stats.Documents = len(outs)
	b.stats.Bytes = b.w.n
	return &b.stats, nil
}

// writeDocuments writes each outcome's data, reading each source once, and
// returns the document list in ledger order.
func (b *builder) writeDocuments(ctx context.Context, outs []pipeline.Outcome) ([]indexEntry, error) {
	docs := make([]*docData, len(outs))
	var order []string             // sources in first-seen order
	bySource := map[string][]int{} // source → outcomes
	for i := range outs {
		o := &outs[i]
		d := &docData{ID: o.ID, Source: o.Source, Row: o.Row, Page: o.Page, Status: o.Status, Reason: o.Reason,
			Stack: o.Stack, Attempts: o.Attempts, AttemptErrors: o.AttemptErrors, Model: o.Model}
		d.Fields, d.Notes = fieldsOf(o)
		docs[i] = d
		if _, seen := bySource[o.Source]; !seen {
			order = append(order, o.Source)
		}
		bySource[o.Source] = append(bySource[o.Source], i)
	}

	index := make([]indexEntry, len(outs))
	for _, src := range order {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("review: %w", err)
		}
		idx := bySource[src]
		render := func(n int) bool {
			for _, i := range idx {
				for _, f := range docs[i].Fields {
					if n >= f.Page && n <= max(f.Page, f.EndPage) && (f.End > f.Start || f.EndPage > 0) {
						return true
					}
				}
			}
			return false
		}
		again, err := b.rereadSource(ctx, src, render)
		if err != nil && ctx.Err() != nil {
			return nil, fmt.Errorf("review: %w", ctx.Err())
		}
		for _, i := range idx {
			o, d := &outs[i], docs[i]
			var imgs []pageImage
			if err != nil {
				d.Notes = append(d.Notes, "source not shown: "+err.Error())
			} else {
				imgs = b.attachSource(i, o, d, again[keyOf(o.Source, o.Row, o.Page)])
			}
			if len(d.Notes) > 0 {
				b.stats.Notes++
			}
			if err := b.writeDocument(i, d, imgs); err != nil {
				return nil, err
			}
			index[i] = entry(i, d)
			index[i].seq = o.Seq
			b.stats.Fields += len(d.Fields)
			b.stats.Counts.Supported += index[i].Supported
			b.stats.Counts.Unsupported += index[i].Unsupported
			b.stats.Counts.NotFound += index[i].NotFound
			b.stats.Counts.Unchecked += index[i].Unchecked
		}
	}
	// The list in input order; documents of earlier runs that share a
	// place are ordered by ID.
	slices.SortStableFunc(index, func(a, b indexEntry) int {
		return cmp.Or(cmp.Compare(a.seq, b.seq), strings.Compare(a.ID, b.ID))
	})
	return index, nil
}

// pageImage is an image to embed: a rendered PDF page (JPEG) or an image
// the run sent.
type pageImage struct {
	id   string
	jpeg []byte
}

// attachSource fills d's segments from the document read again (r, nil when
// the source no longer gives it), with page images and boxes where the
// layout has them, and returns the images to embed.
func (b *builder) attachSource(n int, o *pipeline.Outcome, d *docData, r *reread) []pageImage {
	if r == nil {
		d.Notes = append(d.Notes, "source not shown: reading it again did not give this document (it changed since the run, or was read with other options)")
		return nil
	}
	if r.doc.Err != nil {
		d.Notes = append(d.Notes, "source not shown: "+r.doc.Err.Error())
		return nil
	}
	if h := r.doc.Hash(); o.Hash != "" && h != o.Hash {
		d.Notes = append(d.Notes, "the source is not what the run sent (it changed since, or this review reads it with other options): the text and spans shown may not match")
	}
	d.Segments = segmentsOf(&r.doc)
	var imgs []pageImage
	addImage := func(seg *segment, page int) {
		lp := &r.layout[page-1]
		seg.W, seg.H = lp.Width, lp.Height
		if lp.JPEG != nil {
			seg.Image = "i" + strconv.Itoa(n) + "-" + strconv.Itoa(page)
			imgs = append(imgs, pageImage{id: seg.Image, jpeg: lp.JPEG})
		}
	}
	boxed := make([]bool, len(d.Fields)) // boxes replaced by the layout's
	for k := range d.Segments {
		seg := &d.Segments[k]
		p := seg.Page
		if p <= 0 || p > len(r.layout) || r.layout[p-1].Text != seg.Text {
			continue
		}
		addImage(seg, p)
		lp := &r.layout[p-1]
		n := len([]rune(lp.Text))
		for j := range d.Fields {
			f := &d.Fields[j]
			start, end, ok := f.spanOn(p, n)
			if !ok {
				continue
			}
			if !boxed[j] {
				f.Boxes, boxed[j] = nil, true
			}
			for _, rect := range lp.Span(start, end) {
				f.Boxes = append(f.Boxes, box(p, rect))
			}
		}
	}
	// Images sent to the model, as they were sent.
	for _, part := range r.doc.Parts {
		if part.Kind != pipeline.PartImage || len(part.Data) == 0 {
			continue
		}
		id := "i" + strconv.Itoa(n) + "-img" + strconv.Itoa(len(imgs))
		d.Segments = append(d.Segments, segment{Image: id, Mime: imageMIME(part.MIMEType)})
		imgs = append(imgs, pageImage{id: id, jpeg: part.Data})
	}
	// A PDF sent as a file: its first pages as images, no text.
	if len(d.Segments) == 0 && hasPart(&r.doc, pipeline.PartPDF) {
		for p := 1; p <= len(r.layout) && r.layout[p-1].JPEG != nil; p++ {
			d.Segments = append(d.Segments, segment{Page: p})
			addImage(&d.Segments[len(d.Segments)-1], p)
		}
		if len(r.layout) > len(d.Segments) {
			d.Notes = append(d.Notes, fmt.Sprintf("the PDF was sent as a file; its first %d of %d pages are shown", len(d.Segments), len(r.layout)))
		}
	}
	b.stats.Images += len(imgs)
	return imgs
}

// writeDocument writes d as JSON in its own element, and its images.
func (b *builder) writeDocument(n int, d *docData, imgs []pageImage) error {
	data, err := json.Marshal(d) // escapes <, > and &: safe inside <script>
	if err != nil {
		return fmt.Errorf("review: %s: %w", d.ID, err)
	}
	fmt.Fprintf(b.w, "<script type=\"application/json\" id=\"d%d\">", n)
	b.w.Write(data)
	b.w.WriteString("</script>\n")
	for _, im := range imgs {
		fmt.Fprintf(b.w, "<script type=\"text/plain\" id=\"%s\">", im.id)
		enc := base64.NewEncoder(base64.StdEncoding, b.w)
		enc.Write(im.jpeg)
		enc.Close()
		b.w.WriteString("</script>\n")
	}
	return b.w.err
}

// countWriter counts bytes and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil {
		c.err = fmt.Errorf("review: %w", err)
	}
	return n, c.err
}

func (c *countWriter) WriteString(s string) (int, error) { return c.Write([]byte(s)) }

// imageMIME is the type of an embedded image: one a browser shows, or
// image/png when the part names none.
func imageMIME(m string) string {
	switch m {
	case "image/png", "image/jpeg", "image/webp", "image/gif":
		return m
	}
	return "image/png"
}
