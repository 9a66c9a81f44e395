package pipeline

import "time"

// Progress is a snapshot of a running [Run], for a progress bar.
type Progress struct {
	// Done counts outcomes delivered so far, of any status.
	Done int
	// Failed counts those that are neither StatusOK nor StatusSkipped.
	Failed int
	// Skipped counts StatusSkipped outcomes (recorded in an earlier run, or
	// skipped by the function).
	Skipped int
	// InFlight counts documents inside the function now.
	InFlight int
	// Total is Options.Total (capped by Options.Limit), or -1 if unknown.
	Total int
	// Usage sums the tokens of this run's outcomes (not of skipped ones).
	Usage Usage
	// Rate is documents per minute, not counting skipped ones.
	Rate float64
	// ETA estimates the time left, assuming the documents left are not
	// skipped; 0 if unknown.
	ETA time.Duration
	// Elapsed is the time since the run started.
	Elapsed time.Duration
}

// tally accumulates Totals and Progress in the collecting goroutine.
type tally struct {
	totals  Totals
	start   time.Time
	total   int
	done    int
	failed  int
	skipped int
}

func newTally(start time.Time, opts Options) *tally {
	total := -1
	if opts.Total > 0 {
		total = opts.Total
	}
	if opts.Limit > 0 && total >= 0 {
		total = min(total, opts.Limit)
	}
	return &tally{start: start, total: total, totals: Totals{ByStatus: make(map[Status]int)}}
}

// add counts one delivered outcome; fresh is false for an outcome read back
// from the ledger, whose usage belongs to an earlier run.
func (t *tally) add(o *Outcome, fresh bool, r *Result) {
	t.done++
	t.totals.Documents++
	t.totals.ByStatus[o.Status]++
	switch o.Status {
	case StatusOK:
	case StatusSkipped:
		t.skipped++
	default:
		t.failed++
	}
	if fresh {
		t.totals.Usage = t.totals.Usage.Add(o.Usage)
	}
	if r != nil {
		t.totals.Requests += r.Requests
		t.totals.RateLimited += r.RateLimited
	}
}

func (t *tally) progress(now time.Time, inFlight int) Progress {
	p := Progress{
		Done:     t.done,
		Failed:   t.failed,
		Skipped:  t.skipped,
		InFlight: inFlight,
		Total:    t.total,
		Usage:    t.totals.Usage,
		Elapsed:  now.Sub(t.start),
	}
	if worked := t.done - t.skipped; worked > 0 && p.Elapsed > 0 {
		p.Rate = float64(worked) / p.Elapsed.Minutes()
		if t.total >= 0 && t.total > t.done {
			p.ETA = time.Duration(float64(t.total-t.done) / p.Rate * float64(time.Minute))
		}
	}
	return p
}
