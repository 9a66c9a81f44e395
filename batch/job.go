package batch

import (
	"context"
	"log/slog"
	"time"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

// Job is what a batch run extracts: the same pieces a synchronous run uses.
type Job struct {
	// Extractor builds the requests (model, instructions, attempts, output
	// budget...). Its Client is not used: batch requests go through
	// Options.API.
	Extractor *extract.Extractor
	// Spec is the schema and check of the answers.
	Spec extract.Spec
	// Inputs turns a document into the inputs of its extraction. If nil,
	// [docextract.Inputs].
	Inputs func(doc *pipeline.Document) []extract.Input
	// Ledger records outcomes and the batch's progress (uploaded files,
	// batch IDs, call states). Required: it is what makes a batch run
	// resumable.
	Ledger *pipeline.Ledger
	// Fingerprint identifies the job, as in [pipeline.Options.Fingerprint].
	Fingerprint string
	// Sinks receive every outcome, from one goroutine, and are closed at the
	// end of the run.
	Sinks []pipeline.Sink
	// Info describes the job for run.json and the sinks' Close; Run fills in
	// Start, End and Totals.
	Info *pipeline.RunInfo
}

// Expired says what happens to the requests of an expired batch that did
// not run.
type Expired int

const (
	// Resubmit sends them again in the next round's batch (the default).
	Resubmit Expired = iota
	// Report ends them with StatusError "batch expired"; they are not
	// recorded in the ledger, so the next run sends them again.
	Report
)

// Limits of one batch input file (see FACTS: 50,000 requests, 200 MB).
const (
	DefaultMaxRequests  = 50_000
	DefaultMaxFileBytes = 200_000_000
)

// Options configures [Run]. Only API is required.
type Options struct {
	// API reaches the Files and Batches endpoints: NewAPI(&client).
	API API
	// MaxRequests and MaxFileBytes split the input into files. If zero,
	// DefaultMaxRequests and DefaultMaxFileBytes.
	MaxRequests  int
	MaxFileBytes int64
	// Expired chooses what happens to requests of expired batches. Default
	// Resubmit.
	Expired Expired
	// MaxRounds bounds the rounds of batches (first answers, re-asks,
	// resubmissions). If zero, the Extractor's MaxAttempts
	// (extract.DefaultMaxAttempts if unset) + 2.
	// Documents still without an answer then end with StatusError.
	MaxRounds int
	// LineRetries bounds how many times one document's request is sent
	// again, in the next round, after its line failed the way a synchronous
	// call's client retries (HTTP 5xx, 408, 409 or 429; error codes
	// server_error, rate_limit_exceeded, timeout): such lines are not billed.
	// If zero, 2 (openai-go's default retries); negative, none. MaxRounds
	// bounds them too.
	LineRetries int
	// PollMin and PollMax bound the wait between polls of unfinished
	// batches; it doubles from PollMin to PollMax. If zero, 10s and 5m.
	PollMin, PollMax time.Duration
	// Sleep waits d or until ctx is done. If nil, a timer. Tests pass a
	// function that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Clock returns the current time. If nil, time.Now.
	Clock func() time.Time
	// Progress, if not nil, is called after every poll of a batch.
	Progress func(Progress)
	// Budget, if not nil, must have room for a round's estimated cost
	// before its files are uploaded; Run fails with ErrBudget otherwise.
	Budget *pipeline.Budget
	// Prices price the estimates and the spend. If nil, extract.DefaultPrices.
	Prices extract.Prices
	// OutputTokens is the output a cost estimate assumes per request. If
	// zero, [docextract.OutputTokens] of the Extractor.
	OutputTokens int64
	// TempDir holds the input files while they are written and uploaded,
	// and the output files while they are read. If empty, os.TempDir().
	TempDir string
	// Metadata is attached to every batch (at most 16 pairs, with the
	// "quarry_round" key Run adds).
	Metadata map[string]string
	// Logger receives warnings. If nil, nothing is logged.
	Logger *slog.Logger

	// hook, in tests, runs after each batch ledger event; an error stops Run.
	hook func(kind string) error
}

// Progress is a batch's state after a poll.
type Progress struct {
	Round     int
	BatchID   string
	Status    string // validating, in_progress, finalizing, completed, expired, failed, cancelling, cancelled
	Total     int64
	Completed int64
	Failed    int64
}

func (o Options) withDefaults(ex *extract.Extractor) Options {
	if o.MaxRequests <= 0 {
		o.MaxRequests = DefaultMaxRequests
	}
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = DefaultMaxFileBytes
	}
	if o.MaxRounds <= 0 {
		n := ex.MaxAttempts
		if n <= 0 {
			n = extract.DefaultMaxAttempts
		}
		o.MaxRounds = n + 2
	}
	switch {
	case o.LineRetries == 0:
		o.LineRetries = 2
	case o.LineRetries < 0:
		o.LineRetries = 0
	}
	if o.PollMin <= 0 {
		o.PollMin = 10 * time.Second
	}
	if o.PollMax <= 0 {
		o.PollMax = 5 * time.Minute
	}
	o.PollMax = max(o.PollMax, o.PollMin)
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Prices == nil {
		o.Prices = extract.DefaultPrices()
	}
	if o.OutputTokens <= 0 {
		o.OutputTokens = docextract.OutputTokens(ex)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
