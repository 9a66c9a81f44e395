package source

import (
	"context"
	"iter"
	"sync"

	"github.com/seed0611af48/quarry/pipeline"
)

// Reading a PDF's text is slow (PDFium, one document at a time per
// instance) next to every other format, so a folder of PDFs read one by one
// uses one core. The sequence therefore reads the text of the next PDFs
// ahead, in goroutines, while the documents before them are handed out, and
// still yields documents in input order.

// pdfRead is a PDF file read whole and, when its text is wanted, its pages.
type pdfRead struct {
	data  []byte
	bad   *pipeline.Document // the file could not be read
	pages []string
	err   error // from PDFText.Pages
	// images are the pages without text (blankPages), rendered; nil when
	// there are none, no renderer, or it failed (renderErr).
	images    [][]byte
	renderErr error
	done      chan struct{}
}

// loadPDF reads f and, in PDFText mode, its pages.
func (it *iteration) loadPDF(ctx context.Context, f file) *pdfRead {
	r := &pdfRead{}
	r.data, r.bad = it.readAll(f)
	if r.bad == nil && len(r.data) > 0 && isPDF(r.data) && it.textPDFs() {
		r.pages, r.err = it.opts.PDFText.Pages(ctx, r.data, it.opts.PDFPassword)
		if blank := blankPages(r.pages); r.err == nil && len(blank) > 0 && len(blank) < len(r.pages) {
			r.images, r.renderErr = it.renderPages(ctx, r.data, blank)
		}
	}
	return r
}

// textPDFs reports whether PDFs are read as text.
func (it *iteration) textPDFs() bool {
	return it.opts.PDF == PDFText && it.opts.PDFText != nil
}

// pdf returns f read: the read done ahead for it, if any, else done now.
func (it *iteration) pdf(f file) *pdfRead {
	if r := it.ahead; r != nil {
		it.ahead = nil
		<-r.done
		return r
	}
	return it.loadPDF(it.ctx, f)
}

// pending is a file waiting its turn, with its PDF read started.
type pending struct {
	f   file
	pdf *pdfRead
}

// readAhead yields the documents of files in order, reading up to n PDFs
// ahead at the same time. It returns when yield stops the sequence or ctx is
// done, after the reads it started have ended.
func (it *iteration) readAhead(files iter.Seq[file], n int, yield func(pipeline.Document) bool) {
	ctx, cancel := context.WithCancel(it.ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	var queue []pending
	next := func() bool {
		p := queue[0]
		queue = queue[1:]
		it.ahead = p.pdf
		ok := it.read(p.f, yield)
		it.ahead = nil
		return ok && it.ctx.Err() == nil
	}
	for f := range files {
		if it.ctx.Err() != nil {
			return
		}
		// At most n files wait: hand out the first before queueing another.
		for len(queue) >= n {
			if !next() {
				return
			}
		}
		p := pending{f: f}
		if f.err == nil && f.path != "-" && f.ext == ".pdf" {
			r := &pdfRead{done: make(chan struct{})}
			p.pdf = r
			wg.Go(func() {
				defer close(r.done)
				got := it.loadPDF(ctx, f)
				r.data, r.bad, r.pages, r.err = got.data, got.bad, got.pages, got.err
				r.images, r.renderErr = got.images, got.renderErr
			})
		}
		queue = append(queue, p)
		// Hand out what is ready, in order.
		for len(queue) > 0 && (queue[0].pdf == nil || closed(queue[0].pdf.done)) {
			if !next() {
				return
			}
		}
	}
	for len(queue) > 0 {
		if !next() {
			return
		}
	}
}

func closed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// aheadCount is how many PDFs are read at the same time.
func (r *reader) aheadCount() int { return max(r.opts.PDFAhead, 1) }
