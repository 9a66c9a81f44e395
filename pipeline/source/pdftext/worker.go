package pdftext

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// runtimeConfig is the wazero configuration of every instance. The core
// features are the ones go-pdfium's module needs (its setjmp/longjmp use
// WebAssembly exception handling). CloseOnContextDone makes a running call
// stop when its instance's context is cancelled: that is how a document that
// hangs PDFium is stopped.
func runtimeConfig(cache wazero.CompilationCache) wazero.RuntimeConfig {
	return wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithCloseOnContextDone(true).
		WithCompilationCache(cache)
}

// A slot is one PDFium instance: its own wazero runtime and module, so that
// it can be stopped alone. A slot is used by one call at a time (it is taken
// from Extractor.free), so its fields need no lock.
type slot struct {
	pool pdfium.Pool
	inst pdfium.Pdfium
	kill context.CancelFunc // cancels the instance's context: a running call stops
}

// start starts s's instance unless it is running.
func (e *Extractor) start(ctx context.Context, s *slot) error {
	if s.inst != nil {
		return nil
	}
	// Only one start at a time: the first compiles PDFium (or loads it from
	// the cache directory), later ones reuse the compiled module in memory.
	e.startMu.Lock()
	defer e.startMu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pdftext: %w", err)
	}
	if e.life.Err() != nil {
		return ErrClosed
	}
	ictx, kill := context.WithCancel(e.life)
	pool, err := webassembly.Init(webassembly.Config{
		Context:  ictx,
		MinIdle:  0,
		MaxIdle:  1,
		MaxTotal: 1,
		// No host directory is mounted: PDFium gets the document as bytes
		// and sees no file system.
		FSConfig:      wazero.NewFSConfig(),
		RuntimeConfig: e.rcfg,
		Stdout:        io.Discard,
		Stderr:        io.Discard,
		ReuseWorkers:  true,
	})
	if err != nil {
		kill()
		return fmt.Errorf("pdftext: starting PDFium: %w", err)
	}
	inst, err := pool.GetInstanceWithContext(ictx)
	if err != nil {
		kill()
		pool.Close()
		return fmt.Errorf("pdftext: starting PDFium: %w", err)
	}
	s.pool, s.inst, s.kill = pool, inst, kill
	return nil
}

// stop stops s's instance, if any, and releases its memory. The slot starts
// a fresh instance when it is next used.
func (s *slot) stop() error {
	if s.pool == nil {
		return nil
	}
	s.kill()
	// Closing the pool closes the instance, its module and its runtime. The
	// instance may be dead already, so errors from closing it mean nothing.
	err := s.pool.Close()
	s.pool, s.inst, s.kill = nil, nil, nil
	if err != nil {
		return fmt.Errorf("pdftext: stopping PDFium: %w", err)
	}
	return nil
}

// errDeadline is the cause of a document's context when Options.Timeout ran out.
var errDeadline = errors.New("pdftext: per-document timeout")

// read extracts the text of data on s's running instance, within the
// Extractor's timeout.
func (e *Extractor) read(ctx context.Context, s *slot, data []byte, password string) ([]string, error) {
	dctx, cancel := context.WithTimeoutCause(ctx, e.timeout, errDeadline)
	defer cancel()
	stopWatch := context.AfterFunc(dctx, s.kill)

	pages, err := extract(s.inst, data, password)

	if !stopWatch() || e.life.Err() != nil {
		// The instance was killed (timeout, ctx, or Close) or is being
		// killed: throw it away. A result that was complete still counts.
		s.stop()
		switch {
		case err == nil:
			return pages, nil
		case e.life.Err() != nil:
			return nil, ErrClosed
		case errors.Is(context.Cause(dctx), errDeadline):
			return nil, fmt.Errorf("%w after %v: %w", ErrTimeout, e.timeout, context.DeadlineExceeded)
		default:
			return nil, fmt.Errorf("pdftext: %w", ctx.Err())
		}
	}
	if err == nil {
		return pages, nil
	}
	if errors.Is(err, pdfiumerrors.ErrPassword) {
		return nil, ErrPassword
	}
	if !isPDFiumError(err) {
		// A trap or a panic inside PDFium: its memory may be inconsistent,
		// so the instance is replaced.
		s.stop()
	}
	return nil, corrupt(err)
}

// isPDFiumError reports whether err is one of PDFium's own error codes,
// after which the instance is still sound.
func isPDFiumError(err error) bool {
	for _, target := range []error{
		pdfiumerrors.ErrUnknown, pdfiumerrors.ErrFile, pdfiumerrors.ErrFormat,
		pdfiumerrors.ErrPassword, pdfiumerrors.ErrSecurity, pdfiumerrors.ErrPage,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// extract returns the normalised text of every page of the document.
func extract(inst pdfium.Pdfium, data []byte, password string) (pages []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			pages, err = nil, crashed(r)
		}
	}()
	req := &requests.OpenDocument{File: &data}
	if password != "" {
		req.Password = &password
	}
	doc, err := inst.OpenDocument(req)
	if err != nil {
		return nil, err
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})

	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return nil, err
	}
	// The count comes from the file: do not trust it for an allocation.
	pages = make([]string, 0, min(count.PageCount, 256))
	for i := range count.PageCount {
		text, err := pageText(inst, doc.Document, i)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", i+1, err)
		}
		pages = append(pages, normalize(text))
	}
	return pages, nil
}

// pageText returns PDFium's text for page i, as FPDFText_GetText gives it.
func pageText(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int) (string, error) {
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return "", err
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})

	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
	if err != nil {
		return "", err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})

	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil || n.Count <= 0 {
		return "", err
	}
	t, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, StartIndex: 0, Count: n.Count})
	if err != nil {
		return "", err
	}
	return t.Text, nil
}
