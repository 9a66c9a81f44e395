package pdftext

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
)

// Options configures an [Extractor]. The zero value is ready to use.
type Options struct {
	// CacheDir holds wazero's compilation cache: PDFium compiled to machine
	// code, about 20 MB, written on the first start and reused by every
	// later process. Compiling takes 3–4 s of one core and ~300 MB of memory;
	// loading the cache takes ~0.2 s and ~50 MB.
	//
	// If CacheDir is empty, the cache is os.UserCacheDir()/quarry/wazero,
	// or os.TempDir()/quarry/wazero when that cannot be created, or kept in
	// memory only when neither can. A CacheDir that is set but cannot be
	// created makes [New] fail. The directory is safe to share between
	// processes and to delete.
	CacheDir string

	// Workers is the number of PDFium instances, and so the number of
	// documents read at the same time. If Workers is 0 or less, it is 1.
	// Each instance holds its own WebAssembly memory (tens of MB, more for
	// large documents); instances start only when documents need them.
	Workers int

	// Timeout bounds the time spent on one document, not counting the wait
	// for a free instance or the first start. If Timeout is 0 or less, it
	// is 30 s.
	Timeout time.Duration
}

// Extractor reads the text of PDF documents with PDFium compiled to
// WebAssembly. It is safe for concurrent use; at most [Options.Workers]
// documents are read at a time and other callers wait.
type Extractor struct {
	timeout time.Duration
	rcfg    wazero.RuntimeConfig
	cache   wazero.CompilationCache

	free chan *slot // idle slots; a slot is started on first use

	// startMu serialises starts, so that one start compiles PDFium and fills
	// the cache and the others load it.
	startMu sync.Mutex

	life   context.Context // cancelled by Close; parent of every instance
	cancel context.CancelFunc

	mu     sync.Mutex // guards closed and calls
	closed bool
	calls  sync.WaitGroup
}

// New returns an Extractor. It is cheap: it opens the compilation cache but
// starts no PDFium instance; the first call to [Extractor.Pages] does, which
// takes ~0.2 s with a filled compilation cache and 3–4 s without one (see
// [Options.CacheDir]).
//
// ctx is not retained: cancelling it does not stop the Extractor; call
// [Extractor.Close].
func New(ctx context.Context, opts Options) (*Extractor, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pdftext: %w", err)
	}
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	cache, _, err := openCache(opts.CacheDir)
	if err != nil {
		return nil, err
	}
	e := &Extractor{
		timeout: opts.Timeout,
		cache:   cache,
		rcfg:    runtimeConfig(cache),
		free:    make(chan *slot, opts.Workers),
	}
	e.life, e.cancel = context.WithCancel(context.Background())
	for range opts.Workers {
		e.free <- &slot{}
	}
	return e, nil
}

// Pages returns the text of each page of the PDF in data, in page order.
// Lines end in "\n"; trailing spaces and trailing blank lines are removed. A
// page without a text layer (a scan) gives "". password opens an encrypted
// document and is ignored otherwise; it may be either the user or the owner
// password.
//
// Errors match, with [errors.Is]:
//   - [ErrCorrupt]: data is empty or cannot be read as a PDF;
//   - [ErrPassword]: the document is encrypted and password is missing or wrong;
//   - [ErrTimeout] and [context.DeadlineExceeded]: the document took longer
//     than [Options.Timeout];
//   - ctx.Err(): ctx was done before the document was read;
//   - [ErrClosed]: the Extractor is closed.
//
// A document that fails, hangs or crashes PDFium never affects the caller's
// process: its instance is thrown away and a new one serves the next document.
func (e *Extractor) Pages(ctx context.Context, data []byte, password string) ([]string, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: empty file", ErrCorrupt)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("pdftext: %w", err)
	}
	if !e.enter() {
		return nil, ErrClosed
	}
	defer e.calls.Done()

	var s *slot
	select {
	case s = <-e.free:
	case <-ctx.Done():
		return nil, fmt.Errorf("pdftext: %w", ctx.Err())
	case <-e.life.Done():
		return nil, ErrClosed
	}
	defer func() { e.free <- s }()

	if err := e.start(ctx, s); err != nil {
		return nil, err
	}
	return e.read(ctx, s, data, password)
}

// enter registers a call unless the Extractor is closed.
func (e *Extractor) enter() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	e.calls.Add(1)
	return true
}

// Close stops every PDFium instance, interrupting documents being read
// (their calls return [ErrClosed]), and releases the memory they hold. It
// waits for calls to [Extractor.Pages] to return. Later calls return
// [ErrClosed]. Close is idempotent.
func (e *Extractor) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.mu.Unlock()

	e.cancel()
	e.calls.Wait()
	var errs []error
	for range cap(e.free) {
		s := <-e.free
		if err := s.stop(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := e.cache.Close(context.Background()); err != nil {
		errs = append(errs, fmt.Errorf("pdftext: closing compilation cache: %w", err))
	}
	return errors.Join(errs...)
}
