package main

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/spf13/cobra"

	"github.com/seed0611af48/quarry/batch"
	"github.com/seed0611af48/quarry/pipeline"
)

// executeBatch runs the job through the Batch API: same sources, ledger,
// outcomes and sinks as a synchronous run.
func (a *app) executeBatch(ctx context.Context, j *job, docs iter.Seq[pipeline.Document], ledger *pipeline.Ledger, sinks []pipeline.Sink, info *pipeline.RunInfo, budget *pipeline.Budget) error {
	f := j.f
	opts := batch.Options{
		API:     batch.NewAPI(&j.client),
		Budget:  budget,
		Prices:  j.prices,
		Logger:  a.log,
		Expired: batch.Resubmit,
	}
	if f.expired == "report" {
		opts.Expired = batch.Report
	}
	// Transient line failures are retried like a synchronous request's.
	opts.LineRetries = f.maxRetries
	if f.maxRetries == 0 {
		opts.LineRetries = -1
	}
	if f.limit > 0 {
		docs = limited(docs, f.limit)
	}
	if j.simulated {
		for d := range docs {
			j.sim.Learn(d.ID, simDoc(&d))
		}
		opts.PollMin, opts.PollMax = 10*time.Millisecond, 100*time.Millisecond
	}
	last := ""
	opts.Progress = func(p batch.Progress) {
		line := fmt.Sprintf("quarry: batch %s (round %d): %s, %d/%d done, %d failed", p.BatchID, p.Round, p.Status, p.Completed, p.Total, p.Failed)
		if line != last {
			last = line
			fmt.Fprintln(a.stderr, line)
		}
	}
	failures := &failureLog{}
	recorder := &recordSink{failures: failures}
	fmt.Fprintf(a.stderr, "quarry: batch mode: requests go to the Batch API (half price, done within 24h); interrupt at any time and run the same command again to resume polling (ledger in %s)\n", j.runDir)
	totals, err := batch.Run(ctx, docs, batch.Job{
		Extractor:   j.ex,
		Spec:        j.schema.spec,
		Ledger:      ledger,
		Fingerprint: j.fp,
		Sinks:       append(sinks, recorder),
		Info:        info,
	}, opts)
	a.summary(j, totals, recorder, err)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted: the batches go on at OpenAI; run the same command again to resume polling them (ledger in %s)", j.runDir)
		}
		return err
	}
	if n := totals.Documents - totals.ByStatus[pipeline.StatusOK] - totals.ByStatus[pipeline.StatusSkipped] + recorder.skippedFailed; n > 0 {
		return failuresError{failed: n}
	}
	return nil
}

func (a *app) batchCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "batch",
		Short: "Inspect or cancel the Batch API jobs and background requests of a run",
	}
	var runDir, baseURL string
	api := func() (batch.API, error) {
		if runDir == "" {
			return nil, usagef("--run-dir is required (it is printed at the end of a run)")
		}
		key := a.getenv("OPENAI_API_KEY")
		if key == "" {
			return nil, errors.New("OPENAI_API_KEY is not set: batch status and cancel ask the OpenAI API")
		}
		c := newClient(key, baseURL)
		return batch.NewAPI(&c), nil
	}
	status := &cobra.Command{
		Use:   "status --run-dir DIR",
		Short: "Where each batch of a run is: status, request counts, cost so far",
		RunE: func(cmd *cobra.Command, args []string) error {
			api, err := api()
			if err != nil {
				return err
			}
			rep, err := batch.Status(cmd.Context(), runDir, api, nil)
			if err != nil {
				return err
			}
			if len(rep.Batches) == 0 && len(rep.Background) == 0 {
				fmt.Fprintln(a.stdout, "no batches or background requests recorded in", runDir)
			}
			for _, b := range rep.Batches {
				fmt.Fprintf(a.stdout, "%s  round %d part %d  %-11s  %d/%d done, %d failed  $%.4f\n",
					b.ID, b.Round, b.Part, b.Status, b.Completed, b.Total, b.Failed, b.Cost)
			}
			for _, r := range rep.Background {
				fmt.Fprintf(a.stdout, "%s  background, document %s attempt %d\n", r.ResponseID, r.DocumentID, r.Attempt)
			}
			fmt.Fprintf(a.stdout, "cost so far: $%.4f\n", rep.Cost)
			return nil
		},
	}
	cancel := &cobra.Command{
		Use:   "cancel --run-dir DIR",
		Short: "Cancel the unfinished batches and background requests of a run",
		RunE: func(cmd *cobra.Command, args []string) error {
			api, err := api()
			if err != nil {
				return err
			}
			if err := batch.Cancel(cmd.Context(), runDir, api); err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, "cancelled the unfinished batches and background requests of", runDir)
			return nil
		},
	}
	for _, c := range []*cobra.Command{status, cancel} {
		c.Flags().StringVar(&runDir, "run-dir", "", "the run's ledger directory")
		c.Flags().StringVar(&baseURL, "base-url", "", "API base URL (default: $OPENAI_BASE_URL or OpenAI)")
		cmd.AddCommand(c)
	}
	return cmd
}

// limited yields the first n documents of docs, the same ones every time it
// is iterated (batch rounds read the source again).
func limited(docs iter.Seq[pipeline.Document], n int) iter.Seq[pipeline.Document] {
	return func(yield func(pipeline.Document) bool) {
		i := 0
		for d := range docs {
			if i++; i > n || !yield(d) {
				return
			}
		}
	}
}
