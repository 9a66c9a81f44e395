package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
)

// An Execution is the bookkeeping of one run that every executor shares:
// it binds documents to outcomes, replays what the ledger already holds,
// records outcomes in the ledger, hands them to the sinks, counts the
// totals and writes run.json. [Run] is built on it, and so is the Batch
// API executor of package batch; an executor of your own (another way of
// sending the requests) uses it the same way:
//
//	e, err := pipeline.Begin(opts)
//	for each document, numbered seq from 0:
//		o, done := e.Outcome(seq, &doc)
//		var res *pipeline.Result // nil when done
//		if !done {
//			r := work(doc)      // what the executor does
//			res = &r
//			e.Bind(o, res)
//		}
//		e.Record(o)             // into the ledger, as soon as it is known
//		e.Emit(o, res)          // to the sinks, in the order they should see
//	totals, err := e.End(runErr)
//
// Outcome and Bind may be called from several goroutines at once; Record
// and Emit from one goroutine at a time. An Execution uses these fields of
// [Options]: Ledger, Fingerprint, RetryFailed, Sinks, Info, Progress, Total,
// Limit, Clock and Logger; the others are Run's.
type Execution struct {
	opts     Options
	info     RunInfo
	tally    *tally
	inFlight atomic.Int64 // documents inside the work now, for Progress
}

// Begin starts a run: it writes run.json (when there is a ledger) with
// the start time and reports the first [Progress]. If that fails, the sinks
// are closed and the error is returned.
func Begin(opts Options) (*Execution, error) {
	opts = opts.withDefaults()
	e := &Execution{opts: opts}
	if opts.Info != nil {
		e.info = *opts.Info
	}
	e.info.Start = opts.Clock()
	e.tally = newTally(e.info.Start, opts)
	if opts.Ledger != nil {
		if err := opts.Ledger.WriteRunInfo(&e.info); err != nil {
			return nil, e.closeSinks(err)
		}
	}
	e.report()
	return e, nil
}

// Outcome binds doc, the seq-th document of the run (from 0), to a new
// outcome. When the document needs no work the outcome is final and done
// is true: StatusSkipped replaying what the ledger recorded for the same
// ID, content hash and fingerprint (unless RetryFailed and it did not end
// ok), or StatusError when the source could not read the document
// (Document.Err). Otherwise the outcome carries the document's identity
// and start time, and the executor completes it with [Execution.Bind].
func (e *Execution) Outcome(seq int64, doc *Document) (o *Outcome, done bool) {
	o = &Outcome{
		Seq:         seq,
		ID:          doc.ID,
		Hash:        doc.Hash(),
		Fingerprint: e.opts.Fingerprint,
		Source:      doc.Source,
		Row:         doc.Row,
		Page:        doc.Page,
		Columns:     doc.Columns,
		Meta:        doc.Meta,
	}
	if l := e.opts.Ledger; l != nil {
		if st, ok := l.lookup(o.ID, o.Hash, o.Fingerprint); ok && (st == StatusOK || !e.opts.RetryFailed) {
			prev, err := l.load(o.ID, o.Hash, o.Fingerprint)
			if err == nil {
				skipFrom(o, prev)
				return o, true
			}
			e.opts.Logger.Warn("pipeline: recorded outcome unreadable, extracting again", "id", o.ID, "err", err)
		}
	}
	o.Started = e.opts.Clock()
	if doc.Err != nil {
		o.Status, o.Reason, o.Finished = StatusError, doc.Err.Error(), o.Started
		return o, true
	}
	return o, false
}

// Bind completes o with res, what the work on its document returned, and
// the current time as Finished. A Result without a status becomes
// StatusError; a Value that is not JSON is kept as a JSON string.
func (e *Execution) Bind(o *Outcome, res *Result) {
	o.Finished = e.opts.Clock()
	o.Status, o.Reason = res.Status, res.Reason
	o.Value, o.Evidence, o.AttemptErrors = res.Value, res.Evidence, res.AttemptErrors
	o.Attempts, o.Usage, o.Model, o.ResponseIDs = res.Attempts, res.Usage, res.Model, res.ResponseIDs
	if o.Status == "" {
		o.Status, o.Reason = StatusError, "pipeline: function returned no status"
	}
	if len(o.Value) > 0 && !json.Valid(o.Value) {
		o.Value, _ = json.Marshal(string(o.Value)) // keep it, as a JSON string
	}
}

// Record appends o to the ledger, if there is one. A StatusSkipped outcome
// is not appended: replayed, it is recorded already; skipped by the work,
// it is not done and the next run tries again. Leave out, too, outcomes
// the next run should redo (a document interrupted by cancellation).
func (e *Execution) Record(o *Outcome) error {
	if e.opts.Ledger == nil || o.Status == StatusSkipped {
		return nil
	}
	return e.opts.Ledger.Append(o)
}

// Emit hands o to every sink, then counts it in the totals and reports
// [Progress]. res is the Result bound to o, or nil: its Requests and
// RateLimited are counted. The tokens of a replayed outcome belong to an
// earlier run and are not counted.
func (e *Execution) Emit(o *Outcome, res *Result) error {
	for _, s := range e.opts.Sinks {
		if err := s.Write(o); err != nil {
			return fmt.Errorf("pipeline: sink: %w", err)
		}
	}
	e.tally.add(o, o.Replayed() == o, res)
	e.report()
	return nil
}

// End finishes the run whose own outcome is err (nil, a failure, or the
// cancellation that stopped it): it syncs the ledger, writes run.json with
// the end time and totals, reports the last [Progress] and closes the
// sinks. It returns the totals and err joined with whatever of that failed.
func (e *Execution) End(err error) (Totals, error) {
	e.tally.totals.Wall = e.opts.Clock().Sub(e.info.Start)
	e.info.End = e.opts.Clock()
	e.info.Totals = e.tally.totals
	if l := e.opts.Ledger; l != nil {
		serr, werr := l.sync(), l.WriteRunInfo(&e.info)
		if serr != nil || werr != nil {
			err = errors.Join(err, serr, werr)
		}
	}
	e.report()
	return e.tally.totals, e.closeSinks(err)
}

func (e *Execution) closeSinks(err error) error {
	for _, s := range e.opts.Sinks {
		if cerr := s.Close(&e.info); cerr != nil {
			err = errors.Join(err, fmt.Errorf("pipeline: sink: close: %w", cerr))
		}
	}
	return err
}

func (e *Execution) report() {
	if e.opts.Progress != nil {
		e.opts.Progress(e.tally.progress(e.opts.Clock(), int(e.inFlight.Load())))
	}
}

// skipFrom makes o (a document of this run) a StatusSkipped outcome that
// replays prev, its record from an earlier run: value, tokens and times of
// then, and EarlierStatus/EarlierReason.
func skipFrom(o, prev *Outcome) {
	o.Status = StatusSkipped
	o.Reason = "done in an earlier run: " + string(prev.Status)
	if prev.Reason != "" {
		o.Reason += ": " + prev.Reason
	}
	o.EarlierStatus, o.EarlierReason = prev.Status, prev.Reason
	o.Stack = prev.Stack
	o.Value = prev.Value
	o.Attempts, o.Usage, o.Model, o.ResponseIDs = prev.Attempts, prev.Usage, prev.Model, prev.ResponseIDs
	o.Evidence, o.AttemptErrors = prev.Evidence, prev.AttemptErrors
	o.Started, o.Finished = prev.Started, prev.Finished
}
