package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/batch"
	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest/simulated"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/sink"
	"github.com/seed0611af48/quarry/pipeline/source"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
	"github.com/seed0611af48/quarry/review"
)

// job is a run, resolved from flags: everything needed to execute it.
type job struct {
	f         *runFlags
	schema    *jobSchema
	ex        *extract.Extractor
	docs      *docextract.Job // ex and the schema over documents
	srcOpts   source.Options
	simulated bool
	prices    extract.Prices
	tier      string
	sim       *simulated.Model
	evidence  *evidenceTally // nil without --evidence
	fp        string
	runDir    string
	client    openai.Client
	cleanup   []func()
}

func (j *job) close() {
	for i := len(j.cleanup) - 1; i >= 0; i-- {
		j.cleanup[i]()
	}
}

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

// prepare checks the flags and builds the job; nothing is sent.
func (a *app) prepare(ctx context.Context, f *runFlags) (*job, error) {
	if len(f.inputs) == 0 {
		return nil, usagef("no input: name files or folders with --in (or - for stdin)")
	}
	switch f.order {
	case "input", "completion":
	default:
		return nil, usagef("--order must be input or completion, not %q", f.order)
	}
	pdfMode, err := source.ParsePDFMode(f.pdfMode)
	if err != nil {
		return nil, usageError{err}
	}
	for _, o := range f.outs {
		switch strings.ToLower(filepath.Ext(o)) {
		case ".jsonl", ".ndjson", ".csv", ".tsv", ".xlsx", ".parquet", ".sqlite", ".db":
		default:
			return nil, usagef("--out %s: unknown output type; use .jsonl, .csv, .tsv, .xlsx, .parquet or .sqlite", o)
		}
	}
	switch {
	case f.batch && f.background:
		return nil, usagef("--batch and --background are two different ways to run: pick one")
	case f.batch && f.retryFailed:
		return nil, usagef("--retry-failed is not supported with --batch yet: run the failures without --batch")
	case f.stream && (f.batch || f.background):
		return nil, usagef("--stream runs one document synchronously: it does not combine with --batch or --background")
	}
	switch f.expired {
	case "resubmit", "report":
	default:
		return nil, usagef("--batch-expired must be resubmit or report, not %q", f.expired)
	}
	if f.maxOutputTokens < 0 {
		return nil, usagef("--max-output-tokens must be 0 (no limit) or more")
	}
	switch f.reasoningEffort {
	case "", "minimal", "low", "medium", "high":
	default:
		return nil, usagef("--reasoning-effort must be minimal, low, medium or high, not %q", f.reasoningEffort)
	}
	js, err := loadSchema(f.schema)
	if err != nil {
		return nil, err
	}
	j := &job{f: f, schema: js, tier: extract.TierStandard}

	j.prices = extract.DefaultPrices()
	if f.prices != "" {
		pf, err := os.Open(f.prices)
		if err != nil {
			return nil, fmt.Errorf("--prices: %w", err)
		}
		j.prices, err = j.prices.ReadPrices(pf)
		pf.Close()
		if err != nil {
			return nil, err
		}
	}
	if f.serviceTier == "flex" {
		j.tier = extract.TierFlex
	}
	if _, ok := j.prices.Lookup(f.model); f.budget > 0 && !ok {
		return nil, usagef("--budget needs the price of %s: add it with --prices FILE", f.model)
	}

	key := a.getenv("OPENAI_API_KEY")
	switch f.mock {
	case "on", "true":
		j.simulated = true
	case "auto":
		j.simulated = key == ""
	case "off", "false", "":
	default:
		return nil, usagef("--mock must be on, off or auto, not %q", f.mock)
	}
	if !j.simulated && key == "" && !f.dryRun {
		return nil, errors.New(`OPENAI_API_KEY is not set.
Quarry calls the OpenAI Responses API with your key: create one at
https://platform.openai.com/api-keys and export OPENAI_API_KEY=... (for Azure
OpenAI or another Responses-compatible server, also set OPENAI_BASE_URL or
--base-url). To try the same job without a key, add --mock: it runs against
the built-in simulated model and marks every output as simulated`)
	}

	ex := &extract.Extractor{
		Model:           f.model,
		Instructions:    f.instructions,
		MaxAttempts:     f.maxAttempts,
		Store:           f.store,
		ReasoningEffort: f.reasoningEffort,
		MaxOutputTokens: f.maxOutputTokens,
		ServiceTier:     f.serviceTier,
		Evidence:        f.evidence,
		EvidenceReask:   f.evidence && f.evidenceReask,
	}
	if f.evidence && f.stream {
		return nil, usagef("--evidence does not work with --stream: the streamed answer would carry the quotes")
	}
	if f.evidenceReask && !f.evidence {
		return nil, usagef("--evidence-reask needs --evidence")
	}
	if f.evidence {
		j.evidence = &evidenceTally{}
	}
	if f.temperature >= 0 {
		t := f.temperature
		ex.Temperature = &t
	}
	if f.maxRetries < 0 {
		return nil, usagef("--max-retries must be 0 or more")
	}
	j.ex = ex
	j.docs = &docextract.Job{Extractor: ex, Spec: js.spec}

	// Keep a connection per worker alive: the default transport keeps only 2
	// idle per host, so 8+ workers would re-dial (and re-handshake TLS) constantly.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = max(f.concurrency, 8)
	opts := []option.RequestOption{option.WithMaxRetries(f.maxRetries), option.WithHTTPClient(&http.Client{Transport: tr})}
	timeout := f.timeout
	if timeout == 0 && f.serviceTier == "flex" {
		timeout = 15 * time.Minute // flex requests queue for capacity
	}
	if timeout > 0 {
		opts = append(opts, option.WithRequestTimeout(timeout))
	}
	switch {
	case j.simulated:
		srv := simulated.New(simulated.Options{Expected: expectedAnswers(a.log)})
		j.sim = srv
		j.cleanup = append(j.cleanup, srv.Close)
		opts = append(opts, option.WithBaseURL(srv.URL), option.WithAPIKey("simulated"))
	default:
		if key != "" {
			opts = append(opts, option.WithAPIKey(key))
		}
		if f.baseURL != "" {
			opts = append(opts, option.WithBaseURL(f.baseURL))
		}
	}
	if f.background {
		ex.Store = true // background responses are stored by the server
	}
	ex.RequestOptions = opts
	j.client = openai.NewClient(opts...)

	// PDF text is read on every core: one PDFium instance per core, and the
	// source reads that many PDFs ahead (documents still come in order).
	cores := runtime.GOMAXPROCS(0)
	pdf, err := pdftext.New(ctx, pdftext.Options{Workers: cores})
	if err != nil {
		return nil, err
	}
	j.cleanup = append(j.cleanup, func() { pdf.Close() })
	j.srcOpts = source.Options{
		Include: f.include, Exclude: f.exclude,
		TextColumn: f.textColumn, Template: f.template, Encoding: f.encoding,
		PDF: pdfMode, PDFPassword: f.pdfPassword, PDFText: pdf,
		IsPDFPasswordError: func(err error) bool { return errors.Is(err, pdftext.ErrPassword) },
		PDFRender:          pdf.Render,
		SplitPages:         f.splitPages,
		PDFAhead:           cores,
		Stdin:              a.stdin, StdinName: f.stdinName,
		Logger: a.log,
	}

	j.fp = pipeline.Fingerprint("model", ex.Model, "instructions", ex.Instructions,
		"schema", string(js.spec.Schema), "attempts", fmt.Sprint(f.maxAttempts),
		"reasoning-effort", f.reasoningEffort, "max-output-tokens", fmt.Sprint(f.maxOutputTokens),
		"temperature", fmt.Sprint(f.temperature),
		"pdf", f.pdfMode, "text-column", f.textColumn, "template", f.template,
		"simulated", fmt.Sprint(j.simulated))
	if f.evidence { // asking for quotes changes every request and answer
		j.fp = pipeline.Fingerprint(j.fp, "evidence", fmt.Sprint(f.evidenceReask))
	}
	j.runDir = f.runDir
	if j.runDir == "" {
		abs := make([]string, 0, len(f.inputs))
		for _, in := range f.inputs {
			if p, err := filepath.Abs(in); err == nil && in != "-" {
				in = p
			}
			abs = append(abs, in)
		}
		j.runDir = filepath.Join(".quarry", "run-"+pipeline.Fingerprint(append([]string{j.fp}, abs...)...)[:10])
	}
	return j, nil
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
				return batch.Estimate(price, &d, int64(j.docs.Overhead()), j.outputGuess(), j.tier)
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
	a.summary(j, totals, failures, runErr)
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			return fmt.Errorf("interrupted: what finished is recorded; run the same command again to resume (ledger in %s)", j.runDir)
		}
		return runErr
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

// outputGuess is the output tokens assumed per document for cost estimates:
// the answer budget when one is set, else batch's default guess.
func (j *job) outputGuess() int64 {
	if j.ex.MaxOutputTokens > 0 {
		return j.ex.MaxOutputTokens
	}
	return batch.DefaultOutputTokens
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
