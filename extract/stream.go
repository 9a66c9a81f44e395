package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/ssestream"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract/partialjson"
	"github.com/seed0611af48/quarry/schema"
)

// StreamClient is the streaming part of the openai-go client:
// &client.Responses satisfies it. Stream, StreamItems and StreamRaw need
// Extractor.Client to have it.
type StreamClient interface {
	NewStreaming(ctx context.Context, body responses.ResponseNewParams, opts ...option.RequestOption) *ssestream.Stream[responses.ResponseStreamEventUnion]
}

// Stream failures: a stream that ended without a final response. A
// *StreamError carries the details.
var (
	// ErrStreamDropped: the connection ended before the response did.
	ErrStreamDropped = errors.New("extract: the stream dropped before the response completed")
	// ErrStreamStalled: no event arrived within StreamOptions.StallTimeout.
	ErrStreamStalled = errors.New("extract: the stream stalled")
	// ErrStreamEvent: the server sent an error event mid-stream.
	ErrStreamEvent = errors.New("extract: the stream reported an error")
	// ErrNoStreaming: Extractor.Client has no NewStreaming method.
	ErrNoStreaming = errors.New("extract: streaming needs a client with NewStreaming, such as &client.Responses")
)

// StreamError is a stream that ended without a final response.
type StreamError struct {
	// Kind is ErrStreamDropped, ErrStreamStalled or ErrStreamEvent.
	Kind error
	// ResponseID is the id the stream announced, if it got that far.
	ResponseID string
	// Events counts the events received before the failure.
	Events int
	// Code, Message and Param are those of an error event.
	Code, Message, Param string
	// Stall is the StallTimeout that ran out (ErrStreamStalled).
	Stall time.Duration
	// Err is the transport error, if any.
	Err error
}

func (e *StreamError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	switch {
	case e.Kind == ErrStreamStalled:
		fmt.Fprintf(&b, ": no event for %s", e.Stall)
	case e.Code != "" && e.Message != "":
		fmt.Fprintf(&b, ": %s: %s", e.Code, redactKeys(e.Message))
	case e.Code != "" || e.Message != "":
		fmt.Fprintf(&b, ": %s", redactKeys(e.Code+e.Message))
	}
	fmt.Fprintf(&b, " (after %d events", e.Events)
	if e.ResponseID != "" {
		fmt.Fprintf(&b, ", response %s", e.ResponseID)
	}
	b.WriteByte(')')
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *StreamError) Is(target error) bool { return target == e.Kind }
func (e *StreamError) Unwrap() error        { return e.Err }

// StreamOptions tunes the streaming calls. The zero value is ready to use.
type StreamOptions struct {
	// StallTimeout ends an attempt whose stream sends no event for this
	// long, once the stream is open (the wait for the response headers is
	// bounded by the client's own timeouts and ctx); time spent in the
	// caller's loop body does not count. If zero, 60s, or 10 minutes for
	// reasoning models, which send no event while they reason: a reasoning
	// phase of several minutes is normal at high effort, and cutting it
	// off bills the reasoning again on the retry. Negative: no limit.
	StallTimeout time.Duration
	// NoRetry turns off the one retry of a dropped or stalled stream. The
	// retry is a whole new request (a stream cannot be resumed); the broken
	// attempt is recorded in Result.Attempts and counts toward MaxAttempts.
	NoRetry bool
	// OnResult, if set, is called once with the call's Result when it ends
	// (with or without error). Stream's and StreamRaw's last value carries
	// the Result as well; StreamItems has no other way to give it.
	OnResult func(*Result)
}

func (o StreamOptions) stall(ex *Extractor) time.Duration {
	switch {
	case o.StallTimeout < 0:
		return 0
	case o.StallTimeout > 0:
		return o.StallTimeout
	case ex.reasoning():
		return 10 * time.Minute
	}
	return 60 * time.Second
}

// Partial is one view of a value while its JSON streams in. It is valid
// until the loop body returns: the next step may change what Present and
// Done report, and the slices and pointers inside Value belong to the
// next Partial's Value too. The Final one may be kept.
type Partial[T any] struct {
	// Value holds what has arrived: fields not yet seen are zero (tell
	// them apart with Present), strings may still be growing (Done).
	// Before Final it is decoded leniently and never validated.
	Value T
	// Attempt is the 1-based attempt the value belongs to: when it
	// changes, a re-ask (or a retry) starts again from an empty value.
	Attempt int
	// Complete is set once this attempt's JSON has arrived in full; it is
	// not validated until Final.
	Complete bool
	// Final is set on the last Partial only, when the call is over without
	// error: Value is then decoded strictly and validated. Result is set on
	// the last Partial, with or without error.
	Final  bool
	Result *Result
	parser *partialjson.Parser
}

// Present reports whether the value at the JSON pointer ("/lines/0/unit_price")
// has been seen in this attempt's answer, so that a field not yet seen can be
// told from a zero value. Once present, a value stays present within an
// attempt. The pointers are those of the answer: a list type's start with
// its list key ("/items/0").
func (p Partial[T]) Present(pointer string) bool {
	return p.parser != nil && p.parser.Present(pointer)
}

// Done reports whether the value at pointer is present and complete (a
// string has its closing quote).
func (p Partial[T]) Done(pointer string) bool {
	return p.parser != nil && p.parser.Done(pointer)
}

// Stream is One, streamed: it yields partial values as the answer's JSON
// arrives and, last, the validated value with Final set. Each attempt
// streams: a re-ask after an invalid answer, the retry of a truncated
// answer or of a broken stream start again from an empty value with a new
// Attempt. An error ends the sequence; the Partial yielded with it carries
// the call's Result. Refusals, truncation (an answer cut off by reasoning
// says so) and failed responses end as in One; stream failures are
// *StreamError (ErrStreamDropped, ErrStreamStalled, ErrStreamEvent). A
// dropped or stalled stream is retried once unless opts.NoRetry. Leaving
// the loop early closes the stream at once.
//
// # Cost
//
// Parsing the deltas costs O(n) for an answer of n bytes. A Partial is
// decoded from the whole answer so far, in O(size so far), so Stream does
// not decode after every delta: it yields when a member of the root
// completes, and otherwise once
// the answer has grown by 1/32 (at least 64 bytes) since the last Partial.
// Decoding all Partials thus costs about 32 decodes of the final answer
// plus one per top-level field; a long list shows new elements in batches
// of about 3% of the answer. To see each element of a list as soon as it
// is complete, at O(n) in all, use StreamItems.
func Stream[T any](ctx context.Context, ex *Extractor, opts StreamOptions, inputs ...Input) iter.Seq2[Partial[T], error] {
	return func(yield func(Partial[T], error) bool) {
		s, err := schema.For[T]()
		if err != nil {
			yield(Partial[T]{}, err)
			return
		}
		spec, out := typedSpec[T](s)
		var last *partialjson.Parser
		stopped := false
		_, res, err := ex.streamCall(ctx, spec, opts, inputs, throttle(func(p *partialjson.Parser, attempt int) bool {
			last = p
			var v T
			decodePartial(s, p.Snapshot(), &v)
			if !yield(Partial[T]{Value: v, Attempt: attempt, Complete: p.Complete(), parser: p}, nil) {
				stopped = true
			}
			return !stopped
		}))
		if stopped {
			return
		}
		attempt := 0
		if res != nil {
			attempt = len(res.Attempts)
		}
		if err != nil {
			yield(Partial[T]{Attempt: attempt, Result: res, parser: last}, err)
			return
		}
		yield(Partial[T]{Value: *out, Attempt: attempt, Complete: true, Final: true, Result: res, parser: last}, nil)
	}
}

// throttle calls show when a top-level field has completed, and otherwise
// once the answer has grown by 1/32 (at least 64 bytes) since the last
// call (see the cost of Stream).
func throttle(show func(p *partialjson.Parser, attempt int) bool) func(p *partialjson.Parser, attempt int, delta int) bool {
	var sinceShown, total, lastAttempt int
	return func(p *partialjson.Parser, attempt, delta int) bool {
		if attempt != lastAttempt {
			lastAttempt, sinceShown, total = attempt, 0, 0
		}
		sinceShown += delta
		total += delta
		topLevel := false
		for _, ev := range p.Events() {
			if ev.Kind == partialjson.ValueEnd && ev.Depth <= 1 {
				topLevel = true
			}
		}
		if p.Snapshot() == nil || !topLevel && sinceShown < max(64, total/32) {
			return true
		}
		sinceShown = 0
		return show(p, attempt)
	}
}

// decodePartial decodes a closed-up snapshot leniently into v.
func decodePartial(s *schema.Schema, snap []byte, v any) {
	if len(snap) == 0 {
		return
	}
	if s.ListKey == "" {
		_ = json.Unmarshal(snap, v)
		return
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(snap, &m) == nil {
		_ = json.Unmarshal(m[s.ListKey], v)
	}
}

// RawPartial is a partial answer of StreamRaw: the JSON received so far,
// closed up so that it parses (see partialjson.Parser.Snapshot).
type RawPartial struct {
	JSON    json.RawMessage
	Attempt int
	// Complete is set once this attempt's JSON has arrived in full.
	Complete bool
	// Final is set on the last one when the call succeeded: JSON is then
	// the valid answer. Result is set on the last one, with or without
	// error.
	Final  bool
	Result *Result
}

// StreamRaw is Stream for a Spec without a Go type (a JSON Schema
// document): it yields the answer's JSON as it grows, then the valid
// answer. Each RawPartial's JSON is a fresh copy, O(size so far); they are
// yielded as Stream yields its Partials.
func (ex *Extractor) StreamRaw(ctx context.Context, spec Spec, opts StreamOptions, inputs ...Input) iter.Seq2[RawPartial, error] {
	return func(yield func(RawPartial, error) bool) {
		stopped := false
		value, res, err := ex.streamCall(ctx, spec, opts, inputs, throttle(func(p *partialjson.Parser, attempt int) bool {
			if !yield(RawPartial{JSON: p.AppendSnapshot(nil), Attempt: attempt, Complete: p.Complete()}, nil) {
				stopped = true
			}
			return !stopped
		}))
		if stopped {
			return
		}
		attempt := 0
		if res != nil {
			attempt = len(res.Attempts)
		}
		if err != nil {
			yield(RawPartial{Attempt: attempt, Result: res}, err)
			return
		}
		yield(RawPartial{JSON: value, Attempt: attempt, Complete: true, Final: true, Result: res}, nil)
	}
}

// errStopped ends a call whose caller left the loop.
var errStopped = errors.New("extract: the caller stopped reading the stream")

// streamCall runs a Call over streamed responses. After every output text
// delta fed to the attempt's parser it calls onDelta with the parser, the
// 1-based attempt and the delta's size; when onDelta returns false the
// stream is closed at once and the call ends. The Result is returned with
// errors too, nil only when no request was made.
func (ex *Extractor) streamCall(ctx context.Context, spec Spec, opts StreamOptions, inputs []Input, onDelta func(p *partialjson.Parser, attempt, delta int) bool) (json.RawMessage, *Result, error) {
	sc, ok := ex.Client.(StreamClient)
	if !ok {
		if ex.Client == nil {
			panic("extract: Extractor.Client is nil")
		}
		return nil, nil, fmt.Errorf("%w (%T has none)", ErrNoStreaming, ex.Client)
	}
	if ex.Evidence {
		return nil, nil, ErrEvidenceStream
	}
	c, err := ex.NewCall(spec, inputs...)
	if err != nil {
		return nil, nil, err
	}
	start := time.Now()
	var count requestCounter
	reqOpts := count.options(ex.RequestOptions)
	stall := opts.stall(ex)
	retried, dropped := false, false
	for !c.Done() {
		params, err := c.next().params()
		if err != nil {
			c.Fail(fmt.Errorf("extract: encoding the request: %w", err))
			break
		}
		attempt := len(c.res.Attempts) + 1
		p := &partialjson.Parser{}
		var text strings.Builder
		t0 := time.Now()
		resp, err := streamOnce(ctx, sc, params, reqOpts, stall, func(delta string) bool {
			text.WriteString(delta)
			if p.WriteString(delta) != nil {
				return true // not JSON: the final answer's check reports it
			}
			return onDelta(p, attempt, len(delta))
		})
		var se *StreamError
		switch {
		case err == nil:
			_ = p.Close()
			c.Handle(resp, time.Since(t0))
		case err == errStopped:
			c.Fail(err)
		case errors.As(err, &se):
			// A request was made and came to nothing: record it.
			res := c.res
			res.Attempts = append(res.Attempts, Attempt{ResponseID: se.ResponseID, Status: "in_progress",
				Err: se.Error(), Latency: time.Since(t0), MaxOutputTokens: c.st.Budget, Raw: text.String()})
			if se.ResponseID != "" {
				res.ResponseIDs = append(res.ResponseIDs, se.ResponseID)
			}
			res.Raw = text.String()
			if se.Kind != ErrStreamEvent && !opts.NoRetry && !retried && len(res.Attempts) < ex.maxAttempts() {
				retried = true
				continue
			}
			c.Fail(se)
		default:
			err = apiError(err, &spec)
			if !dropped && ex.dropUnsupported(err) {
				dropped = true
				continue
			}
			c.Fail(err)
		}
	}
	value, res, err := c.Outcome()
	res.Latency = time.Since(start)
	res.Requests, res.RateLimited = int(count.requests.Load()), int(count.limited.Load())
	if opts.OnResult != nil {
		opts.OnResult(res)
	}
	return value, res, err
}

// errStall is the cancel cause of an attempt that stalled.
var errStall = errors.New("extract: stall timeout")

// streamOnce sends one streaming request and returns its final response
// (completed, incomplete or failed), calling onDelta with each output text
// delta; onDelta returning false ends it with errStopped. An error before
// the stream opened is returned as the client gave it; a stream that ends
// without a final response is a *StreamError.
func streamOnce(ctx context.Context, sc StreamClient, params responses.ResponseNewParams, opts []option.RequestOption, stall time.Duration, onDelta func(string) bool) (*responses.Response, error) {
	sctx, cancel := context.WithCancelCause(ctx)
	stream := sc.NewStreaming(sctx, params, opts...)
	defer func() {
		cancel(nil)
		_ = stream.Close()
	}()
	if err := stream.Err(); err != nil {
		return nil, err // the request failed (after the client's retries)
	}
	var timer *time.Timer
	if stall > 0 {
		timer = time.AfterFunc(stall, func() { cancel(errStall) })
		defer timer.Stop()
	}
	se := &StreamError{Kind: ErrStreamDropped}
	for {
		// The stall clock runs only while waiting for the server.
		if timer != nil {
			timer.Reset(stall)
		}
		ok := stream.Next()
		if timer != nil {
			timer.Stop()
		}
		if !ok {
			break
		}
		se.Events++
		ev := stream.Current()
		switch ev.Type {
		case "response.output_text.delta":
			if !onDelta(ev.Delta) {
				return nil, errStopped
			}
		case "response.created", "response.in_progress", "response.queued":
			se.ResponseID = ev.Response.ID
		case "response.completed", "response.incomplete", "response.failed":
			// Refusals arrive as refusal deltas and end in response.completed
			// with a refusal part: Call.Handle reports them.
			r := ev.Response
			return &r, nil
		case "error":
			se.Kind, se.Code, se.Message, se.Param = ErrStreamEvent, ev.Code, ev.Message, ev.Param
			return nil, se
		}
	}
	err := stream.Err()
	var sse *ssestream.StreamError
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err() // the caller's cancellation, not a stream failure
	case context.Cause(sctx) == errStall:
		se.Kind, se.Stall = ErrStreamStalled, stall
	case errors.As(err, &sse):
		// An error payload without the "error" event type (some proxies).
		se.Kind, se.Message, se.Err = ErrStreamEvent, sse.Message, err
	default:
		se.Err = err // nil when the server closed the stream cleanly
	}
	return nil, se
}
