package pipeline

import (
	"context"
	"log/slog"
	"time"
)

// Func extracts one document. It is called from several goroutines at once
// and must honour ctx: when the run is cancelled, ctx is cancelled too (no
// grace period) and Func should return promptly, with StatusError.
//
// Func decides the outcome; Run only adds what Func cannot know (sequence,
// identity, times) and catches panics.
type Func func(ctx context.Context, doc Document) Result

// Order is the order in which sinks receive outcomes.
type Order int

const (
	// InputOrder delivers outcomes in the order the source yielded the
	// documents, holding early finishers in a bounded reorder buffer.
	InputOrder Order = iota
	// CompletionOrder delivers each outcome as soon as it is known.
	CompletionOrder
)

func (o Order) String() string {
	if o == CompletionOrder {
		return "completion"
	}
	return "input"
}

// Options configures [Run]. The zero value runs [DefaultConcurrency]
// documents at a time, with no rate limit, no ledger and no sinks.
type Options struct {
	// Concurrency is how many documents are processed at once. If zero or
	// negative, Run uses DefaultConcurrency.
	Concurrency int
	// Window is how many documents may be handed out but not yet delivered
	// to the sinks. It bounds the reorder buffer of InputOrder: when one slow
	// document holds up Window-1 finished ones, no new document is started
	// (workers wait) until it finishes. If zero, 16 × Concurrency, at least
	// 1024: a document retried through a few faults takes seconds while the
	// others go on, and a held outcome is small (the documents' contents
	// are not kept). It is raised to Concurrency if smaller.
	Window int
	// Limiter paces requests and tokens across workers. If nil, nothing is paced.
	Limiter *Limiter
	// Ledger records every outcome and skips documents already recorded
	// for the same ID, content hash and Fingerprint. If nil, nothing is
	// recorded or skipped. Run syncs it at the end but does not close it.
	Ledger *Ledger
	// Fingerprint identifies the job (see [Fingerprint]): model, schema,
	// instructions... A document recorded under another fingerprint is
	// extracted again. Empty is a valid fingerprint.
	Fingerprint string
	// Sinks receive every outcome, from one goroutine, and are closed at
	// the end of the run (also when it fails or is cancelled).
	Sinks []Sink
	// Order is the order in which sinks receive outcomes. Default InputOrder.
	Order Order
	// Progress, if not nil, is called from one goroutine after every
	// outcome, and once at the start and at the end.
	Progress func(Progress)
	// RetryFailed extracts again the documents whose recorded outcome is not
	// StatusOK. If false, every recorded document is skipped.
	RetryFailed bool
	// Limit stops the run after this many documents have been taken from
	// the source (skipped ones included). If zero or negative, no limit.
	Limit int
	// Total is the number of documents the source will yield, if known
	// (for Progress.Total and ETA). If zero, unknown.
	Total int
	// Estimate guesses a document's input tokens for the Limiter. If nil,
	// [DefaultEstimate].
	Estimate func(Document) int
	// Info describes the job for run.json and the sinks' Close; Run fills
	// in Start, End and Totals. If nil, those fields only.
	Info *RunInfo
	// Clock returns the current time for outcome and progress times. If
	// nil, time.Now. (The Limiter always uses the time package, so use
	// testing/synctest to test pacing.)
	Clock func() time.Time
	// Logger receives warnings (a recorded line that cannot be read back, a
	// sink that fails to close). If nil, nothing is logged.
	Logger *slog.Logger

	onBuffered func(n int) // test hook: reorder buffer size after each insertion
}

// DefaultConcurrency is how many documents Run processes at once when
// Options.Concurrency is not set.
const DefaultConcurrency = 8

const minWindow = 1024

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Window <= 0 {
		o.Window = max(16*o.Concurrency, minWindow)
	}
	o.Window = max(o.Window, o.Concurrency)
	if o.Estimate == nil {
		o.Estimate = DefaultEstimate
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}
