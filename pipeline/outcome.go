package pipeline

import (
	"encoding/json"
	"time"
)

// Status is the one outcome a document ends with.
type Status string

const (
	StatusOK         Status = "ok"         // extracted and valid
	StatusInvalid    Status = "invalid"    // every attempt broke the schema or validation
	StatusRefused    Status = "refused"    // the model refused
	StatusIncomplete Status = "incomplete" // the answer was cut off (token limit, content filter)
	StatusError      Status = "error"      // unreadable input, API error, panic...
	StatusSkipped    Status = "skipped"    // already done in an earlier run, or not sent (budget, limit)
)

// Statuses lists every Status, in the order summaries show them.
func Statuses() []Status {
	return []Status{StatusOK, StatusInvalid, StatusRefused, StatusIncomplete, StatusError, StatusSkipped}
}

// Usage counts tokens.
type Usage struct {
	InputTokens     int64 `json:"input_tokens"`
	CachedTokens    int64 `json:"cached_tokens"`
	OutputTokens    int64 `json:"output_tokens"`
	ReasoningTokens int64 `json:"reasoning_tokens"`
}

// Add returns u + v.
func (u Usage) Add(v Usage) Usage {
	return Usage{
		InputTokens:     u.InputTokens + v.InputTokens,
		CachedTokens:    u.CachedTokens + v.CachedTokens,
		OutputTokens:    u.OutputTokens + v.OutputTokens,
		ReasoningTokens: u.ReasoningTokens + v.ReasoningTokens,
	}
}

// Total is input plus output tokens (cached and reasoning tokens are parts of those).
func (u Usage) Total() int64 { return u.InputTokens + u.OutputTokens }

// Result is what a per-document function returns.
type Result struct {
	Status Status
	// Reason says why a document is not StatusOK, in words a user can act on.
	Reason string
	// Value is the extracted JSON value (for StatusOK; the last answer otherwise, if any).
	Value       json.RawMessage
	Attempts    int
	Usage       Usage
	Model       string
	ResponseIDs []string
	// Requests counts HTTP requests made, including the client's own retries, when known.
	Requests int
	// RateLimited counts 429 answers seen, when known.
	RateLimited int
	// Evidence is a JSON array of evidence.Item (package evidence), one per
	// leaf value, when the run asked for evidence; nil otherwise.
	Evidence json.RawMessage
	// AttemptErrors says what was wrong with each attempt that did not give
	// a valid answer, one line per attempt, in order ("attempt 1: /total:
	// must be >= 0"); nil when the first answer was valid.
	AttemptErrors []string
}

// Outcome is a Result bound to its document: one line of the run ledger and
// what sinks receive.
type Outcome struct {
	// Seq is the document's 0-based position in the input of this run.
	Seq         int64           `json:"seq"`
	ID          string          `json:"id"`
	Hash        string          `json:"hash"`
	Fingerprint string          `json:"fingerprint"`
	Status      Status          `json:"status"`
	Reason      string          `json:"reason,omitempty"`
	Stack       string          `json:"stack,omitempty"`
	Value       json.RawMessage `json:"value,omitempty"`
	// Evidence is a JSON array of evidence.Item, as in Result.Evidence.
	Evidence json.RawMessage `json:"evidence,omitempty"`
	Attempts int             `json:"attempts"`
	// AttemptErrors is as in Result.AttemptErrors.
	AttemptErrors []string          `json:"attempt_errors,omitempty"`
	Usage         Usage             `json:"usage"`
	Model         string            `json:"model,omitempty"`
	ResponseIDs   []string          `json:"response_ids,omitempty"`
	Source        string            `json:"source,omitempty"`
	Row           int               `json:"row,omitempty"`
	Page          int               `json:"page,omitempty"`
	Columns       []Column          `json:"columns,omitempty"`
	Meta          map[string]string `json:"meta,omitempty"`
	Started       time.Time         `json:"started"`
	Finished      time.Time         `json:"finished"`
	// EarlierStatus and EarlierReason are set on a StatusSkipped outcome
	// replayed from an earlier run's record: the status and reason recorded
	// then, so outputs written anew can show the document as it ended.
	EarlierStatus Status `json:"earlier_status,omitempty"`
	EarlierReason string `json:"earlier_reason,omitempty"`
}

// Replayed returns the outcome as an earlier run recorded it, when o is a
// StatusSkipped outcome replayed from the ledger, and o itself otherwise.
func (o *Outcome) Replayed() *Outcome {
	if o.Status != StatusSkipped || o.EarlierStatus == "" {
		return o
	}
	c := *o
	c.Status, c.Reason = o.EarlierStatus, o.EarlierReason
	c.EarlierStatus, c.EarlierReason = "", ""
	return &c
}

// Totals sums a run.
type Totals struct {
	Documents   int            `json:"documents"`
	ByStatus    map[Status]int `json:"by_status"`
	Usage       Usage          `json:"usage"`
	Requests    int            `json:"requests"`
	RateLimited int            `json:"rate_limited"`
	Wall        time.Duration  `json:"wall"`
}

// RunInfo describes a run for sinks that record it (the XLSX "run" sheet).
type RunInfo struct {
	Model        string          `json:"model"`
	Instructions string          `json:"instructions"`
	Schema       json.RawMessage `json:"schema"`
	Simulated    bool            `json:"simulated"`
	Start        time.Time       `json:"start"`
	End          time.Time       `json:"end"`
	Totals       Totals          `json:"totals"`
}

// Sink receives outcomes. Write is called from one goroutine at a time.
type Sink interface {
	Write(o *Outcome) error
	// Close finishes the output; info describes the whole run.
	Close(info *RunInfo) error
}
