package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source"
)

// streamOne extracts a single document with a streamed response, printing
// the JSON live as it arrives: redrawn in place on a terminal, one line per
// partial answer otherwise. Outputs (--out), if any, get the final outcome.
func (a *app) streamOne(ctx context.Context, j *job, sinks []pipeline.Sink) error {
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
		routed := *j.ex
		routed.Client = j.sim.For(j.ex.Client, simDoc(doc))
		ex = &routed
	}
	f, isFile := a.stdout.(*os.File)
	tty := isFile && term.IsTerminal(int(f.Fd()))
	shown := 0 // lines drawn by the last partial, on a terminal
	started := time.Now()
	var final extract.RawPartial
	var runErr error
	for p, err := range ex.StreamRaw(ctx, j.schema.spec, extract.StreamOptions{}, docextract.Inputs(doc)...) {
		if err != nil {
			final, runErr = p, err
			break
		}
		final = p
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
	o := &pipeline.Outcome{ID: doc.ID, Hash: doc.Hash(), Fingerprint: j.fp, Status: r.Status, Reason: r.Reason,
		Value: r.Value, Evidence: r.Evidence, AttemptErrors: r.AttemptErrors, Attempts: r.Attempts, Usage: r.Usage, Model: r.Model, ResponseIDs: r.ResponseIDs,
		Source: doc.Source, Row: doc.Row, Page: doc.Page, Columns: doc.Columns, Meta: doc.Meta,
		Started: started, Finished: time.Now()}
	info := &pipeline.RunInfo{Model: j.ex.Model, Instructions: j.ex.SentInstructions(), Schema: j.schema.spec.Schema,
		Simulated: j.simulated, Start: started, End: time.Now()}
	for _, s := range sinks {
		if err := s.Write(o); err != nil {
			return err
		}
		if err := s.Close(info); err != nil {
			return err
		}
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) {
			return runErr
		}
		fmt.Fprintf(a.stderr, "quarry: %s: %s: %v\n", doc.ID, r.Status, runErr)
		return failuresError{failed: 1}
	}
	fmt.Fprintf(a.stderr, "quarry: %s: ok after %d attempt(s), %d input + %d output tokens\n",
		doc.ID, r.Attempts, r.Usage.InputTokens, r.Usage.OutputTokens)
	return nil
}
