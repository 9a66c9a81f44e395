package pipeline

import (
	"context"
	"fmt"
	"iter"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// Run calls fn for each document of src, at most opts.Concurrency at a
// time, and delivers exactly one [Outcome] per document taken from src to
// the ledger and the sinks. It returns the run's totals.
//
// src is pulled lazily: a document is taken only when a worker is free and
// the window (see [Options.Window]) has room, so memory does not grow with
// the corpus.
//
// A document with Err set is not passed to fn; its outcome is StatusError.
// A document recorded in opts.Ledger under the same ID, content hash and
// fingerprint is not passed to fn either (unless RetryFailed and its status
// was not ok): its outcome is StatusSkipped, carrying the recorded value,
// usage and times, with Reason saying what the earlier status was. A panic
// in fn becomes that document's StatusError with Reason "panic: ..." and
// Stack; the run goes on.
//
// When ctx is cancelled, Run stops taking documents; documents already taken
// are finished with ctx cancelled (fn sees it at once: there is no grace
// period), delivered to the sinks, and — if they ended with StatusError —
// not recorded in the ledger, so the next run does them. Run then syncs the
// ledger, closes the sinks and returns ctx.Err() with the totals so far.
//
// Run fails, after draining, when the ledger or a sink fails to write.
// If pulling src can block (stdin), src should itself return when ctx is
// done: Run waits for it.
func Run(ctx context.Context, src iter.Seq[Document], fn Func, opts Options) (Totals, error) {
	opts = opts.withDefaults()
	e, err := Begin(opts)
	if err != nil {
		return Totals{ByStatus: make(map[Status]int)}, err
	}
	r := &runner{fn: fn, opts: opts, exec: e}
	return r.run(ctx, src)
}

type runner struct {
	fn   Func
	opts Options
	exec *Execution
}

type job struct {
	seq int64
	doc Document
}

// done is one finished document on its way to the collector.
type done struct {
	o      *Outcome
	res    *Result // nil unless fn was called
	record bool    // write to the ledger
}

func (r *runner) run(parent context.Context, src iter.Seq[Document]) (Totals, error) {
	opts, e := r.opts, r.exec
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	jobs := make(chan job)
	results := make(chan done, opts.Concurrency)
	window := make(chan struct{}, opts.Window)

	var stoppedEarly atomic.Bool
	var feeder sync.WaitGroup
	feeder.Go(func() {
		defer close(jobs)
		if !r.feed(ctx, src, jobs, window) {
			stoppedEarly.Store(true)
		}
	})
	var workers atomic.Int64
	workers.Store(int64(opts.Concurrency))
	for range opts.Concurrency {
		go func() {
			defer func() {
				if workers.Add(-1) == 0 {
					close(results)
				}
			}()
			for j := range jobs {
				results <- r.process(ctx, j)
			}
		}()
	}

	// Collect: ledger, reorder, sinks, tallies, progress.
	q := newReorder(opts.Order == InputOrder)
	var fatal error
	interrupted, ledgerFailed := false, false
	deliver := func(d done) {
		<-window
		if fatal != nil {
			return
		}
		if err := e.Emit(d.o, d.res); err != nil {
			fatal = err
			cancel(fatal)
		}
	}
	for d := range results {
		if !d.record && d.o.Status == StatusError {
			interrupted = true
		}
		// Record even after a sink failed: the work is paid for.
		if d.record && !ledgerFailed {
			if err := e.Record(d.o); err != nil {
				ledgerFailed = true
				if fatal == nil {
					fatal = err
					cancel(fatal)
				}
			}
		}
		q.push(d, deliver)
		if opts.onBuffered != nil {
			opts.onBuffered(q.len())
		}
	}
	feeder.Wait()
	// Everything taken has been delivered: q is empty.

	var err error
	switch {
	case fatal != nil:
		err = fatal
	case parent.Err() != nil && (interrupted || stoppedEarly.Load()):
		err = parent.Err()
	}
	return e.End(err)
}

// feed hands documents to workers, one window slot each. It returns false
// if it stopped because ctx was cancelled.
func (r *runner) feed(ctx context.Context, src iter.Seq[Document], jobs chan<- job, window chan struct{}) bool {
	var seq int64
	for doc := range src {
		select {
		case window <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		select {
		case jobs <- job{seq: seq, doc: doc}:
		case <-ctx.Done():
			<-window
			return false
		}
		seq++
		if r.opts.Limit > 0 && seq >= int64(r.opts.Limit) {
			return true // before pulling one more
		}
	}
	return true
}

// process turns one document into its outcome.
func (r *runner) process(ctx context.Context, j job) done {
	o, final := r.exec.Outcome(j.seq, &j.doc)
	if final {
		return done{o: o, record: true}
	}
	if ctx.Err() != nil {
		return interrupted(o, ctx, o.Started)
	}
	resv, err := r.opts.Limiter.wait(ctx, r.opts.Estimate(j.doc))
	if err != nil {
		return interrupted(o, ctx, r.opts.Clock())
	}
	r.exec.inFlight.Add(1)
	res, stack := call(contextWithReservation(ctx, resv), r.fn, j.doc)
	r.exec.inFlight.Add(-1)
	resv.settle(res.Usage.Total())
	r.exec.Bind(o, &res)
	o.Stack = stack
	// Interrupted: not recorded, the next run does it again. (Record
	// leaves out StatusSkipped itself.)
	return done{o: o, res: &res, record: !(o.Status == StatusError && ctx.Err() != nil)}
}

// interrupted ends a document the run was cancelled before it could do.
func interrupted(o *Outcome, ctx context.Context, at time.Time) done {
	o.Status = StatusError
	o.Reason = "interrupted: " + context.Cause(ctx).Error()
	if o.Started.IsZero() {
		o.Started = at
	}
	o.Finished = at
	return done{o: o}
}

// call runs fn, turning a panic into StatusError with its stack.
func call(ctx context.Context, fn Func, doc Document) (res Result, stack string) {
	defer func() {
		if p := recover(); p != nil {
			res = Result{Status: StatusError, Reason: fmt.Sprintf("panic: %v", p)}
			stack = string(debug.Stack())
		}
	}()
	return fn(ctx, doc), ""
}
