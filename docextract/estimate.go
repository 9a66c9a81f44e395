package docextract

import (
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

// DefaultOutputTokens is the output a cost estimate assumes for one request
// when the Extractor sets no MaxOutputTokens: a few dozen fields of JSON.
const DefaultOutputTokens = 500

// OutputTokens is the output a cost estimate assumes for one request of
// ex: its MaxOutputTokens when set, else DefaultOutputTokens.
func OutputTokens(ex *extract.Extractor) int64 {
	if ex.MaxOutputTokens > 0 {
		return ex.MaxOutputTokens
	}
	return DefaultOutputTokens
}

// EstimateCost guesses the cost in USD of one request for doc at price
// and tier (extract.TierBatch for a batch, TierStandard or TierFlex for
// synchronous calls): input tokens from [pipeline.DefaultEstimate] (text
// bytes / 4, 1,000 per image, 1,500 per PDF page, 50 of overhead) plus
// extraInput, and outputTokens of output, none of it cached. The guess is
// rough by design: a budget is settled with the actual usage afterwards.
func EstimateCost(price extract.Price, doc *pipeline.Document, extraInput, outputTokens int64, tier string) float64 {
	in := int64(pipeline.DefaultEstimate(*doc)) + extraInput
	return price.Cost(extract.Usage{InputTokens: in, OutputTokens: outputTokens}, tier)
}
