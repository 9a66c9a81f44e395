package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source"
)

// streamOne extracts a single document with a streamed response, printing
// the JSON live as it arrives: redrawn in place on a terminal, one line per
// partial answer otherwise. Outputs (--out), if any, get the final outcome,
// and the ledger records it, as in every other mode.
func (a *app) streamOne(ctx context.Context, j *job, ledger *pipeline.Ledger, sinks []pipeline.Sink) error {
	docs, err := source.Open(ctx, j.f.inputs, j.srcOpts)
	if err != nil {
		return usageError{err}
	}
	var doc *pipeline.Document
	for d := range docs {
		if doc != nil {
			return usagef("--stream takes one document; the inputs hold more (use --limit 1, or name one file)")
		}
		d := d
		doc = &d
		if j.f.limit == 1 {
			break
		}
	}
	if doc == nil {
		return usagef("--stream: the inputs hold no document")
	}
	if doc.Err != nil {
		return doc.Err
	}
	ex := j.ex
	if j.sim != nil {
		ex = j.ex.WithClient(j.sim.For(j.ex.Client, simDoc(doc)))
	}
	f, isFile := a.stdout.(*os.File)
	tty := isFile && term.IsTerminal(int(f.Fd()))
	var runErr error
	fn := func(ctx context.Context, doc pipeline.Document) pipeline.Result {
		shown := 0 // lines drawn by the last partial, on a terminal
		var final extract.RawPartial
		var last []byte // the JSON shown last: the final answer repeats the last partial
		for p, err := range ex.StreamRaw(ctx, j.schema.spec, extract.StreamOptions{}, docextract.Inputs(&doc)...) {
			if err != nil {
				final, runErr = p, err
				break
			}
			final = p
			if bytes.Equal(p.JSON, last) {
				continue
			}
			last = append(last[:0], p.JSON...)
			var out bytes.Buffer
			if tty {
				_ = json.Indent(&out, p.JSON, "", "  ")
				if shown > 0 {
					fmt.Fprintf(a.stdout, "\x1b[%dA\x1b[J", shown)
				}
				fmt.Fprintln(a.stdout, out.String())
				shown = strings.Count(out.String(), "\n") + 1
				continue
			}
			_ = json.Compact(&out, p.JSON)
			fmt.Fprintln(a.stdout, out.String())
		}
		r := docextract.Result(final.JSON, final.Result, runErr)
		if runErr != nil {
			r.Value = nil
		}
		return r
	}
	// The one document runs through pipeline.Run like any other run: it is
	// recorded in the ledger, so running the command again replays it.
	info := &pipeline.RunInfo{Model: j.ex.Model, Instructions: j.ex.SentInstructions(), Schema: j.schema.spec.Schema,
		Simulated: j.simulated}
	var o pipeline.Outcome
	_, err = pipeline.Run(ctx, slices.Values([]pipeline.Document{*doc}), fn, pipeline.Options{
		Concurrency: 1,
		Ledger:      ledger,
		Fingerprint: j.fp,
		Sinks:       append(sinks, outcomeSink{&o}),
		RetryFailed: j.f.retryFailed,
		Info:        info,
		Logger:      a.log,
	})
	if runErr != nil && errors.Is(runErr, context.Canceled) {
		return runErr
	}
	if err != nil {
		return err
	}
	if o.Status == pipeline.StatusSkipped {
		if len(o.Value) > 0 {
			var out bytes.Buffer
			_ = json.Compact(&out, o.Value)
			fmt.Fprintln(a.stdout, out.String())
		}
		fmt.Fprintf(a.stderr, "quarry: %s: %s (ledger in %s)\n", doc.ID, o.Reason, j.runDir)
		if o.EarlierStatus != pipeline.StatusOK {
			return failuresError{failed: 1}
		}
		return nil
	}
	if runErr != nil {
		fmt.Fprintf(a.stderr, "quarry: %s: %s: %v\n", doc.ID, o.Status, runErr)
		return failuresError{failed: 1}
	}
	fmt.Fprintf(a.stderr, "quarry: %s: ok after %d attempt(s), %d input + %d output tokens\n",
		doc.ID, o.Attempts, o.Usage.InputTokens, o.Usage.OutputTokens)
	return nil
}

// outcomeSink keeps the last outcome written.
type outcomeSink struct{ o *pipeline.Outcome }

func (s outcomeSink) Write(o *pipeline.Outcome) error { *s.o = *o; return nil }
func (outcomeSink) Close(*pipeline.RunInfo) error     { return nil }
