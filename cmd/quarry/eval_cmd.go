package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/seed0611af48/quarry/eval"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

// evalFlags are the flags of "quarry eval". run holds the flags shared
// with "quarry run", with run's defaults, so that a configuration run by
// eval has the same job fingerprint (and run dir) as the same quarry run.
type evalFlags struct {
	run       runFlags
	models    []string
	runs      []string
	expected  string
	compare   []string
	outs      []string
	failUnder string
	keep      int
	review    bool
	tier      string

	// Parsed by validate.
	html       string // the first HTML report (--out .html), if any
	thresholds eval.Thresholds
	overrides  map[string]eval.Rule
}

// belowError means the evaluation fell short of --fail-under (exit code 4).
type belowError struct{ err error }

func (e belowError) Error() string { return e.err.Error() }
func (e belowError) Unwrap() error { return e.err }

func (a *app) evalCommand() *cobra.Command {
	f := &evalFlags{run: *newRunFlags()}
	cmd := &cobra.Command{
		Use:   "eval --expected LABELS (--schema S --in PATH --model M... | --runs DIR...)",
		Short: "Measure accuracy, cost and latency against labelled documents, model beside model",
		Long: `Runs every configuration (one per --model) over the documents, exactly as
"quarry run" would (same ledger and run dir, so a configuration already run
costs nothing again), or reads existing run dirs (--runs), and compares each
outcome with its expected answer.

Expected answers (--expected): a folder mirroring the documents
(invoices/acme.pdf → LABELS/invoices/acme.json, tickets.csv#row=3 →
LABELS/tickets/row-3.json), a JSONL file of {"id": ..., "expected": ...}
lines, or a reviewed run dir (its ok outcomes, corrected by an
expected.jsonl in it).

Each field is compared as its schema says: enums and booleans exactly,
numbers within ±0.005 (integers exactly), dates as dates whatever the
format, strings after normalising case, spaces and punctuation (the exact
share shown beside), lists of objects item to item after pairing them by
best assignment. Choose otherwise with "x-quarry-compare" in the schema or
--compare PATTERN=RULE (rules: exact, text, number[:TOL|:PCT%], date,
ignore, assign, ordered).

Outputs (--out, by extension): .json (stable keys), .html (one page, each
wrong value with expected and got, linked to its document), .csv (every
mismatch). --fail-under overall=0.9,field=0.95,documents=0.8,/total=0.99
exits 4 naming what fell short.

Exit codes: 0 ok, 1 fatal error, 2 usage error, 4 below --fail-under.`,
		Example: `  quarry eval --mock --schema testdata/invoice.schema.json --in testdata/samples --exclude 'tickets/**' --pdf-password user \
    --expected testdata/expected --model gpt-4.1 --model gpt-4.1-mini
  quarry eval --runs .quarry/run-1a2b3c4d5e --runs .quarry/run-5e4d3c2b1a --expected labels.jsonl --out report.html --fail-under overall=0.95`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.run.inputs = append(f.run.inputs, args...)
			return a.eval(cmd.Context(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.models, "model", nil, "a model to evaluate (repeatable: one configuration each)")
	fl.StringArrayVar(&f.runs, "runs", nil, "evaluate an existing run dir instead of running (repeatable)")
	fl.StringVar(&f.expected, "expected", "", "expected answers: a folder mirroring the documents, a .jsonl of {id, expected}, or a reviewed run dir")
	fl.StringArrayVar(&f.compare, "compare", nil, "how a field is compared, PATTERN=RULE, e.g. /total=number:0.01 or '/lines/*/description=exact' (repeatable)")
	fl.StringArrayVarP(&f.outs, "out", "o", nil, "report file: .json, .html or .csv (every mismatch) (repeatable)")
	fl.StringVar(&f.failUnder, "fail-under", "", "exit 4 if below: overall=0.9,field=0.95,documents=0.8,supported=0.9,/total=0.99")
	fl.BoolVar(&f.review, "review", false, "with an .html report: also write each configuration's review page beside it (REPORT.N.review.html) and link documents into it")
	fl.StringVar(&f.tier, "tier", "", "price --runs at this tier: standard, batch or flex (half price); run dirs do not record it (default standard)")
	fl.IntVar(&f.keep, "keep", 500, "mismatches per configuration shown in the HTML and JSON report (the CSV has all)")

	// The flags that shape a job are quarry run's, with its defaults, so that
	// a configuration has the fingerprint of the same quarry run.
	addJobFlags(fl, &f.run)
	fl.Lookup("schema").Usage = "JSON Schema file or inline spec (default with --runs: the schema the first run recorded)"
	fl.Lookup("in").Usage = "input file or folder (repeatable)"
	return cmd
}

// eval runs or opens every configuration, evaluates them and writes the
// reports: options (evalFlags.validate), wiring (prices, labels, the plan,
// the runs), then the evaluation (report).
func (a *app) eval(ctx context.Context, f *evalFlags) error {
	if err := f.validate(); err != nil {
		return err
	}
	prices, err := loadPrices(f.run.prices)
	if err != nil {
		return err
	}
	labels, err := eval.OpenLabels(f.expected)
	if err != nil {
		return usageError{fmt.Errorf("--expected: %w", err)}
	}
	plan, err := f.plan()
	if err != nil {
		return err
	}
	runs, err := a.evalRuns(ctx, f)
	if err != nil {
		return err
	}
	return a.report(ctx, f, eval.Options{Prices: prices, Keep: f.keep}, plan, labels, runs)
}

// validate checks the flags on their own, before anything is read, and
// parses --out (the HTML report), --fail-under and --compare.
func (f *evalFlags) validate() error {
	if f.expected == "" {
		return usagef("eval needs --expected: a folder of expected answers, a .jsonl of {id, expected}, or a reviewed run dir")
	}
	switch {
	case len(f.runs) == 0 && len(f.models) == 0:
		return usagef("eval needs --model (one per configuration to run) or --runs DIR (run dirs to evaluate)")
	case len(f.runs) > 0 && len(f.models) > 0:
		return usagef("--model runs configurations and --runs reads finished ones: use one or the other")
	case len(f.models) > 0 && len(f.run.inputs) == 0:
		return usagef("eval --model needs the documents: --in PATH")
	case len(f.runs) > 0 && len(f.run.inputs) > 0:
		return usagef("--in is for running configurations; --runs reads the documents' outcomes from the run dirs")
	}
	if slices.Contains(f.run.inputs, "-") {
		return usagef("eval reads the documents once per configuration: name files or folders, not stdin (-)")
	}
	for _, o := range f.outs {
		switch strings.ToLower(filepath.Ext(o)) {
		case ".html", ".htm":
			if f.html == "" {
				f.html = o // the first: review pages go beside it
			}
		case ".json", ".csv":
		default:
			return usagef("--out %s: unknown report type; use .json, .html or .csv", o)
		}
	}
	if f.review && f.html == "" {
		return usagef("--review links the HTML report to review pages: add --out report.html")
	}
	switch f.tier {
	case "", extract.TierStandard, extract.TierBatch, extract.TierFlex:
	default:
		return usagef("--tier must be standard, batch or flex, not %q", f.tier)
	}
	if f.tier != "" && len(f.runs) == 0 {
		return usagef("--tier prices --runs; configurations eval runs are priced by their --service-tier")
	}
	if f.failUnder != "" {
		var err error
		if f.thresholds, err = eval.ParseThresholds(f.failUnder); err != nil {
			return usageError{err}
		}
	}
	f.overrides = map[string]eval.Rule{}
	for _, c := range f.compare {
		k, v, ok := strings.Cut(c, "=")
		if !ok {
			return usagef("--compare %q: write PATTERN=RULE, e.g. /total=number:0.01", c)
		}
		rule, err := eval.ParseRule(v)
		if err != nil {
			return usageError{fmt.Errorf("--compare %s: %w", c, err)}
		}
		if k = strings.TrimSpace(k); !strings.HasPrefix(k, "/") {
			k = "/" + k
		}
		f.overrides[k] = rule
	}
	return nil
}

// plan is how each field is compared, from the schema: --schema as written
// (with its x-quarry-compare keywords), else the strict schema the first
// run recorded; --compare overrides.
func (f *evalFlags) plan() (*eval.Plan, error) {
	var schemaDoc []byte
	switch {
	case f.run.schema != "":
		js, err := loadSchema(f.run.schema)
		if err != nil {
			return nil, err
		}
		schemaDoc = js.source
	case len(f.runs) > 0:
		info, err := pipeline.ReadRunInfo(f.runs[0])
		if err != nil {
			return nil, fmt.Errorf("--runs %s: %w (is it a quarry run dir?)", f.runs[0], err)
		}
		schemaDoc = info.Schema
	default:
		return nil, usagef("--schema is required: a JSON Schema file or an inline spec")
	}
	plan, err := eval.NewPlan(schemaDoc, f.overrides)
	if err != nil {
		return nil, usageError{err}
	}
	return plan, nil
}

// evalRuns opens the --runs dirs and runs a configuration per --model, in
// that order, with unique names.
func (a *app) evalRuns(ctx context.Context, f *evalFlags) ([]eval.Run, error) {
	var runs []eval.Run
	for _, dir := range f.runs {
		r, err := eval.OpenRun(dir)
		if err != nil {
			return nil, usageError{fmt.Errorf("--runs: %w", err)}
		}
		r.Tier = f.tier
		runs = append(runs, r)
	}
	for i, m := range f.models {
		fmt.Fprintf(a.stderr, "quarry eval: configuration %d of %d: %s\n", i+1, len(f.models), m)
		dir, err := a.runConfiguration(ctx, &f.run, m)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m, err)
		}
		r, err := eval.OpenRun(dir)
		if err != nil {
			return nil, err
		}
		r.Name = m
		if f.run.serviceTier == "flex" {
			r.Tier = extract.TierFlex
		}
		runs = append(runs, r)
	}
	nameRuns(runs)
	return runs, nil
}

// report evaluates the runs, prints the table, writes the reports (and the
// review pages with --review) and checks --fail-under.
func (a *app) report(ctx context.Context, f *evalFlags, opts eval.Options, plan *eval.Plan, labels eval.Labels, runs []eval.Run) error {
	outs, err := openEvalOutputs(f.outs, a.log)
	if err != nil {
		return err
	}
	defer outs.abort()
	if f.review {
		if outs.reviews, err = a.evalReviews(ctx, f, runs); err != nil {
			return err
		}
	}
	opts.OnMismatch = outs.mismatch
	rep, err := eval.Evaluate(ctx, plan, labels, runs, opts)
	if err != nil {
		return err
	}
	if err := rep.WriteTable(a.stdout); err != nil {
		return err
	}
	if err := outs.finish(rep); err != nil {
		return err
	}
	if f.failUnder == "" {
		return nil
	}
	if err := rep.Check(f.thresholds); err != nil {
		var se *eval.ShortfallError
		if errors.As(err, &se) {
			fmt.Fprintln(a.stderr, "quarry eval: below --fail-under:")
			for _, s := range se.Shortfalls {
				fmt.Fprintln(a.stderr, "  "+s)
			}
			return belowError{err}
		}
		return usageError{err}
	}
	return nil
}

// runConfiguration runs the documents with model m as "quarry run" would
// (same run dir, ledger and resumption; no outputs) and returns its run dir.
func (a *app) runConfiguration(ctx context.Context, shared *runFlags, m string) (string, error) {
	f := *shared
	f.model = m
	f.inputs = append([]string(nil), shared.inputs...)
	sub := *a
	sub.stdout = io.Discard // run writes JSON lines to stdout when it has no --out
	j, err := sub.prepare(ctx, &f)
	if err != nil {
		return "", err
	}
	defer j.close()
	err = sub.execute(ctx, j)
	var fe failuresError
	if err != nil && !errors.As(err, &fe) {
		return "", err
	}
	return j.runDir, nil
}

// nameRuns makes configuration names unique: two runs of one model are
// told apart by their run dirs.
func nameRuns(runs []eval.Run) {
	count := map[string]int{}
	for _, r := range runs {
		count[r.Name]++
	}
	for i := range runs {
		if count[runs[i].Name] > 1 && runs[i].Dir != "" {
			runs[i].Name += " (" + filepath.Base(runs[i].Dir) + ")"
		}
	}
}

// evalReviews writes the review page of each configuration beside the
// HTML report (the first --out .html): REPORT.N.review.html, N from 1.
func (a *app) evalReviews(ctx context.Context, f *evalFlags, runs []eval.Run) ([]string, error) {
	html := f.html
	pdf, err := pdftext.New(ctx, pdftext.Options{})
	if err != nil {
		return nil, err
	}
	defer pdf.Close()
	pages := make([]string, len(runs))
	for i, r := range runs {
		if r.Dir == "" {
			continue
		}
		opts, err := a.reviewOptions(r.Dir, f.run.pdfPassword, pdf, true)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Name, err)
		}
		pages[i] = fmt.Sprintf("%s.%d.review.html", strings.TrimSuffix(html, filepath.Ext(html)), i+1)
		if err := a.writeReview(ctx, r.Dir, pages[i], opts); err != nil {
			return nil, fmt.Errorf("%s: %w", r.Name, err)
		}
	}
	return pages, nil
}
