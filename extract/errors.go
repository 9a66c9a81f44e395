package extract

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openai/openai-go/v3"

	"github.com/seed0611af48/quarry/schema"
)

// Conditions an extraction can end in. Use errors.Is; the concrete error
// types below carry the details and are reached with errors.As.
var (
	// ErrRefused: the model refused to answer (a refusal content part). Not retried.
	ErrRefused = errors.New("extract: the model refused")
	// ErrIncomplete: the answer was cut off by max_output_tokens, even after one
	// retry with a larger budget.
	ErrIncomplete = errors.New("extract: the answer is incomplete")
	// ErrContentFilter: the answer was stopped by the content filter. Not retried.
	ErrContentFilter = errors.New("extract: the answer was stopped by the content filter")
	// ErrFailed: the response ended with status "failed" and a response.error.
	ErrFailed = errors.New("extract: the response failed")
	// ErrInvalid: every attempt broke the schema or validation.
	ErrInvalid = errors.New("extract: no valid answer after all attempts")
	// ErrInput: an input could not be used (unreadable file, unknown image type, PDF too large).
	ErrInput = errors.New("extract: bad input")
)

// RefusalError is returned when the model refuses; Message is the refusal text.
type RefusalError struct {
	ResponseID string
	Message    string
}

func (e *RefusalError) Error() string {
	return fmt.Sprintf("extract: the model refused: %s", e.Message)
}

func (e *RefusalError) Is(target error) bool { return target == ErrRefused }

// IncompleteError is returned when the response has status "incomplete".
type IncompleteError struct {
	ResponseID string
	// Reason is incomplete_details.reason: "max_output_tokens" or "content_filter".
	Reason string
	// MaxOutputTokens is the budget of the last attempt (0 when none was set).
	MaxOutputTokens int64
	// ReasoningTokens were spent on reasoning before the cut: when they used up
	// the budget, the answer was cut off by reasoning, not by its own length.
	ReasoningTokens int64
	// Raw is the partial answer text.
	Raw string
}

func (e *IncompleteError) Error() string {
	var s string
	switch {
	case e.Reason == "content_filter":
		return "extract: the answer was stopped by the content filter"
	case e.MaxOutputTokens > 0 && e.ReasoningTokens >= e.MaxOutputTokens:
		s = fmt.Sprintf("extract: the answer was cut off by reasoning: %d reasoning tokens used the whole max_output_tokens budget of %d; raise it", e.ReasoningTokens, e.MaxOutputTokens)
	case e.MaxOutputTokens > 0:
		s = fmt.Sprintf("extract: the answer was cut off at max_output_tokens (%d); raise it", e.MaxOutputTokens)
	default:
		s = fmt.Sprintf("extract: the answer is incomplete (%s)", e.Reason)
	}
	if t := tail(e.Raw, tailBytes); t != "" {
		s += fmt.Sprintf("; it ended with %q", t)
	}
	return s
}

// tailBytes is how much of a cut-off answer an IncompleteError shows.
const tailBytes = 120

// tail returns about the last n bytes of s, starting on a character
// boundary, with "…" in front when s was longer: enough of a cut-off answer
// to see why it ran long (a run of whitespace, a repeated line).
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return "…" + s[i:]
}

func (e *IncompleteError) Is(target error) bool {
	if e.Reason == "content_filter" {
		return target == ErrContentFilter
	}
	return target == ErrIncomplete
}

// ResponseError is returned for a response with status "failed".
type ResponseError struct {
	ResponseID string
	Code       string
	Message    string
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("extract: the response failed: %s: %s", e.Code, e.Message)
}

func (e *ResponseError) Is(target error) bool { return target == ErrFailed }

// APIError is an HTTP error answer of the API (after the client's own retries),
// with the fields of the error body. It unwraps to the *openai.Error.
type APIError struct {
	StatusCode int
	Type       string
	Code       string
	Param      string
	Message    string
	// Findings holds the strict-mode findings of Quarry's linter for the schema
	// that was sent, when the server rejected it as invalid_json_schema.
	Findings []schema.Finding
	// Requests counts the HTTP requests of the attempt, the client's
	// retries included: 3 means this answer came after two retried ones.
	Requests int
	// RetryAfter is how long the server asked to wait before trying again
	// (its retry-after-ms or Retry-After header, seconds or a date), or 0.
	RetryAfter time.Duration
	err        *openai.Error
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "extract: API error %d", e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	} else if e.Type != "" {
		fmt.Fprintf(&b, " %s", e.Type)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", redactKeys(e.Message))
	}
	if e.Param != "" {
		fmt.Fprintf(&b, " (param %s)", e.Param)
	}
	if e.Requests > 1 {
		fmt.Fprintf(&b, " (after %d tries)", e.Requests)
	}
	for i, f := range e.Findings {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more schema findings", len(e.Findings)-5)
			break
		}
		fmt.Fprintf(&b, "; schema %s", f)
	}
	return b.String()
}

func (e *APIError) Unwrap() error {
	if e.err == nil {
		return nil
	}
	return e.err
}

// keyLike matches API keys and the masked keys servers echo back
// ("Incorrect API key provided: sk-proj-****1234").
var keyLike = regexp.MustCompile(`\bsk-[A-Za-z0-9_*\-]{3,}`)

// redactKeys blanks anything that looks like an API key.
func redactKeys(s string) string { return keyLike.ReplaceAllString(s, "sk-[redacted]") }

// InvalidError is returned when every attempt broke the schema or validation.
// It carries every attempt's errors and the last raw answer.
type InvalidError struct {
	Attempts []Attempt
	// Raw is the last answer received.
	Raw string
}

func (e *InvalidError) Error() string {
	var last []*schema.FieldError
	if n := len(e.Attempts); n > 0 {
		last = e.Attempts[n-1].Errors
	}
	var b strings.Builder
	fmt.Fprintf(&b, "extract: no valid answer after %d attempts", len(e.Attempts))
	for i, fe := range last {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(last)-5)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(fe.Error())
	}
	return b.String()
}

func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// Errors returns the field errors of the last attempt.
func (e *InvalidError) Errors() []*schema.FieldError {
	if n := len(e.Attempts); n > 0 {
		return e.Attempts[n-1].Errors
	}
	return nil
}

// InputError reports an input that cannot be sent.
type InputError struct {
	Name string // file name or input kind
	Err  error
}

func (e *InputError) Error() string { return fmt.Sprintf("extract: input %s: %v", e.Name, e.Err) }
func (e *InputError) Unwrap() error { return e.Err }
func (e *InputError) Is(target error) bool {
	return target == ErrInput
}
