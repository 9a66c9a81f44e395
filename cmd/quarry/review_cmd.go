package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
	"github.com/seed0611af48/quarry/review"
)

func (a *app) reviewCommand() *cobra.Command {
	var runDir, out, pdfPassword string
	var noImages bool
	cmd := &cobra.Command{
		Use:   "review --run-dir DIR --out review.html",
		Short: "Write a review page: each document's values beside its source",
		Long: `Writes one self-contained HTML file (no server, no network: open it by
double-click) from a run's ledger: the list of documents with their status and
unsupported values, and for each document its fields beside the text or the
PDF page they were read from, each value's evidence highlighted.

The sources are read again as the run read them (the run records its text
column, template, encoding and PDF options in the ledger), from the directory
the run was started in. A source that changed since the run is flagged.`,
		Example: `  quarry review --run-dir .quarry/run-1a2b3c4d5e --out review.html`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runDir == "" || out == "" {
				return usagef("review needs --run-dir and --out")
			}
			if _, err := os.Stat(filepath.Join(runDir, pipeline.LedgerFile)); err != nil {
				return fmt.Errorf("reading %s: %w (is it a quarry run dir?)", runDir, err)
			}
			ctx := cmd.Context()
			pdf, err := pdftext.New(ctx, pdftext.Options{})
			if err != nil {
				return err
			}
			defer pdf.Close()
			opts, err := a.reviewOptions(runDir, pdfPassword, pdf, !noImages)
			if err != nil {
				return err
			}
			return a.writeReview(ctx, runDir, out, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&runDir, "run-dir", "", "the run's ledger directory (printed at the end of a run)")
	fl.StringVarP(&out, "out", "o", "", "the HTML file to write")
	fl.StringVar(&pdfPassword, "pdf-password", "", "password for encrypted PDFs (not recorded by the run)")
	fl.BoolVar(&noImages, "no-images", false, "show PDFs as text only, without page images (a smaller file)")
	return cmd
}

// reviewOptions reads the sources of the run in runDir again as the run
// read them (its recorded source options), PDFs through pdf, with page
// images when images is set.
func (a *app) reviewOptions(runDir, pdfPassword string, pdf *pdftext.Extractor, images bool) (review.Options, error) {
	opts := review.Options{Source: source.Options{PDFPassword: pdfPassword, Logger: a.log,
		IsPDFPasswordError: func(err error) bool { return errors.Is(err, pdftext.ErrPassword) }}}
	rec, err := review.ReadRecord(runDir)
	if err != nil {
		return opts, err
	}
	if rec != nil {
		if err := rec.Apply(&opts.Source); err != nil {
			return opts, err
		}
		opts.BaseDir = rec.Dir
	}
	opts.Source.PDFText = pdf
	if images {
		opts.PDF = pdf
	}
	return opts, nil
}

// writeReview builds the review page of runDir into out, through a
// temporary file renamed into place.
func (a *app) writeReview(ctx context.Context, runDir, out string, opts review.Options) error {
	if dir := filepath.Dir(out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("review: %w", err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".*")
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	st, err := review.Build(ctx, tmp, runDir, opts)
	err = errors.Join(err, tmp.Chmod(0o644), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), out)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if st.BadLines > 0 {
		a.log.Warn("skipped damaged ledger lines", "lines", st.BadLines)
	}
	c := st.Counts
	verdicts := fmt.Sprintf("%d supported, %d unsupported, %d not found, %d unchecked", c.Supported, c.Unsupported, c.NotFound, c.Unchecked)
	// Values without an evidence item (nulls) are shown too: say so, or the
	// counts would not add up to the values.
	if with := c.Supported + c.Unsupported + c.NotFound + c.Unchecked; with > 0 && st.Fields > with {
		verdicts += fmt.Sprintf(", %d without evidence", st.Fields-with)
	}
	fmt.Fprintf(a.stderr, "quarry: review page %s: %s, %d values (%s), %d page images, %.1f MB\n",
		out, documents(st.Documents), st.Fields, verdicts, st.Images, float64(st.Bytes)/1e6)
	if st.Notes > 0 {
		fmt.Fprintf(a.stderr, "quarry: a note on the page for %s (a source changed or could not be read again)\n", documents(st.Notes))
	}
	return nil
}

// reviewAfterRun writes the --review page of a finished run. A run that
// stopped on a fatal error or an interrupt writes none.
func (a *app) reviewAfterRun(ctx context.Context, j *job, runErr error) error {
	var fe failuresError
	if j.f.review == "" || j.f.dryRun || (runErr != nil && !errors.As(runErr, &fe)) {
		return runErr
	}
	opts := review.Options{Source: j.srcOpts}
	opts.Source.Stdin = nil
	if l, ok := j.srcOpts.PDFText.(review.Layouter); ok {
		opts.PDF = l
	}
	if err := a.writeReview(ctx, j.runDir, j.f.review, opts); err != nil {
		return err
	}
	return runErr
}
