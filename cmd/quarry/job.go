package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/seed0611af48/quarry/batch"
	"github.com/seed0611af48/quarry/pipeline"
)

// documentFunc is the per-document function of a run: one extraction, its
// outcome mapped to a pipeline status with a reason a user can act on.
func (j *job) documentFunc() pipeline.Func {
	window := contextWindow(j.ex.Model)
	return func(ctx context.Context, doc pipeline.Document) pipeline.Result {
		if est := j.estimate(doc); window > 0 && est > window {
			return pipeline.Result{Status: pipeline.StatusError, Reason: fmt.Sprintf(
				"document is about %d tokens, over the %d-token context window of %s: split it (--split-pages for PDFs) or use a model with a larger context",
				est, window, j.ex.Model)}
		}
		if j.simulated {
			ctx = withDocument(ctx, &doc)
		}
		if j.f.background {
			ctx = batch.WithDocument(ctx, doc.ID, doc.Hash())
		}
		return batch.ToResult(j.ex.Extract(ctx, j.schema.spec, batch.Inputs(&doc)...))
	}
}

// estimate guesses a document's input tokens: the document, plus the
// instructions and the schema sent with it.
func (j *job) estimate(doc pipeline.Document) int {
	return pipeline.DefaultEstimate(doc) + (len(instructionsOf(j.ex))+len(j.schema.spec.Schema))/4
}

// contextWindow is a model's context in tokens, 0 when unknown.
func contextWindow(model string) int {
	m := strings.ToLower(model)
	switch {
	case strings.HasPrefix(m, "gpt-4.1"):
		return 1_047_576
	case strings.HasPrefix(m, "gpt-5"):
		return 400_000
	case strings.HasPrefix(m, "o3"), strings.HasPrefix(m, "o4"), strings.HasPrefix(m, "o1"):
		return 200_000
	case strings.HasPrefix(m, "gpt-4o"):
		return 128_000
	}
	return 0
}
