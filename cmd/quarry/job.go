package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

// inputs turns a document's parts into extraction inputs.
func inputs(doc *pipeline.Document) []extract.Input {
	out := make([]extract.Input, 0, len(doc.Parts))
	for _, p := range doc.Parts {
		switch p.Kind {
		case pipeline.PartText:
			out = append(out, extract.Text(p.Text))
		case pipeline.PartImage:
			out = append(out, extract.Image(p.Data))
		case pipeline.PartPDF:
			out = append(out, extract.PDF(p.Data, p.Filename))
		}
	}
	return out
}

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
		value, res, err := j.ex.Extract(ctx, j.schema.spec, inputs(&doc)...)
		return toResult(value, res, err)
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

func toResult(value []byte, res *extract.Result, err error) pipeline.Result {
	var r pipeline.Result
	if res != nil {
		r.Attempts = len(res.Attempts)
		r.Usage = pipeline.Usage(res.Usage)
		r.Model = res.Model
		r.ResponseIDs = res.ResponseIDs
		r.Requests = res.Requests
		r.RateLimited = res.RateLimited
	}
	switch {
	case err == nil:
		r.Status, r.Value = pipeline.StatusOK, value
		return r
	case errors.Is(err, extract.ErrInvalid):
		r.Status = pipeline.StatusInvalid
	case errors.Is(err, extract.ErrRefused):
		r.Status = pipeline.StatusRefused
	case errors.Is(err, extract.ErrIncomplete), errors.Is(err, extract.ErrContentFilter):
		r.Status = pipeline.StatusIncomplete
	default:
		r.Status = pipeline.StatusError
	}
	r.Reason = err.Error()
	return r
}
