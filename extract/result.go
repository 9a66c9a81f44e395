package extract

import (
	"time"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/schema"
)

// Usage counts tokens, summed over attempts where it is a Result's.
type Usage struct {
	InputTokens     int64 `json:"input_tokens"`
	CachedTokens    int64 `json:"cached_tokens"`
	OutputTokens    int64 `json:"output_tokens"`
	ReasoningTokens int64 `json:"reasoning_tokens"`
}

func (u *Usage) add(v Usage) {
	u.InputTokens += v.InputTokens
	u.CachedTokens += v.CachedTokens
	u.OutputTokens += v.OutputTokens
	u.ReasoningTokens += v.ReasoningTokens
}

// Attempt is one request of an extraction and what came of it.
type Attempt struct {
	ResponseID string `json:"response_id,omitempty"`
	// Status is the response status: "completed", "incomplete" or "failed".
	Status string `json:"status"`
	// Errors are the decode and validation errors of this attempt's answer.
	Errors []*schema.FieldError `json:"errors,omitempty"`
	// Err is the attempt's outcome when it was not a (valid or invalid) answer:
	// refusal, truncation, failure.
	Err             string        `json:"error,omitempty"`
	Usage           Usage         `json:"usage"`
	Latency         time.Duration `json:"latency"`
	MaxOutputTokens int64         `json:"max_output_tokens,omitempty"`
	// Note says what Quarry did to the answer before decoding it, such as
	// unwrapping a ```json fence a server that ignores strict mode wrote.
	Note string `json:"note,omitempty"`
	// Raw is the answer text.
	Raw string `json:"-"`
}

// Result is the metadata of one extraction, returned with the value and with
// errors alike (nil only when no request was made).
type Result struct {
	// Model is the model that answered (as the server names it).
	Model string `json:"model"`
	// Attempts lists every request in order; len(Attempts) is the attempt count.
	Attempts []Attempt `json:"attempts"`
	// Usage sums the tokens of every attempt.
	Usage Usage `json:"usage"`
	// ResponseIDs lists the response IDs in order.
	ResponseIDs []string `json:"response_ids"`
	// Latency is the wall time of the whole extraction.
	Latency time.Duration `json:"latency"`
	// Requests counts HTTP requests, the client's transport retries included.
	Requests int `json:"requests"`
	// RateLimited counts HTTP 429 answers among them.
	RateLimited int `json:"rate_limited"`
	// CutBodies counts answers whose body broke off in transfer. Each was
	// either fetched whole by its id (Fetched; store on) or asked again as a
	// transport retry (counted in Requests).
	CutBodies int `json:"cut_bodies,omitempty"`
	// Fetched counts answers recovered with GET /v1/responses/{id} after a
	// cut body, instead of paying for a second answer.
	Fetched int `json:"fetched,omitempty"`
	// Refusal is the refusal text when the model refused.
	Refusal string `json:"refusal,omitempty"`
	// Raw is the last answer text received.
	Raw string `json:"raw,omitempty"`
	// Evidence holds, when Extractor.Evidence is set, the checked quote of
	// every non-null leaf value of the answer, in document order.
	Evidence []evidence.Item `json:"evidence,omitempty"`
}
