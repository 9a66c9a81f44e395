package main

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/pipeline"
)

// progress draws a progress bar on stderr when it is a terminal.
type progress struct {
	bar   *progressbar.ProgressBar
	limit int
	last  pipeline.Progress
}

func (a *app) newProgress(limit int) *progress {
	p := &progress{limit: limit}
	f, ok := a.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return p
	}
	p.bar = progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription("extracting"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	)
	return p
}

func (p *progress) enabled() bool { return p.bar != nil }

func (p *progress) update(pr pipeline.Progress) {
	p.last = pr
	if p.bar == nil {
		return
	}
	if pr.Total > 0 && p.bar.GetMax() != pr.Total {
		p.bar.ChangeMax(pr.Total)
	}
	p.bar.Describe(fmt.Sprintf("ok/failed %d/%d, in flight %d, %s tokens, %.0f docs/min",
		pr.Done-pr.Failed-pr.Skipped, pr.Failed, pr.InFlight, count(pr.Usage.Total()), pr.Rate))
	_ = p.bar.Set(pr.Done)
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// failureLog keeps the first failures for the summary.
type failureLog struct {
	mu    sync.Mutex
	lines []string
	more  int
}

func (l *failureLog) add(o *pipeline.Outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.lines) >= 20 {
		l.more++
		return
	}
	l.lines = append(l.lines, fmt.Sprintf("  %s: %s: %s", o.ID, o.Status, o.Reason))
}

// recordSink watches outcomes for the summary and the exit code.
type recordSink struct {
	failures      *failureLog
	skippedFailed int // failed in an earlier run, skipped now
	replayed      int // done in an earlier run (any status), read from the ledger
	notSent       int // skipped in this run without a record: --budget reached
}

func (r *recordSink) Write(o *pipeline.Outcome) error {
	switch {
	case o.Status == pipeline.StatusSkipped && o.EarlierStatus == "":
		r.notSent++
		r.failures.add(o)
	case o.Status == pipeline.StatusSkipped:
		r.replayed++
		if o.EarlierStatus != pipeline.StatusOK {
			r.skippedFailed++
			r.failures.add(o.Replayed())
		}
	case o.Status != pipeline.StatusOK:
		r.failures.add(o)
	}
	return nil
}

func (r *recordSink) Close(*pipeline.RunInfo) error { return nil }

// summary prints the end-of-run report on stderr.
func (a *app) summary(j *job, t pipeline.Totals, rec *recordSink, runErr error) {
	w := a.stderr
	failures := rec.failures
	line := fmt.Sprintf("quarry: %s in %s", documents(t.Documents), t.Wall.Round(time.Millisecond))
	if sent := t.Documents - t.ByStatus[pipeline.StatusSkipped]; sent > 0 && t.Wall > 0 {
		line += fmt.Sprintf(", %.0f documents/min", float64(sent)/t.Wall.Minutes())
	}
	if rec.replayed > 0 {
		line += fmt.Sprintf(", %d of them done in an earlier run (read from the ledger, not sent again)", rec.replayed)
	}
	if j.simulated {
		line += " (simulated model)"
	}
	fmt.Fprintln(w, line)
	var parts []string
	for _, s := range pipeline.Statuses() {
		parts = append(parts, fmt.Sprintf("%s %d", s, t.ByStatus[s]))
	}
	others := []string{}
	for s, n := range t.ByStatus {
		if !slices.Contains(pipeline.Statuses(), s) {
			others = append(others, fmt.Sprintf("%s %d", s, n))
		}
	}
	sort.Strings(others)
	fmt.Fprintf(w, "  %s\n", strings.Join(append(parts, others...), " · "))
	u := t.Usage
	cost := "unknown price"
	if pr, ok := j.prices.Lookup(j.ex.Model); ok {
		c := docextract.Cost(pr, u, j.tier)
		if j.simulated {
			cost = fmt.Sprintf("$%.4f if it were real", c)
		} else {
			cost = fmt.Sprintf("$%.4f", c)
		}
	}
	fmt.Fprintf(w, "  tokens: input %s (cached %s) · output %s (reasoning %s) · requests %d (429s %d) · cost %s\n",
		count(u.InputTokens), count(u.CachedTokens), count(u.OutputTokens), count(u.ReasoningTokens), t.Requests, t.RateLimited, cost)
	j.evidence.summary(w)
	if len(j.f.outs) > 0 {
		fmt.Fprintf(w, "  outputs: %s\n", strings.Join(j.f.outs, ", "))
	}
	fmt.Fprintf(w, "  run dir: %s (re-run the same command to resume; --retry-failed redoes failures)\n", j.runDir)
	failures.mu.Lock()
	defer failures.mu.Unlock()
	if len(failures.lines) > 0 {
		fmt.Fprintln(w, "failed documents:")
		for _, l := range failures.lines {
			fmt.Fprintln(w, l)
		}
		if failures.more > 0 {
			fmt.Fprintf(w, "  … and %d more (see the errors sheet or the JSONL output)\n", failures.more)
		}
	}
}

// count formats a number with thousands separators.
func count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// documents is "1 document" or "n documents".
func documents(n int) string {
	if n == 1 {
		return "1 document"
	}
	return fmt.Sprintf("%d documents", n)
}
