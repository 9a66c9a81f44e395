package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/batch"
	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/sink"
	"github.com/seed0611af48/quarry/pipeline/source"
	"github.com/seed0611af48/quarry/review"
)

func (a *app) run(ctx context.Context, f *runFlags) error {
	j, err := a.prepare(ctx, f)
	if err != nil {
		return err
	}
	defer j.close()
	if f.dryRun {
		return a.dryRun(ctx, j)
	}
	return a.reviewAfterRun(ctx, j, a.execute(ctx, j))
}

// execute runs the job through the pipeline into the sinks.
func (a *app) execute(ctx context.Context, j *job) error {
	f := j.f
	docs, err := source.Open(ctx, f.inputs, j.srcOpts)
	if err != nil {
		return usageError{err}
	}
	if j.simulated {
		why := "--mock"
		if a.getenv("OPENAI_API_KEY") == "" {
			why = "OPENAI_API_KEY is not set"
		}
		fmt.Fprintf(a.stderr, "quarry: %s: running against the built-in simulated model, not OpenAI; outputs are marked simulated.\n", why)
	}
	ledger, err := pipeline.OpenLedger(j.runDir)
	if err != nil {
		return err
	}
	defer ledger.Close()
	if err := review.Record(ledger, j.srcOpts); err != nil {
		return err
	}

	sinkOpts := sink.Options{Simulated: j.simulated, Logger: a.log, Cost: j.cost, Evidence: f.evidence}
	sinks, err := openSinks(f.outs, j.schema.spec.Schema, sinkOpts)
	if err != nil {
		return err
	}
	for i, s := range sinks {
		sinks[i] = replayed{s}
	}
	if j.evidence != nil {
		sinks = append(sinks, replayed{j.evidence})
	}
	if f.stream {
		j.ex.Client = &j.client.Responses
		return a.streamOne(ctx, j, ledger, sinks)
	}
	if len(f.outs) == 0 {
		sinks = append(sinks, replayed{sink.NewJSONL(a.stdout, sinkOpts)})
	}

	info := &pipeline.RunInfo{Model: j.ex.Model, Instructions: j.ex.SentInstructions(), Schema: j.schema.spec.Schema, Simulated: j.simulated}
	price, _ := j.prices.Lookup(j.ex.Model)
	budget := pipeline.NewBudget(f.budget)
	if f.batch {
		j.tier = extract.TierBatch
		return a.executeBatch(ctx, j, docs, ledger, sinks, info, budget)
	}

	limiter := pipeline.NewLimiter(pipeline.LimiterOptions{RequestsPerMinute: f.rpm, TokensPerMinute: f.tpm, Logger: a.log})
	j.ex.RequestOptions = append(j.ex.RequestOptions, option.WithMiddleware(limiter.Middleware))
	var bg *batch.Background
	if f.background {
		fmt.Fprintln(a.stderr, "quarry: --background: responses are stored by the server (store is on) and polled; an interrupted run resumes polling them")
		bg = &batch.Background{Responses: &j.client.Responses, Ledger: ledger, Fingerprint: j.fp}
	}
	j.clients(bg)

	fn := j.docs.Func()
	if f.budget > 0 {
		fn = budget.Guard(fn,
			func(d pipeline.Document) float64 {
				return docextract.EstimateCost(price, &d, int64(j.docs.Overhead()), docextract.OutputTokens(j.ex), j.tier)
			},
			func(r pipeline.Result) float64 { return docextract.Cost(price, r.Usage, j.tier) })
	}
	total := 0
	prog := a.newProgress(f.limit)
	if prog.enabled() {
		if n, err := source.Count(ctx, f.inputs, j.srcOpts); err == nil {
			total = n
		}
	}
	order := pipeline.InputOrder
	if f.order == "completion" {
		order = pipeline.CompletionOrder
	}
	failures := &failureLog{}
	recorder := &recordSink{failures: failures}
	totals, runErr := pipeline.Run(ctx, docs, fn, pipeline.Options{
		Concurrency: f.concurrency,
		Limiter:     limiter,
		Ledger:      ledger,
		Fingerprint: j.fp,
		Sinks:       append(sinks, recorder),
		Order:       order,
		Progress:    prog.update,
		RetryFailed: f.retryFailed,
		Limit:       f.limit,
		Total:       total,
		Estimate:    j.docs.Estimate,
		Info:        info,
		Logger:      a.log,
	})
	prog.finish()
	a.summary(j, totals, recorder, runErr)
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			return fmt.Errorf("interrupted: what finished is recorded; run the same command again to resume (ledger in %s)", j.runDir)
		}
		return runErr
	}
	if totals.Documents == 0 {
		return noDocuments(f.inputs)
	}
	if n := totals.Documents - totals.ByStatus[pipeline.StatusOK] - totals.ByStatus[pipeline.StatusSkipped]; n > 0 {
		return failuresError{failed: n}
	}
	if recorder.notSent > 0 {
		fmt.Fprintf(a.stderr, "quarry: %d documents were not sent: --budget reached; run the same command with a higher --budget to continue\n", recorder.notSent)
	}
	if n := recorder.skippedFailed + recorder.notSent; n > 0 {
		return failuresError{failed: n}
	}
	return nil
}

// newClient builds an openai-go client with an explicit key and base URL.
func newClient(key, baseURL string, opts ...option.RequestOption) openai.Client {
	if key != "" {
		opts = append(opts, option.WithAPIKey(key))
	}
	if baseURL != "" {
		opts = append(opts, option.WithBaseURL(baseURL))
	}
	return openai.NewClient(opts...)
}

// replayed gives an output sink, which every run writes anew, a document done
// in an earlier run as it was recorded then (status, reason, value) rather
// than as "skipped", so a resumed run's outputs equal an uninterrupted run's.
type replayed struct{ pipeline.Sink }

func (r replayed) Write(o *pipeline.Outcome) error { return r.Sink.Write(o.Replayed()) }

// cost prices a run's tokens at the job's model and tier (for the SQLite
// runs table).
func (j *job) cost(u pipeline.Usage) (float64, bool) {
	pr, ok := j.prices.Lookup(j.ex.Model)
	if !ok {
		return 0, false
	}
	return pr.Cost(extract.Usage(u), j.tier), true
}

// openSinks opens an output per path (making its folder); on an error, the
// ones already open are closed.
func openSinks(outs []string, schema []byte, opts sink.Options) ([]pipeline.Sink, error) {
	var sinks []pipeline.Sink
	fail := func(err error) ([]pipeline.Sink, error) {
		for _, s := range sinks {
			s.Close(nil)
		}
		return nil, err
	}
	for _, o := range outs {
		if dir := filepath.Dir(o); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fail(err)
			}
		}
		s, err := sink.Open(o, schema, opts)
		if err != nil {
			return fail(fmt.Errorf("--out %s: %w", o, err))
		}
		sinks = append(sinks, s)
	}
	return sinks, nil
}
