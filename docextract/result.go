package docextract

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

// Inputs turns a document's parts into extraction inputs: text, images and
// PDFs in order. Images keep the MIME type the source detected.
func Inputs(doc *pipeline.Document) []extract.Input {
	out := make([]extract.Input, 0, len(doc.Parts))
	for _, p := range doc.Parts {
		switch p.Kind {
		case pipeline.PartText:
			out = append(out, extract.Text(p.Text))
		case pipeline.PartImage:
			out = append(out, extract.Image(p.Data).WithMIMEType(p.MIMEType))
		case pipeline.PartPDF:
			out = append(out, extract.PDF(p.Data, p.Filename))
		}
	}
	return out
}

// Result maps an extraction's outcome to a pipeline result: the status
// from the error's kind (errors.Is on extract's sentinels) and the error's
// text as the reason. Synchronous, streamed and batch runs use it alike, so
// all record the same statuses and reasons.
func Result(value json.RawMessage, res *extract.Result, err error) pipeline.Result {
	var r pipeline.Result
	if res != nil {
		r.Attempts = len(res.Attempts)
		r.Usage = Usage(res.Usage)
		r.Model = res.Model
		r.ResponseIDs = res.ResponseIDs
		r.Requests = res.Requests
		r.RateLimited = res.RateLimited
		r.AttemptErrors = AttemptErrors(res.Attempts)
	}
	r.Status = Status(err)
	if err == nil {
		r.Value = value
		if res != nil && len(res.Evidence) > 0 {
			r.Evidence, _ = json.Marshal(res.Evidence) // plain structs: cannot fail
		}
		return r
	}
	r.Reason = err.Error()
	return r
}

// Status is the pipeline status of an extraction's error: ok for nil,
// invalid, refused, incomplete (a cut or filtered answer), else error.
func Status(err error) pipeline.Status {
	switch {
	case err == nil:
		return pipeline.StatusOK
	case errors.Is(err, extract.ErrInvalid):
		return pipeline.StatusInvalid
	case errors.Is(err, extract.ErrRefused):
		return pipeline.StatusRefused
	case errors.Is(err, extract.ErrIncomplete), errors.Is(err, extract.ErrContentFilter):
		return pipeline.StatusIncomplete
	}
	return pipeline.StatusError
}

// Usage is extract's token usage as the pipeline records it.
func Usage(u extract.Usage) pipeline.Usage { return pipeline.Usage(u) }

// Cost prices recorded usage at a price and service tier.
func Cost(p extract.Price, u pipeline.Usage, tier string) float64 {
	return p.Cost(extract.Usage(u), tier)
}

// AttemptErrors says what was wrong with each attempt that was not a valid
// answer, one line per attempt: its field errors, or its failure (refusal,
// truncation, server error). Nil when no attempt went wrong.
func AttemptErrors(attempts []extract.Attempt) []string {
	var out []string
	for i, a := range attempts {
		var parts []string
		for _, fe := range a.Errors {
			parts = append(parts, fe.Error())
		}
		if a.Err != "" {
			parts = append(parts, a.Err)
		}
		if len(parts) > 0 {
			out = append(out, fmt.Sprintf("attempt %d: %s", i+1, strings.Join(parts, "; ")))
		}
	}
	return out
}
