package batch

import (
	"encoding/json"
	"errors"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

// Inputs turns a document's parts into extraction inputs: text, images and
// PDFs in order.
func Inputs(doc *pipeline.Document) []extract.Input {
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

// ToResult maps an extraction's outcome to a pipeline result: the status
// from the error's kind (errors.Is on extract's sentinels) and the error's
// text as the reason. Synchronous and batch runs use it alike, so both
// record the same statuses and reasons.
func ToResult(value json.RawMessage, res *extract.Result, err error) pipeline.Result {
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
