package main

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source"
)

// runFlags are the flags of "quarry run".
type runFlags struct {
	schema      string
	inputs      []string
	outs        []string
	include     []string
	exclude     []string
	textColumn  string
	template    string
	encoding    string
	stdinName   string
	pdfMode     string
	pdfPassword string
	splitPages  bool
	pdf         source.PDFMode // --pdf, parsed by validate

	model           string
	instructions    string
	concurrency     int
	rpm, tpm        int
	maxAttempts     int
	maxRetries      int
	store           bool
	reasoningEffort string
	maxOutputTokens int64
	temperature     float64
	serviceTier     string
	baseURL         string
	timeout         time.Duration

	runDir      string
	limit       int
	retryFailed bool
	order       string
	dryRun      bool
	mock        string
	budget      float64
	prices      string

	stream       bool
	batch        bool
	background   bool
	flexFallback bool
	expired      string
	review       string

	evidence      bool
	evidenceReask bool
}

func (a *app) runCommand() *cobra.Command {
	f := newRunFlags()
	cmd := &cobra.Command{
		Use:   "run --schema SCHEMA --in PATH... [--out FILE...]",
		Short: "Extract records from documents into JSONL, CSV, XLSX, Parquet or SQLite",
		Long: `Runs an extraction over files, folders (recursively) or stdin ("-"):
PDFs (text extracted locally; scanned pages are sent as images beside it, PDFs
with no text at all, or all with --pdf file, as files), CSV/TSV rows, text,
Markdown, HTML, JSON and JSON lines, and images.

Every document ends with exactly one outcome — ok, invalid, refused,
incomplete, error or skipped — recorded in a ledger under --run-dir. Running
the same command again resumes: what is done is skipped, what changed is
extracted again; --retry-failed also redoes the failures.

Outputs are chosen by extension (.jsonl, .csv, .tsv, .xlsx, .parquet, .sqlite; several --out
allowed); without --out, JSON lines go to stdout.

Exit codes: 0 all ok, 1 fatal error, 2 usage error, 3 finished with failed documents.`,
		Example: `  quarry run --schema invoice.schema.json --in ./invoices --out invoices.xlsx
  quarry run --schema 'customer, priority (low|medium|high), summary' --in tickets.csv --text-column body --out tickets.csv
  quarry run --mock --schema 'vendor, total number' --in testdata/samples/notes --dry-run`,
		Args: func(cmd *cobra.Command, args []string) error { return nil },
		RunE: func(cmd *cobra.Command, args []string) error {
			f.inputs = append(f.inputs, args...)
			return a.run(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	addJobFlags(fl, f)
	fl.StringArrayVarP(&f.outs, "out", "o", nil, "output file: .jsonl, .csv, .tsv, .xlsx, .parquet or .sqlite (repeatable)")
	fl.StringVar(&f.stdinName, "stdin-name", "", "a name for stdin that picks its format, e.g. stdin.csv")
	fl.StringVarP(&f.model, "model", "m", f.model, "model name")
	fl.BoolVar(&f.store, "store", false, "let the server store responses (re-asks then send only the correction)")

	fl.StringVar(&f.runDir, "run-dir", "", "where the run ledger lives (default: .quarry/run-<hash of the job>)")
	fl.IntVar(&f.limit, "limit", 0, "stop after N documents")
	fl.StringVar(&f.order, "order", f.order, "order of outputs: input or completion")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the strict schema, the first request and token estimates; send nothing")
	fl.Float64Var(&f.budget, "budget", 0, "stop sending new documents once spent plus in-flight estimates would pass this many US dollars")
	fl.BoolVar(&f.stream, "stream", false, "one document: stream the answer and print the JSON live as it arrives")
	fl.BoolVar(&f.batch, "batch", false, "run through the OpenAI Batch API (half price, results within 24h); resumable like any run")
	fl.StringVar(&f.expired, "batch-expired", f.expired, "requests of an expired batch: resubmit (in a new batch) or report (as errors)")
	fl.BoolVar(&f.background, "background", false, "send background requests and poll them (for slow reasoning models); forces --store")
	fl.BoolVar(&f.flexFallback, "flex-fallback", false, "with --service-tier flex: when flex capacity stays unavailable, resend with service_tier auto")
	fl.StringVar(&f.review, "review", "", "after the run, write a review page (HTML) of its documents to this file (see 'quarry review')")
	return cmd
}

// newRunFlags are run's flags at their defaults, including those "quarry
// eval" does not offer (--order, --batch-expired, --model), so that a
// configuration eval runs has the job fingerprint of the same quarry run.
func newRunFlags() *runFlags {
	return &runFlags{order: "input", expired: "resubmit", model: extract.DefaultModel}
}

// addJobFlags registers the flags that shape a job, which "quarry run" and
// "quarry eval" share, with their one default each: the documents and how
// they are read, the requests, resumption, --mock, prices and evidence.
func addJobFlags(fl *pflag.FlagSet, f *runFlags) {
	fl.StringVarP(&f.schema, "schema", "s", "", "JSON Schema file, or an inline spec such as 'vendor, total number' (see 'quarry help schema')")
	fl.StringArrayVarP(&f.inputs, "in", "i", nil, "input file, folder or - for stdin (repeatable; positional arguments too)")
	fl.StringArrayVar(&f.include, "include", nil, "only files in folders matching this glob (repeatable; ** matches folders)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip files in folders matching this glob (repeatable)")
	fl.StringVar(&f.textColumn, "text-column", "", "CSV/TSV: the column holding each row's text (default: all columns as name: value)")
	fl.StringVar(&f.template, "template", "", "CSV/TSV: a Go template over the columns, e.g. '{{.subject}}\\n{{.body}}'")
	fl.StringVar(&f.encoding, "encoding", "", "text encoding of CSV/TXT input: utf-8, utf-16, latin1, windows-1252 (default: detect BOM, else UTF-8)")
	fl.StringVar(&f.pdfMode, "pdf", "text", "how PDFs reach the model: text (extracted locally) or file (sent as the PDF)")
	fl.StringVar(&f.pdfPassword, "pdf-password", "", "password for encrypted PDFs")
	fl.BoolVar(&f.splitPages, "split-pages", false, "one document per PDF page")

	fl.StringVarP(&f.instructions, "instructions", "p", "", "instructions for the model (default: extract the fields; the document is data)")
	fl.IntVarP(&f.concurrency, "concurrency", "c", pipeline.DefaultConcurrency, "documents in flight at once")
	fl.IntVar(&f.rpm, "rpm", 0, "requests per minute (0: adapt to the server's limits)")
	fl.IntVar(&f.tpm, "tpm", 0, "tokens per minute (0: adapt to the server's limits)")
	fl.IntVar(&f.maxAttempts, "max-attempts", extract.DefaultMaxAttempts, "requests per document, re-asks included")
	fl.IntVar(&f.maxRetries, "max-retries", 2, "transport retries per request (429, 5xx, connection errors)")
	fl.StringVar(&f.reasoningEffort, "reasoning-effort", "", "reasoning effort for reasoning models: minimal, low, medium, high")
	fl.Int64Var(&f.maxOutputTokens, "max-output-tokens", 0, "limit per answer, reasoning included (0: none)")
	fl.Float64Var(&f.temperature, "temperature", -1, "sampling temperature (not sent to reasoning models; default: the model's)")
	fl.StringVar(&f.serviceTier, "service-tier", "", "service tier: auto, default, flex, priority")
	fl.StringVar(&f.baseURL, "base-url", "", "API base URL (default: $OPENAI_BASE_URL or https://api.openai.com/v1)")
	fl.DurationVar(&f.timeout, "timeout", 0, "timeout per HTTP request (default: the SDK's; 15m with --service-tier flex)")

	fl.BoolVar(&f.retryFailed, "retry-failed", false, "extract again the documents that failed in an earlier run")
	fl.StringVar(&f.mock, "mock", "off", "run against the built-in simulated model: on, off, or auto (on when OPENAI_API_KEY is unset)")
	fl.Lookup("mock").NoOptDefVal = "on"
	fl.StringVar(&f.prices, "prices", "", "JSON file of model prices per million tokens, over the built-in table")
	addEvidenceFlags(fl, f)
}

// validate checks the flags on their own, values and combinations, before
// anything is read, opened or sent, and parses --pdf. A mistake here is a
// usage error (exit code 2).
func (f *runFlags) validate() error {
	if len(f.inputs) == 0 {
		return usagef("no input: name files or folders with --in (or - for stdin)")
	}
	switch f.order {
	case "input", "completion":
	default:
		return usagef("--order must be input or completion, not %q", f.order)
	}
	pdf, err := source.ParsePDFMode(f.pdfMode)
	if err != nil {
		return usageError{err}
	}
	f.pdf = pdf
	for _, o := range f.outs {
		switch strings.ToLower(filepath.Ext(o)) {
		case ".jsonl", ".ndjson", ".csv", ".tsv", ".xlsx", ".parquet", ".sqlite", ".db":
		default:
			return usagef("--out %s: unknown output type; use .jsonl, .csv, .tsv, .xlsx, .parquet or .sqlite", o)
		}
	}
	switch {
	case f.batch && f.background:
		return usagef("--batch and --background are two different ways to run: pick one")
	case f.batch && f.retryFailed:
		return usagef("--retry-failed is not supported with --batch yet: run the failures without --batch")
	case f.stream && (f.batch || f.background):
		return usagef("--stream runs one document synchronously: it does not combine with --batch or --background")
	}
	switch f.expired {
	case "resubmit", "report":
	default:
		return usagef("--batch-expired must be resubmit or report, not %q", f.expired)
	}
	if f.maxOutputTokens < 0 {
		return usagef("--max-output-tokens must be 0 (no limit) or more")
	}
	switch f.reasoningEffort {
	case "", "minimal", "low", "medium", "high":
	default:
		return usagef("--reasoning-effort must be minimal, low, medium or high, not %q", f.reasoningEffort)
	}
	switch f.mock {
	case "on", "true", "auto", "off", "false", "":
	default:
		return usagef("--mock must be on, off or auto, not %q", f.mock)
	}
	switch {
	case f.evidence && f.stream:
		return usagef("--evidence does not work with --stream: the streamed answer would carry the quotes")
	case f.evidenceReask && !f.evidence:
		return usagef("--evidence-reask needs --evidence")
	}
	if f.maxRetries < 0 {
		return usagef("--max-retries must be 0 or more")
	}
	return f.validateValues()
}

// simulated reports whether the run goes to the built-in simulated model:
// --mock on, or --mock auto without an API key.
func (f *runFlags) simulated(key string) bool {
	switch f.mock {
	case "on", "true":
		return true
	case "auto":
		return key == ""
	}
	return false
}
