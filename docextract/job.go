package docextract

import (
	"context"
	"fmt"
	"sync"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

// Job is one extraction applied to every document of a run.
type Job struct {
	// Extractor builds and sends the requests. Required.
	Extractor *extract.Extractor
	// Spec is the schema and check of the answers.
	Spec extract.Spec
	// Client, if not nil, returns the client for one document's requests,
	// given the Extractor's own: a client that records or routes per
	// document (background mode, the simulated model) gets the document's
	// identity here. If nil, the Extractor's Client serves every document.
	Client func(doc *pipeline.Document, base extract.Client) extract.Client

	// tmpl is the copy per-document Extractors are made from: the Extractor
	// itself may be learning (see extract.Extractor.WithClient) while they
	// are made, a copy of it never is.
	once sync.Once
	tmpl *extract.Extractor
}

// For returns the Extractor to use for doc: the Job's own, or a copy whose
// Client is the document's (see [Job.Client]).
func (j *Job) For(doc *pipeline.Document) *extract.Extractor {
	if j.Client == nil {
		return j.Extractor
	}
	j.once.Do(func() { j.tmpl = j.Extractor.WithClient(j.Extractor.Client) })
	return j.tmpl.WithClient(j.Client(doc, j.Extractor.Client))
}

// Func returns the per-document function of a run: the context-window check,
// then one extraction, its outcome mapped by [Result].
func (j *Job) Func() pipeline.Func {
	window := extract.ContextWindow(j.Extractor.Model)
	return func(ctx context.Context, doc pipeline.Document) pipeline.Result {
		if r, ok := j.tooLarge(&doc, window); ok {
			return r
		}
		return Result(j.For(&doc).Extract(ctx, j.Spec, Inputs(&doc)...))
	}
}

// TooLarge reports, for a document over the model's context window, the
// error result a run records for it without sending it.
func (j *Job) TooLarge(doc *pipeline.Document) (pipeline.Result, bool) {
	return j.tooLarge(doc, extract.ContextWindow(j.Extractor.Model))
}

func (j *Job) tooLarge(doc *pipeline.Document, window int) (pipeline.Result, bool) {
	if est := j.Estimate(*doc); window > 0 && est > window {
		return pipeline.Result{Status: pipeline.StatusError, Reason: fmt.Sprintf(
			"document is about %d tokens, over the %d-token context window of %s: split it (--split-pages for PDFs) or use a model with a larger context",
			est, window, j.Extractor.Model)}, true
	}
	return pipeline.Result{}, false
}

// Estimate guesses a document's input tokens: the document, plus the
// instructions and the schema sent with it.
func (j *Job) Estimate(doc pipeline.Document) int {
	return pipeline.DefaultEstimate(doc) + j.Overhead()
}

// Overhead is the input tokens every request of the Job carries besides
// the document: the instructions and the schema.
func (j *Job) Overhead() int {
	return (len(j.Extractor.SentInstructions()) + len(j.Extractor.SentSchema(j.Spec))) / 4
}
