package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/schema"
)

// Spec says what to extract: a strict JSON Schema and the check an answer
// must pass. One and Many build it from a Go type; JSONSchema builds it from a
// JSON Schema document.
type Spec struct {
	// Name is the text.format name (^[a-zA-Z0-9_-]{1,64}$).
	Name string
	// Schema is the strict JSON Schema sent as text.format.schema.
	Schema json.RawMessage
	// Check decodes and validates an answer and returns every problem found,
	// or nil when the answer is good. It is called once per attempt.
	Check func(answer []byte) []*schema.FieldError

	linted   bool             // findings holds Lint(Schema)
	findings []schema.Finding // set by the constructors that lint once
	wrapKey  string           // the property a list (or other non-object) root is wrapped in
}

// limitRules are the lint rules of strict mode's size limits.
var limitRules = map[string]bool{
	schema.RuleMaxNesting: true, schema.RuleMaxProperties: true, schema.RuleMaxEnumValues: true,
	schema.RuleMaxStringLength: true, schema.RuleMaxEnumStringLength: true,
}

// checkLimits refuses a schema over strict mode's limits, unless the
// Extractor says to send it anyway.
func (ex *Extractor) checkLimits(spec *Spec) error {
	if ex.IgnoreSchemaLimits {
		return nil
	}
	findings := spec.findings
	if !spec.linted {
		findings = schema.Lint(spec.Schema)
	}
	var over []schema.Finding
	for _, f := range findings {
		if limitRules[f.Rule] {
			over = append(over, f)
		}
	}
	if len(over) > 0 {
		return &schema.LintError{Name: spec.Name, Findings: over}
	}
	return nil
}

// One extracts a value of type T from the inputs: it sends T's strict schema,
// decodes the answer strictly, validates it (validate tags, then T's
// Validate method) and re-asks with the exact errors, up to MaxAttempts.
//
// The Result is returned with errors too, so the attempts and tokens spent
// are known either way. A slice type T (say []Line) is wrapped in an object
// at the root, as strict mode requires, and unwrapped here.
func One[T any](ctx context.Context, ex *Extractor, inputs ...Input) (T, *Result, error) {
	var zero T
	s, err := schema.For[T]()
	if err != nil {
		return zero, nil, err
	}
	spec, out := typedSpec[T](s)
	if _, res, err := ex.Extract(ctx, spec, inputs...); err != nil {
		return zero, res, err
	} else {
		return *out, res, nil
	}
}

// typedSpec is the Spec of a Go type's schema: its Check decodes strictly
// and validates, and keeps the last good value in *out.
func typedSpec[T any](s *schema.Schema) (Spec, *T) {
	out := new(T)
	return Spec{Name: s.Name, Schema: s.JSON, linted: true, findings: s.Findings(), wrapKey: s.ListKey, Check: func(answer []byte) []*schema.FieldError {
		var v T
		if errs := Decode(s, answer, &v); len(errs) > 0 {
			return errs
		}
		*out = v
		return nil
	}}, out
}

// Many extracts a list of T: One[[]T].
func Many[T any](ctx context.Context, ex *Extractor, inputs ...Input) ([]T, *Result, error) {
	return One[[]T](ctx, ex, inputs...)
}

// Decode decodes an answer strictly into v (a pointer to s.Type) and
// validates it, returning every problem with its JSON pointer: the validate
// tags and Validate methods at every depth (Validate), then what the schema
// states besides (enum, bounds, pattern and item counts from jsonschema
// tags) where those found nothing. A wrapped list root (s.ListKey) is
// unwrapped.
func Decode(s *schema.Schema, answer []byte, v any) []*schema.FieldError {
	if err := s.Decode(answer, v); err != nil {
		var de *schema.DecodeError
		if errors.As(err, &de) {
			return de.Errors
		}
		return []*schema.FieldError{{Message: err.Error()}}
	}
	base := ""
	if s.ListKey != "" {
		base = schema.Pointer("", s.ListKey)
	}
	errs := schema.Validate(v, base)
	return append(errs, keywordErrors(s, answer, errs)...)
}

// Extract runs one extraction for spec and returns the valid answer as JSON.
// It is what One and Many use; call it directly for schemas that have no Go
// type.
func (ex *Extractor) Extract(ctx context.Context, spec Spec, inputs ...Input) (json.RawMessage, *Result, error) {
	if ex.Client == nil {
		panic("extract: Extractor.Client is nil")
	}
	c, err := ex.NewCall(spec, inputs...)
	if err != nil {
		return nil, nil, err
	}
	start := time.Now()
	count := requestCounter{store: ex.Store}
	opts := count.options(ex.RequestOptions)
	dropped := false
	for !c.Done() {
		params, err := c.next().params()
		if err != nil {
			c.Fail(fmt.Errorf("extract: encoding the request: %w", err))
			break
		}
		t0 := time.Now()
		before := count.requests.Load()
		resp, err := ex.Client.New(ctx, params, opts...)
		if err != nil {
			err = apiError(err, &spec)
			if !dropped && ex.dropUnsupported(err) {
				dropped = true // once: the same request without the parameter
				continue
			}
			var ae *APIError
			if n := int(count.requests.Load() - before); n > 1 {
				if errors.As(err, &ae) {
					ae.Requests = n
				} else if ctx.Err() == nil {
					err = fmt.Errorf("%w (after %d tries)", err, n)
				}
			}
			c.Fail(err)
			break
		}
		c.Handle(resp, time.Since(t0))
	}
	value, res, err := c.Outcome()
	res.Latency = time.Since(start)
	res.Requests, res.RateLimited = int(count.requests.Load()), int(count.limited.Load())
	res.CutBodies, res.Fetched = int(count.cut.Load()), int(count.fetched.Load())
	return value, res, err
}

// apiError turns the client's error into Quarry's: *APIError for HTTP error
// answers, the context's error when the call was cancelled.
func apiError(err error, spec *Spec) error {
	var oe *openai.Error
	if errors.As(err, &oe) {
		ae := &APIError{StatusCode: oe.StatusCode, Type: oe.Type, Code: oe.Code,
			Param: oe.Param, Message: oe.Message, err: oe}
		if oe.Response != nil {
			ae.RetryAfter = retryAfter(oe.Response.Header, time.Now())
		}
		if oe.Code == "invalid_json_schema" {
			ae.Findings = schema.Lint(spec.Schema)
		}
		return ae
	}
	return fmt.Errorf("extract: request failed: %w", err)
}

// retryAfter reads how long a server asks to wait: retry-after-ms (which
// openai-go honours first), else Retry-After in seconds or as an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	v := h.Get("Retry-After")
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs > 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

// requestCounter counts the HTTP requests of one extraction (the client's
// retries included; not the GET polls of background requests) and the 429
// answers among them, and guards against bodies cut off in transfer (see
// cutbody.go).
type requestCounter struct {
	requests, limited atomic.Int64
	cut, fetched      atomic.Int64
	store             bool // responses are stored: a cut answer can be fetched by id
}

// options returns base plus a middleware that counts into c, and, innermost,
// the guard that reads answers whole.
func (c *requestCounter) options(base []option.RequestOption) []option.RequestOption {
	return append(append([]option.RequestOption(nil), base...),
		option.WithMiddleware(func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
			resp, err := next(r)
			if r.Method == http.MethodPost {
				c.requests.Add(1)
				if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
					c.limited.Add(1)
				}
			}
			return resp, err
		}),
		option.WithMiddleware(c.guardMiddleware))
}
