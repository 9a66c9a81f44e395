package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/ssestream"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract/partialjson"
	"github.com/seed0611af48/quarry/schema"
)

// StreamClient is the streaming part of the openai-go client:
// &client.Responses satisfies it. Stream needs Extractor.Client to have it.
type StreamClient interface {
	NewStreaming(ctx context.Context, body responses.ResponseNewParams, opts ...option.RequestOption) *ssestream.Stream[responses.ResponseStreamEventUnion]
}

// Stream failures. A *StreamError carries the details.
var (
	// ErrStreamDropped: the connection ended before the response completed.
	ErrStreamDropped = errors.New("extract: the stream dropped before the response completed")
	// ErrStreamStalled: no event arrived within StreamOptions.StallTimeout.
	ErrStreamStalled = errors.New("extract: the stream stalled")
	// ErrStreamEvent: the server sent an error event mid-stream.
	ErrStreamEvent = errors.New("extract: the stream reported an error")
)

// StreamError is a stream that ended without a response.
type StreamError struct {
	Kind    error // ErrStreamDropped, ErrStreamStalled or ErrStreamEvent
	Code    string
	Message string
	Err     error // the transport error, if any
}

func (e *StreamError) Error() string {
	msg := e.Kind.Error()
	if e.Code != "" || e.Message != "" {
		msg += fmt.Sprintf(": %s %s", e.Code, e.Message)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *StreamError) Is(target error) bool { return target == e.Kind }
func (e *StreamError) Unwrap() error        { return e.Err }

// StreamOptions tunes Stream. The zero value is ready to use.
type StreamOptions struct {
	// StallTimeout ends a stream that sends no event for this long. If
	// zero, 60s.
	StallTimeout time.Duration
	// NoRetry turns off the one retry of a dropped or stalled stream (as a
	// whole new request; it counts as an attempt).
	NoRetry bool
}

func (o StreamOptions) stall() time.Duration {
	if o.StallTimeout <= 0 {
		return 60 * time.Second
	}
	return o.StallTimeout
}

// Partial is one view of a value while its JSON streams in.
type Partial[T any] struct {
	// Value holds what has arrived: fields not yet seen are zero (tell
	// them apart with Present), strings may still be growing (Done).
	Value T
	// Attempt is the 1-based attempt the value belongs to: a re-ask starts
	// again from an empty value.
	Attempt int
	// Final is set on the last Partial only, when the call is over without
	// error: Value is then decoded strictly and validated, and Result is set.
	Final  bool
	Result *Result
	parser *partialjson.Parser
}

// Present reports whether the JSON pointer ("/lines/0/unit_price") has been
// seen in this attempt's answer. A list type's pointers start with its list
// key ("/items/0").
func (p Partial[T]) Present(pointer string) bool {
	return p.Final || (p.parser != nil && p.parser.Present(pointer))
}

// Done reports whether the value at pointer is complete.
func (p Partial[T]) Done(pointer string) bool {
	return p.Final || (p.parser != nil && p.parser.Done(pointer))
}

// Stream is One, streamed: it yields partial values as the answer's JSON
// arrives and, last, the validated value with Final set. A re-ask after an
// invalid answer streams again (Attempt grows). Partial values are decoded
// leniently and never validated. An error ends the sequence; the Partial
// yielded with it carries the call's Result. Stream failures are typed:
// ErrStreamDropped, ErrStreamStalled, ErrStreamEvent (*StreamError); a
// dropped or stalled stream is retried once as a whole new attempt unless
// opts.NoRetry. Refusals, truncation and failed responses end as in One.
//
// Partial values are emitted when a top-level field completes, and otherwise
// once the answer has grown by 1/32 since the last one (at least 64 bytes),
// so decoding them costs time linear in the answer's length.
func Stream[T any](ctx context.Context, ex *Extractor, opts StreamOptions, inputs ...Input) iter.Seq2[Partial[T], error] {
	return func(yield func(Partial[T], error) bool) {
		s, err := schema.For[T]()
		if err != nil {
			yield(Partial[T]{}, err)
			return
		}
		var out T
		spec := Spec{Name: s.Name, Schema: s.JSON, Check: func(answer []byte) []*schema.FieldError {
			var v T
			if errs := Decode(s, answer, &v); len(errs) > 0 {
				return errs
			}
			out = v
			return nil
		}}
		stopped := false
		onPartial := func(p *partialjson.Parser, attempt int) bool {
			var v T
			decodePartial(s, p.Snapshot(), &v)
			if !yield(Partial[T]{Value: v, Attempt: attempt, parser: p}, nil) {
				stopped = true
				return false
			}
			return true
		}
		_, res, err := ex.stream(ctx, spec, opts, inputs, onPartial)
		if stopped {
			return
		}
		if err != nil {
			yield(Partial[T]{Result: res}, err)
			return
		}
		yield(Partial[T]{Value: out, Attempt: len(res.Attempts), Final: true, Result: res}, nil)
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

// ItemError is a streamed list element that failed decoding or validation.
type ItemError struct {
	Pointer string
	Errors  []*schema.FieldError
}

func (e *ItemError) Error() string {
	return fmt.Sprintf("extract: list element %s is invalid: %s", e.Pointer, (&schema.DecodeError{Errors: e.Errors}).Error())
}

// StreamItems extracts a list of T and yields each element as soon as it is
// complete, decoded strictly and validated on its own. An element that fails
// is yielded as an *ItemError and the stream goes on. When the whole answer
// turns out invalid and is re-asked, the new attempt's elements are yielded
// from the position the previous attempt reached: elements already yielded
// are not taken back. The final error, if any, ends the sequence.
func StreamItems[T any](ctx context.Context, ex *Extractor, opts StreamOptions, inputs ...Input) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		s, err := schema.For[[]T]()
		if err != nil {
			yield(zero, err)
			return
		}
		item, err := schema.For[T]()
		if err != nil {
			yield(zero, err)
			return
		}
		spec := Spec{Name: s.Name, Schema: s.JSON, Check: func(answer []byte) []*schema.FieldError {
			var v []T
			return Decode(s, answer, &v)
		}}
		parent := schema.Pointer("", s.ListKey)
		yielded, stopped := 0, false
		lastAttempt := 0
		seen := 0 // elements of the current attempt
		onEvents := func(p *partialjson.Parser, attempt int) bool {
			if attempt != lastAttempt {
				lastAttempt, seen = attempt, 0
			}
			for _, ev := range p.Events() {
				if ev.Kind != partialjson.ValueEnd || ev.Parent() != parent {
					continue
				}
				seen++
				if seen <= yielded {
					continue
				}
				yielded++
				var v T
				var err error
				if errs := Decode(item, ev.Raw, &v); len(errs) > 0 {
					for _, e := range errs {
						e.Pointer = ev.Pointer() + e.Pointer
					}
					err = &ItemError{Pointer: ev.Pointer(), Errors: errs}
				}
				if !yield(v, err) {
					stopped = true
					return false
				}
			}
			return true
		}
		_, _, err = ex.streamEvents(ctx, spec, opts, inputs, onEvents)
		if !stopped && err != nil {
			yield(zero, err)
		}
	}
}

// stream runs a Call over streamed responses, calling onPartial when the
// answer has grown enough to show (see Stream).
func (ex *Extractor) stream(ctx context.Context, spec Spec, opts StreamOptions, inputs []Input, onPartial func(p *partialjson.Parser, attempt int) bool) (json.RawMessage, *Result, error) {
	var sinceEmit, total int
	return ex.streamEvents(ctx, spec, opts, inputs, func(p *partialjson.Parser, attempt int) bool {
		topLevel := false
		for _, ev := range p.Events() {
			if ev.Depth <= 1 && ev.Kind == partialjson.ValueEnd {
				topLevel = true
			}
		}
		if p.Snapshot() == nil {
			return true
		}
		if topLevel || sinceEmit >= max(64, total/32) {
			sinceEmit = 0
			return onPartial(p, attempt)
		}
		return true
	}, func(n int) { sinceEmit += n; total += n })
}

// streamEvents runs a Call over streamed responses and calls onDelta after
// every text delta with the attempt's parser. count, if given, sees the
// delta sizes. It returns the call's outcome.
func (ex *Extractor) streamEvents(ctx context.Context, spec Spec, opts StreamOptions, inputs []Input, onDelta func(p *partialjson.Parser, attempt int) bool, count ...func(int)) (json.RawMessage, *Result, error) {
	sc, ok := ex.Client.(StreamClient)
	if !ok {
		return nil, nil, errors.New("extract: streaming needs a client with NewStreaming, such as &client.Responses")
	}
	c, err := ex.NewCall(spec, inputs...)
	if err != nil {
		return nil, nil, err
	}
	start := time.Now()
	retried := false
	for !c.Done() {
		params, err := c.Request().Params()
		if err != nil {
			c.Fail(fmt.Errorf("extract: encoding the request: %w", err))
			break
		}
		attempt := len(c.res.Attempts) + 1
		p := &partialjson.Parser{}
		stop := false
		t0 := time.Now()
		resp, err := streamOnce(ctx, sc, params, ex.RequestOptions, opts.stall(), func(delta string) {
			if stop {
				return
			}
			if p.WriteString(delta) != nil {
				return // the final answer's decode reports it
			}
			for _, f := range count {
				f(len(delta))
			}
			if !onDelta(p, attempt) {
				stop = true
			}
		})
		if stop {
			c.Fail(context.Canceled)
			break
		}
		if err != nil {
			var se *StreamError
			if errors.As(err, &se) && se.Kind != ErrStreamEvent && !opts.NoRetry && !retried && ctx.Err() == nil {
				retried = true
				c.res.Attempts = append(c.res.Attempts, Attempt{Status: "dropped", Err: err.Error(), Latency: time.Since(t0)})
				if len(c.res.Attempts) < ex.maxAttempts() {
					continue
				}
			}
			if !errors.As(err, &se) {
				err = apiError(err, &spec)
			}
			c.Fail(err)
			break
		}
		_ = p.Close()
		c.Handle(resp, time.Since(t0))
	}
	value, res, err := c.Outcome()
	res.Latency = time.Since(start)
	return value, res, err
}

// streamOnce sends one streaming request and returns the final response,
// calling onDelta with each output text delta.
func streamOnce(ctx context.Context, sc StreamClient, params responses.ResponseNewParams, opts []option.RequestOption, stall time.Duration, onDelta func(string)) (*responses.Response, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	stalled := false
	timer := time.AfterFunc(stall, func() {
		mu.Lock()
		stalled = true
		mu.Unlock()
		cancel()
	})
	defer timer.Stop()

	stream := sc.NewStreaming(ctx, params, opts...)
	defer stream.Close()
	var final *responses.Response
	for stream.Next() {
		timer.Reset(stall)
		ev := stream.Current()
		switch ev.Type {
		case "response.output_text.delta":
			onDelta(ev.Delta)
		case "response.completed", "response.incomplete", "response.failed":
			r := ev.Response
			final = &r
		case "error":
			return nil, &StreamError{Kind: ErrStreamEvent, Code: ev.Code, Message: ev.Message}
		}
	}
	timer.Stop()
	mu.Lock()
	wasStalled := stalled
	mu.Unlock()
	if err := stream.Err(); err != nil || final == nil {
		if wasStalled {
			return nil, &StreamError{Kind: ErrStreamStalled, Message: fmt.Sprintf("no event for %s", stall)}
		}
		if err != nil && (ctx.Err() != nil || isAPIError(err)) {
			return nil, err
		}
		return nil, &StreamError{Kind: ErrStreamDropped, Err: err}
	}
	return final, nil
}

// RawPartial is a partial answer of StreamRaw: the JSON received so far,
// closed up so it parses.
type RawPartial struct {
	JSON    json.RawMessage
	Attempt int
	// Final is set on the last one: JSON is then the valid answer.
	Final  bool
	Result *Result
}

// StreamRaw is Stream for a Spec without a Go type (a JSON Schema document):
// it yields the answer's JSON as it grows, then the valid answer.
func (ex *Extractor) StreamRaw(ctx context.Context, spec Spec, opts StreamOptions, inputs ...Input) iter.Seq2[RawPartial, error] {
	return func(yield func(RawPartial, error) bool) {
		stopped := false
		value, res, err := ex.stream(ctx, spec, opts, inputs, func(p *partialjson.Parser, attempt int) bool {
			if !yield(RawPartial{JSON: p.AppendSnapshot(nil), Attempt: attempt}, nil) {
				stopped = true
				return false
			}
			return true
		})
		if stopped {
			return
		}
		if err != nil {
			yield(RawPartial{Result: res}, err)
			return
		}
		yield(RawPartial{JSON: value, Attempt: len(res.Attempts), Final: true, Result: res}, nil)
	}
}
