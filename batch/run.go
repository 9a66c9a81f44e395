package batch

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

// Run extracts every document of src through the Batch API and delivers
// exactly one outcome per document to the ledger and the sinks, as
// [pipeline.Run] does for synchronous calls. It returns the run's totals.
//
// src must be re-iterable: Run reads it once per round (to write the
// requests and to bind answers to their documents) instead of keeping the
// documents in memory.
//
// Outcomes are delivered in completion order: round by round, and in
// input order within a round. Outcome.Seq is the document's position in
// src. Run blocks until every batch it submitted has finished (up to 24
// hours each); when ctx is cancelled it returns ctx.Err() at once, leaving
// the batches running: running it again with the same ledger resumes
// polling them. See the package documentation for what is recorded when.
func Run(ctx context.Context, src iter.Seq[pipeline.Document], job Job, opts Options) (pipeline.Totals, error) {
	switch {
	case job.Extractor == nil:
		return pipeline.Totals{}, errors.New("batch: Job.Extractor is nil")
	case job.Ledger == nil:
		return pipeline.Totals{}, errors.New("batch: Job.Ledger is nil (a batch run needs a ledger to resume)")
	case opts.API == nil:
		return pipeline.Totals{}, errors.New("batch: Options.API is nil")
	}
	if job.Inputs == nil {
		job.Inputs = docextract.Inputs
	}
	r := &runner{
		job:     job,
		opts:    opts.withDefaults(job.Extractor),
		flights: make(map[docKey]*flight),
		retried: make(map[docKey]int),
	}
	r.price, r.priced = r.opts.Prices.Lookup(job.Extractor.Model)
	if job.Extractor.Model == "" {
		r.price, r.priced = r.opts.Prices.Lookup(extract.DefaultModel)
	}
	if r.opts.Budget != nil && !r.priced {
		return pipeline.Totals{}, fmt.Errorf("batch: no price for model %q: a budget needs one (add it to the price table)", job.Extractor.Model)
	}
	return r.run(ctx, src)
}

type runner struct {
	job   Job
	opts  Options
	price extract.Price

	priced  bool
	pending map[docKey]extract.CallState // call states of documents that need another round
	flights map[docKey]*flight           // requests in submitted, unfinished batches
	retried map[docKey]int               // transient line failures resubmitted, this run
	parts   []*part                      // submitted, unfinished batches
	round   int                          // the last round number used in the ledger

	estimate float64 // estimated cost of the round being written
	reserved float64 // budget reserved for the round in flight
	spent    float64 // actual cost of the answers read since

	exec *pipeline.Execution // outcomes, ledger, sinks, totals, run.json
}

// flight is one request in a submitted batch.
type flight struct {
	part *part
	req  request
}

func (r *runner) run(ctx context.Context, src iter.Seq[pipeline.Document]) (pipeline.Totals, error) {
	e, err := pipeline.Begin(pipeline.Options{
		Ledger:      r.job.Ledger,
		Fingerprint: r.job.Fingerprint,
		Sinks:       r.job.Sinks,
		Info:        r.job.Info,
		Clock:       r.opts.Clock,
		Logger:      r.opts.Logger,
	})
	if err != nil {
		return pipeline.Totals{ByStatus: make(map[pipeline.Status]int)}, err
	}
	r.exec = e
	return e.End(r.rounds(ctx, src))
}

// rounds resumes what the ledger holds, then runs rounds until every
// document has its outcome.
func (r *runner) rounds(ctx context.Context, src iter.Seq[pipeline.Document]) error {
	if err := r.resume(ctx); err != nil {
		return err
	}
	for done := 0; ; done++ {
		var res *results
		if len(r.parts) > 0 {
			if err := r.wait(ctx); err != nil {
				return err
			}
			var err error
			if res, err = r.fetch(ctx); err != nil {
				res.close()
				return err
			}
		}
		var w *writer
		if done < r.opts.MaxRounds {
			w = newWriter(r.opts.TempDir, r.round+1, r.opts.MaxRequests, r.opts.MaxFileBytes)
		}
		r.estimate = 0
		err := r.scan(ctx, src, res, done == 0, w)
		res.close()
		if err == nil {
			err = r.finishParts()
		}
		if err != nil {
			if w != nil {
				w.remove()
			}
			return err
		}
		if w == nil {
			return nil
		}
		files, err := w.finish()
		if err == nil && len(files) > 0 {
			r.round++
			if err = r.reserve(files); err == nil {
				err = r.submit(ctx, files)
			}
		}
		w.remove()
		if err != nil || len(files) == 0 {
			return err
		}
	}
}

// resume reads the batch events of the ledger: the call states of
// documents being re-asked, and the batches to poll (or to submit, when a
// kill fell between the upload and the batch creation).
func (r *runner) resume(ctx context.Context) error {
	j, err := readJournal(r.job.Ledger.Dir(), r.job.Fingerprint)
	if err != nil {
		return err
	}
	r.pending, r.round = j.pending, j.maxRound
	for _, p := range j.parts {
		switch {
		case p.Finished:
		case p.BatchID != "":
			r.adopt(p)
		case p.FileID != "":
			// Killed between upload and submit: the file is on the server.
			// A batch may have been created without its ID being recorded:
			// look for it before creating one.
			if err := r.resubmit(ctx, p); err != nil {
				return err
			}
		default:
			// Killed before the upload returned: the next scan writes
			// these requests again (an orphan file may remain; it costs
			// nothing and expires after 30 days).
		}
	}
	return nil
}

// reserve takes the estimated cost of the round about to be uploaded from
// the budget, if there is one.
func (r *runner) reserve(files []*inputFile) error {
	b := r.opts.Budget
	if b == nil {
		return nil
	}
	if !b.Reserve(r.estimate) {
		n := 0
		for _, f := range files {
			n += f.n
		}
		return &BudgetError{Round: r.round, Requests: n, Estimate: r.estimate, Spent: b.Spent(), Limit: b.Limit()}
	}
	r.reserved = r.estimate
	return nil
}

// scan reads src once: it emits the outcomes of skipped and unreadable
// documents (on the first scan), reads the answers of finished batches,
// and writes the requests of the next round to w (nil: no more rounds).
func (r *runner) scan(ctx context.Context, src iter.Seq[pipeline.Document], res *results, first bool, w *writer) error {
	var seq int64
	for doc := range src {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.one(ctx, &doc, seq, res, first, w); err != nil {
			return err
		}
		seq++
	}
	for k, f := range r.flights {
		r.opts.Logger.Warn("batch: answer for a document no longer in the source", "id", k.id, "custom_id", f.req.CustomID)
	}
	clear(r.flights)
	return nil
}

// one handles one document of a scan. The first scan gives every
// document its outcome or a request; a later one reads the answers of the
// documents in flight (the others are done, or given up, in this run).
func (r *runner) one(ctx context.Context, doc *pipeline.Document, seq int64, res *results, first bool, w *writer) error {
	if !first {
		if _, ok := r.flights[docKey{doc.ID, doc.Hash()}]; !ok {
			return nil
		}
	}
	o, done := r.exec.Outcome(seq, doc)
	if done { // replayed from the ledger (not recorded again), or unreadable
		return r.deliver(o, true, nil)
	}
	k := docKey{o.ID, o.Hash}
	st, hasState := r.pending[k]
	c, err := r.restore(doc, st, hasState)
	if err != nil {
		o.Status, o.Reason, o.Finished = pipeline.StatusError, err.Error(), o.Started
		return r.deliver(o, true, nil)
	}
	if f, ok := r.flights[k]; ok {
		delete(r.flights, k)
		o.Started = f.part.SubmittedAt
		if len(st.Attempts)+1 != f.req.Attempt {
			r.opts.Logger.Warn("batch: answer for another attempt, ignored", "id", doc.ID, "custom_id", f.req.CustomID)
		} else {
			again, err := r.read(c, f, res, o)
			if err != nil || !again {
				return err
			}
		}
	}
	if c.Done() {
		return r.final(c, o)
	}
	if w == nil {
		o.Status, o.Finished = pipeline.StatusError, r.opts.Clock()
		o.Reason = fmt.Sprintf("batch: no final answer after %d rounds", r.opts.MaxRounds)
		return r.deliver(o, false, nil)
	}
	st = c.State()
	body, err := c.Body()
	if err != nil {
		return fmt.Errorf("batch: encoding the request: %w", err)
	}
	if _, err := w.add(doc.ID, o.Hash, len(st.Attempts)+1, body); err != nil {
		var tl *tooLargeError
		if errors.As(err, &tl) {
			o.Status, o.Reason, o.Finished = pipeline.StatusError, err.Error(), r.opts.Clock()
			return r.deliver(o, true, nil)
		}
		return err
	}
	r.estimate += docextract.EstimateCost(r.price, doc, reaskTokens(st), r.opts.OutputTokens, extract.TierBatch)
	return nil
}

// read applies the answer of a finished batch to c. It reports whether
// the document needs another request; an outcome it could deliver is
// delivered.
func (r *runner) read(c *extract.Call, f *flight, res *results, o *pipeline.Outcome) (again bool, err error) {
	p := f.part
	ln, found, err := res.lookup(p.BatchID, f.req.CustomID)
	if err != nil {
		return false, err
	}
	before := len(c.State().Attempts)
	expired := false
	k := docKey{o.ID, o.Hash}
	switch {
	case found:
		retry := r.retried[k] < r.opts.LineRetries
		switch apply(c, ln, &r.job.Spec, retry) {
		case ErrExpired:
			expired = true
		case errTransient:
			// As a synchronous call's client would: the same request again,
			// in the next round.
			r.retried[k]++
			return true, nil
		}
	case p.Status == "expired" || p.Status == "cancelled":
		expired = true
	case p.Status == "failed":
		// None of its requests ran and nothing was billed (often a passing
		// enqueued-token limit): report it unrecorded, so a later run sends it.
		o.Status, o.Finished = pipeline.StatusError, r.opts.Clock()
		o.Reason = fmt.Sprintf("batch %s failed before this request ran: %s; run again to resubmit", p.BatchID, batchErrors(p))
		return false, r.deliver(o, false, nil)
	default:
		c.Fail(fmt.Errorf("batch: batch %s (%s) has no result for request %s", p.BatchID, p.Status, f.req.CustomID))
	}
	if st := c.State(); len(st.Attempts) > before {
		r.spent += usageCost(r.price, st.Attempts[len(st.Attempts)-1].Usage)
	}
	if expired {
		if p.Status == "cancelled" || r.opts.Expired == Report {
			o.Status, o.Finished = pipeline.StatusError, r.opts.Clock()
			o.Reason = "batch expired"
			if p.Status == "cancelled" {
				o.Reason = "batch cancelled"
			}
			o.Reason += ": batch " + p.BatchID + " ended before this request ran"
			return false, r.deliver(o, false, nil)
		}
		return true, nil // resubmitted in the next round, same attempt
	}
	if c.Done() {
		return false, r.final(c, o)
	}
	st := c.State()
	r.pending[k] = st
	if err := r.job.Ledger.AppendEvent(EventPending, pendingEvent{Fingerprint: r.job.Fingerprint, ID: o.ID, Hash: o.Hash, State: st}); err != nil {
		return false, err
	}
	return true, r.hook(EventPending)
}

// final delivers the outcome of a finished call.
func (r *runner) final(c *extract.Call, o *pipeline.Outcome) error {
	value, res, err := c.Outcome()
	if res != nil {
		res.Requests = len(res.Attempts)
	}
	pr := docextract.Result(value, res, err)
	r.exec.Bind(o, &pr)
	delete(r.pending, docKey{o.ID, o.Hash})
	return r.deliver(o, true, &pr)
}

// restore builds the call of a document from its saved state, if any.
func (r *runner) restore(doc *pipeline.Document, st extract.CallState, has bool) (*extract.Call, error) {
	in := r.job.Inputs(doc)
	if has {
		return r.job.Extractor.RestoreCall(r.job.Spec, st, in...)
	}
	return r.job.Extractor.NewCall(r.job.Spec, in...)
}

// deliver records o (when record is set) and hands it to the sinks; res
// is the Result bound to o, if any.
func (r *runner) deliver(o *pipeline.Outcome, record bool, res *pipeline.Result) error {
	if record {
		if err := r.exec.Record(o); err != nil {
			return err
		}
	}
	return r.exec.Emit(o, res)
}

// adopt makes p's requests in flight.
func (r *runner) adopt(p *part) {
	for _, q := range p.Requests {
		r.flights[docKey{q.ID, q.Hash}] = &flight{part: p, req: q}
	}
	p.Requests = nil
	r.parts = append(r.parts, p)
}

func (r *runner) hook(kind string) error {
	if r.opts.hook != nil {
		return r.opts.hook(kind)
	}
	return nil
}
