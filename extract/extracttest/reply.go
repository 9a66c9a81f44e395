package extracttest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/seed0611af48/quarry/schema"
)

// A Reply is what the fake answers to one POST /v1/responses request. Build one with
// [JSON], [Text], [Refusal], [Incomplete], [Failed], [Status] or [Drop], then refine it
// with the With* and Stream* methods, which return a modified copy:
//
//	extracttest.JSON(invoice).WithUsage(1200, 1024, 80, 0).WithLatency(5 * time.Millisecond)
//
// The zero Reply means "no reply": a [Handler] returns it to fall back to the queue
// filled by [Server.Enqueue]. A Reply may be served any number of times; every serving
// gets fresh ids.
type Reply struct {
	kind    replyKind
	text    string // output_text, partial text, or refusal message
	reason  string // incomplete_details.reason
	code    string // response.error.code, or ErrorResponse code
	message string // response.error.message, or ErrorResponse message
	errType string // ErrorResponse type
	param   string // ErrorResponse param
	status  int    // HTTP status for kindStatus

	usage      *usage
	retryAfter time.Duration
	hasRetry   bool
	header     http.Header
	latency    time.Duration
	model      string
	polls      int
	hasPolls   bool

	cutAfter int  // bytes of a non-streamed answer sent before the connection closes
	cut      bool // cutAfter is set

	fault      streamFault
	faultAfter int
	faultCode  string
	faultMsg   string
	chunk      int
}

type replyKind int

const (
	kindNone replyKind = iota
	kindText
	kindRefusal
	kindIncomplete
	kindFailed
	kindStatus
	kindDrop
)

type streamFault int

const (
	faultNone streamFault = iota
	faultError
	faultDrop
	faultStall
)

// defaultChunk is the size in bytes of each response.output_text.delta event when
// [Reply.WithChunkSize] is not used.
const defaultChunk = 16

// JSON returns a completed response whose output_text is v as a model answering
// under Structured Outputs writes it (schema.Marshal): every property of every
// object, in struct field order, null where encoding/json's omitempty or omitzero
// would have dropped the key, [] for a nil list. Maps are written by encoding/json.
// It panics if v cannot be encoded (a mistake in the test, not in the code under
// test). A list type's answer is an object: JSON(map[string]any{"items": list}). To
// send exact bytes (key order, whitespace, broken JSON) use [Text].
func JSON(v any) Reply {
	b, err := schema.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("extracttest: JSON: %v", err))
	}
	return Reply{kind: kindText, text: string(b)}
}

// Text returns a completed response whose output_text is s, verbatim.
func Text(s string) Reply {
	return Reply{kind: kindText, text: s}
}

// Refusal returns a completed response whose message holds a refusal content part
// (type "refusal") instead of output_text, as the model answers when it declines.
func Refusal(msg string) Reply {
	return Reply{kind: kindRefusal, text: msg}
}

// Incomplete returns a response with status "incomplete" and incomplete_details.reason
// set to reason ("max_output_tokens" or "content_filter"). partialText is the text
// written before the model stopped; when it is empty the response has no output item.
func Incomplete(reason, partialText string) Reply {
	return Reply{kind: kindIncomplete, reason: reason, text: partialText}
}

// Failed returns a response with status "failed", no output and response.error set to
// {code, message}; code is one of the API's ResponseErrorCode values such as
// "server_error" or "rate_limit_exceeded". It is an HTTP 200 answer: the failure is in
// the body (or in the response.failed event when streaming).
func Failed(code, message string) Reply {
	return Reply{kind: kindFailed, code: code, message: message}
}

// Status returns an HTTP error answer with the API's ErrorResponse body:
//
//	{"error": {"message": message, "type": errType, "param": null, "code": errCode}}
//
// An empty errCode is sent as null. Use [Reply.WithParam] to set param, and
// [Reply.WithRetryAfter] for a 429. For example:
//
//	extracttest.Status(429, "requests", "rate_limit_exceeded", "Rate limit reached").WithRetryAfter(time.Millisecond)
//	extracttest.Status(400, "invalid_request_error", "invalid_json_schema", "Invalid schema for response_format 'invoice'")
//
// The openai-go client retries 408, 409, 429 and 5xx answers (honouring Retry-After);
// set an "X-Should-Retry: false" header with [Reply.WithHeaders] to stop it.
func Status(code int, errType, errCode, message string) Reply {
	return Reply{kind: kindStatus, status: code, errType: errType, code: errCode, message: message}
}

// Drop returns a reply that closes the connection without answering. Clients see a
// connection error (io.EOF or "connection reset"); the openai-go client retries it.
func Drop() Reply {
	return Reply{kind: kindDrop}
}

// IsZero reports whether r is the zero Reply ("no reply").
func (r Reply) IsZero() bool { return r.kind == kindNone }

// WithUsage sets the usage block: input tokens (of which cached were read from the
// prompt cache) and output tokens (of which reasoning were reasoning tokens; output
// includes them, as in the API). When reasoning > 0 the response also carries a
// reasoning output item before the message, as reasoning models' answers do.
// Without WithUsage, usage is estimated at about 4 bytes a token.
func (r Reply) WithUsage(input, cached, output, reasoning int64) Reply {
	r.usage = &usage{input: input, cached: cached, output: output, reasoning: reasoning}
	return r
}

// WithRetryAfter sets the Retry-After (whole seconds, rounded up) and retry-after-ms
// headers. openai-go prefers retry-after-ms, so a tiny d keeps retry tests fast.
func (r Reply) WithRetryAfter(d time.Duration) Reply {
	r.retryAfter, r.hasRetry = d, true
	return r
}

// WithHeaders adds h to the answer's headers (for example x-ratelimit-remaining-tokens).
func (r Reply) WithHeaders(h http.Header) Reply {
	merged := r.header.Clone()
	if merged == nil {
		merged = make(http.Header, len(h))
	}
	for k, vs := range h {
		merged[http.CanonicalHeaderKey(k)] = append(merged[http.CanonicalHeaderKey(k)], vs...)
	}
	r.header = merged
	return r
}

// WithLatency makes the server wait d before answering. The wait ends early, without
// an answer, when the client gives up (the request's context is done) or the server
// is closed. Meant for benchmarks and timeout tests; unit tests should not need it.
// Batch lines ignore it.
func (r Reply) WithLatency(d time.Duration) Reply {
	r.latency = d
	return r
}

// WithModel sets the model reported in the response (default: the request's model).
func (r Reply) WithModel(m string) Reply {
	r.model = m
	return r
}

// WithParam sets the param field of a [Status] error body.
func (r Reply) WithParam(p string) Reply {
	r.param = p
	return r
}

// WithPolls sets how many GET /v1/responses/{id} polls report "in_progress" before a
// background response (request with background: true) reaches its final status.
// The default is 1: queued (the POST), in_progress (first GET), final (second GET).
func (r Reply) WithPolls(n int) Reply {
	r.polls, r.hasPolls = max(n, 0), true
	return r
}

// StreamError makes a streamed answer send an "error" event
// ({"type":"error","code":code,"message":message,"param":null}) after afterEvents
// events, then end the stream. It has no effect on non-streamed requests.
func (r Reply) StreamError(afterEvents int, code, message string) Reply {
	r.fault, r.faultAfter, r.faultCode, r.faultMsg = faultError, max(afterEvents, 0), code, message
	return r
}

// StreamDropAfter makes a streamed answer close the connection after events events,
// without the terminal event. It has no effect on non-streamed requests.
func (r Reply) StreamDropAfter(events int) Reply {
	r.fault, r.faultAfter = faultDrop, max(events, 0)
	return r
}

// StreamStallAfter makes a streamed answer stop sending after events events and hold
// the connection open until the client gives up (its context is done) or the server
// is closed. Use a context deadline in the test. No effect on non-streamed requests.
func (r Reply) StreamStallAfter(events int) Reply {
	r.fault, r.faultAfter = faultStall, max(events, 0)
	return r
}

// CutAfter makes a non-streamed answer stop after its first n bytes: the
// server sends the status line and headers (with the full Content-Length),
// then n bytes of the body, then closes the connection, as a proxy or a
// network failure does mid-transfer. Clients see an unexpected EOF while
// reading the body. The answer was made, so it is billed ([Server.Billed])
// and, when the request asked for store, kept for GET /v1/responses/{id}.
// The response id is in the body's first 60 bytes or so. No effect on
// streamed requests (use [Reply.StreamDropAfter]) or batch lines.
func (r Reply) CutAfter(n int) Reply {
	r.cutAfter, r.cut = max(n, 0), true
	return r
}

// WithRateLimit adds the x-ratelimit-limit-* and x-ratelimit-remaining-*
// headers of requests and tokens, as the live API sends with every answer:
//
//	extracttest.Status(429, "requests", "rate_limit_exceeded", "Rate limit reached").
//		WithRateLimit(10_000, 9_000, 2_000_000, 1_900_000)
//
// is a 429 that is not about the account's pace (plenty remaining).
func (r Reply) WithRateLimit(limitRequests, remainingRequests, limitTokens, remainingTokens int64) Reply {
	return r.WithHeaders(http.Header{
		"X-Ratelimit-Limit-Requests":     {strconv.FormatInt(limitRequests, 10)},
		"X-Ratelimit-Remaining-Requests": {strconv.FormatInt(remainingRequests, 10)},
		"X-Ratelimit-Limit-Tokens":       {strconv.FormatInt(limitTokens, 10)},
		"X-Ratelimit-Remaining-Tokens":   {strconv.FormatInt(remainingTokens, 10)},
	})
}

// WithChunkSize sets the size in bytes of each response.output_text.delta (and
// response.refusal.delta) event; chunks never split a UTF-8 sequence. Default 16.
func (r Reply) WithChunkSize(n int) Reply {
	r.chunk = n
	return r
}

func (r Reply) chunkSize() int {
	if r.chunk <= 0 {
		return defaultChunk
	}
	return r.chunk
}

func (r Reply) pollCount() int {
	if !r.hasPolls {
		return 1
	}
	return r.polls
}
