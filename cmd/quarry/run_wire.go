package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest/simulated"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

// A run goes options → wiring → run, as gh splits a command: the flags are
// a plain struct checked on its own (runFlags.validate, run.go); prepare
// wires what the flags name (schema, prices, the extractor and its HTTP
// client or the simulated model, the PDF reader and source options, the
// fingerprint and run dir) into a job; execute (run_exec.go) runs it.

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

// prepare checks the flags and builds the job; nothing is sent. On an error
// what was already started is closed.
func (a *app) prepare(ctx context.Context, f *runFlags) (*job, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	js, err := loadSchema(f.schema)
	if err != nil {
		return nil, err
	}
	j := &job{f: f, schema: js, tier: extract.TierStandard}
	if f.serviceTier == "flex" {
		j.tier = extract.TierFlex
	}
	if j.prices, err = loadPrices(f.prices); err != nil {
		return nil, err
	}
	if _, ok := j.prices.Lookup(f.model); f.budget > 0 && !ok {
		return nil, usagef("--budget needs the price of %s: add it with --prices FILE", f.model)
	}
	key := a.getenv("OPENAI_API_KEY")
	j.simulated = f.simulated(key)
	if !j.simulated && key == "" && !f.dryRun {
		return nil, errNoKey
	}
	if f.evidence {
		j.evidence = &evidenceTally{}
	}
	j.ex = newExtractor(f)
	j.docs = &docextract.Job{Extractor: j.ex, Spec: js.spec}
	j.ex.RequestOptions = a.requestOptions(f, j, key)
	j.client = openai.NewClient(j.ex.RequestOptions...)
	if err := a.sources(ctx, f, j); err != nil {
		j.close()
		return nil, err
	}
	j.fp = fingerprint(f, j.ex, js, j.simulated)
	j.runDir = f.runDir
	if j.runDir == "" {
		j.runDir = defaultRunDir(j.fp, f.inputs)
	}
	return j, nil
}

var errNoKey = errors.New(`OPENAI_API_KEY is not set.
Quarry calls the OpenAI Responses API with your key: create one at
https://platform.openai.com/api-keys and export OPENAI_API_KEY=... (for Azure
OpenAI or another Responses-compatible server, also set OPENAI_BASE_URL or
--base-url). To try the same job without a key, add --mock: it runs against
the built-in simulated model and marks every output as simulated`)

// loadPrices is the built-in price table, overridden by the --prices file
// when one is named.
func loadPrices(path string) (extract.Prices, error) {
	prices := extract.DefaultPrices()
	if path == "" {
		return prices, nil
	}
	pf, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--prices: %w", err)
	}
	defer pf.Close()
	return prices.ReadPrices(pf)
}

// newExtractor is the Extractor the flags describe (its client is set when
// the run starts: see job.clients).
func newExtractor(f *runFlags) *extract.Extractor {
	ex := &extract.Extractor{
		Model:           f.model,
		Instructions:    f.instructions,
		MaxAttempts:     f.maxAttempts,
		Store:           f.store || f.background, // background responses are stored by the server
		ReasoningEffort: f.reasoningEffort,
		MaxOutputTokens: f.maxOutputTokens,
		ServiceTier:     f.serviceTier,
		Evidence:        f.evidence,
		EvidenceReask:   f.evidence && f.evidenceReask,
	}
	if f.temperature >= 0 {
		t := f.temperature
		ex.Temperature = &t
	}
	return ex
}

// requestOptions are the HTTP options of every request: retries, timeout,
// a connection per worker, and either the simulated model (started here,
// closed with the job, and reached in memory) or the API with the key and
// --base-url.
func (a *app) requestOptions(f *runFlags, j *job, key string) []option.RequestOption {
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
	if j.simulated {
		// The simulated model runs in this process: requests reach it in
		// memory, in the same wire format, without a loopback socket.
		srv := simulated.New(simulated.Options{Expected: expectedAnswers(a.log)})
		j.sim = srv
		j.cleanup = append(j.cleanup, srv.Close)
		return append(opts, option.WithHTTPClient(srv.HTTPClient()), option.WithBaseURL(srv.URL), option.WithAPIKey("simulated"))
	}
	if key != "" {
		opts = append(opts, option.WithAPIKey(key))
	}
	if f.baseURL != "" {
		opts = append(opts, option.WithBaseURL(f.baseURL))
	}
	return opts
}

// sources sets the job's source options. PDF text is read on every core:
// one PDFium instance per core, and the source reads that many PDFs ahead
// (documents still come in order).
func (a *app) sources(ctx context.Context, f *runFlags, j *job) error {
	cores := runtime.GOMAXPROCS(0)
	pdf, err := pdftext.New(ctx, pdftext.Options{Workers: cores})
	if err != nil {
		return err
	}
	j.cleanup = append(j.cleanup, func() { pdf.Close() })
	j.srcOpts = source.Options{
		Include: f.include, Exclude: f.exclude,
		TextColumn: f.textColumn, Template: f.template, Encoding: f.encoding,
		PDF: f.pdf, PDFPassword: f.pdfPassword, PDFText: pdf,
		IsPDFPasswordError: func(err error) bool { return errors.Is(err, pdftext.ErrPassword) },
		PDFRender:          pdf.Render,
		SplitPages:         f.splitPages,
		PDFAhead:           cores,
		Stdin:              a.stdin, StdinName: f.stdinName,
		Logger: a.log,
	}
	return nil
}

// fingerprint identifies the job in the ledger: what changes every request
// or answer. A document done under another fingerprint is extracted again.
func fingerprint(f *runFlags, ex *extract.Extractor, js *jobSchema, simulated bool) string {
	fp := pipeline.Fingerprint("model", ex.Model, "instructions", ex.Instructions,
		"schema", string(js.spec.Schema), "attempts", fmt.Sprint(f.maxAttempts),
		"reasoning-effort", f.reasoningEffort, "max-output-tokens", fmt.Sprint(f.maxOutputTokens),
		"temperature", fmt.Sprint(f.temperature),
		"pdf", f.pdfMode, "text-column", f.textColumn, "template", f.template,
		"simulated", fmt.Sprint(simulated))
	if f.evidence { // asking for quotes changes every request and answer
		fp = pipeline.Fingerprint(fp, "evidence", fmt.Sprint(f.evidenceReask))
	}
	return fp
}

// defaultRunDir is .quarry/run-<hash of the job and its absolute inputs>.
func defaultRunDir(fp string, inputs []string) string {
	abs := make([]string, 0, len(inputs))
	for _, in := range inputs {
		if p, err := filepath.Abs(in); err == nil && in != "-" {
			in = p
		}
		abs = append(abs, in)
	}
	return filepath.Join(".quarry", "run-"+pipeline.Fingerprint(append([]string{fp}, abs...)...)[:10])
}
