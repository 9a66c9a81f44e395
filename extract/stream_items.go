package extract

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"strconv"

	"github.com/seed0611af48/quarry/extract/partialjson"
	"github.com/seed0611af48/quarry/schema"
)

// ItemError reports that a streamed list element is invalid. It does not
// end the sequence: the element will be re-asked with the whole answer, and
// the elements after it are held back until it is fixed.
type ItemError struct {
	// Pointer locates the element in the answer ("/items/3").
	Pointer string
	// Index is the element's position in the list.
	Index int
	// Attempt is the attempt whose answer holds it.
	Attempt int
	// Errors are its decode and validation errors, with pointers into the answer.
	Errors []*schema.FieldError
}

func (e *ItemError) Error() string {
	return fmt.Sprintf("extract: list element %s is invalid (attempt %d): %s",
		e.Pointer, e.Attempt, (&schema.DecodeError{Errors: e.Errors}).Error())
}

// ItemsChangedError reports that a later attempt's answer differs from
// elements already yielded: the elements yielded from Index on are
// withdrawn, and the elements that follow replace them. It does not end the
// sequence. A caller that keeps the elements in a slice truncates it:
//
//	var ic *extract.ItemsChangedError
//	if errors.As(err, &ic) {
//		items = items[:ic.Index]
//		continue
//	}
type ItemsChangedError struct {
	Index   int
	Attempt int
}

func (e *ItemsChangedError) Error() string {
	return fmt.Sprintf("extract: attempt %d changed the list from element %d on: the elements yielded from there are withdrawn",
		e.Attempt, e.Index)
}

// StreamItems extracts a list of T (like Many) and yields each element as
// soon as it is complete, decoded strictly and validated on its own: with a
// list of 1,000 line items the first one can be shown while the rest are
// still being written. Parsing costs O(n) for an answer of n bytes and each
// element is decoded once.
//
// Elements are yielded in order, each once, and only as long as every
// element before them in the attempt was valid, so that what was yielded is
// always the start of the list the call will return:
//
//   - The first invalid element of an attempt is reported as an
//     *ItemError, which does not end the sequence; the elements after it
//     are held back, and the whole answer is re-asked as One would.
//   - The next attempt's elements that were already yielded are checked
//     against what was yielded: when equal (the usual case, since a re-ask
//     asks the model to fix only the listed errors) they are not yielded
//     again; from the first that differs, an *ItemsChangedError withdraws
//     the elements yielded from there on and the new ones follow. The same
//     happens if the final list is shorter than what was yielded.
//   - Any other error is the call's final error (as in One, or a
//     *StreamError) and ends the sequence.
//
// opts.OnResult receives the call's Result. Leaving the loop early closes
// the stream at once.
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
		var final []T
		spec := Spec{Name: s.Name, Schema: s.JSON, linted: true, findings: s.Findings(), wrapKey: s.ListKey, Check: func(answer []byte) []*schema.FieldError {
			var v []T
			if errs := Decode(s, answer, &v); len(errs) > 0 {
				return errs
			}
			final = v
			return nil
		}}
		parent := schema.Pointer("", s.ListKey)
		var (
			shown   [][]byte // the compact JSON of the elements yielded, in order
			stopped bool
			current int  // the attempt being read
			seen    int  // elements of the current attempt
			blocked bool // an element of the current attempt was invalid
		)
		emit := func(v T, err error) bool {
			if !yield(v, err) {
				stopped = true
			}
			return !stopped
		}
		onDelta := func(p *partialjson.Parser, attempt, _ int) bool {
			if attempt != current {
				current, seen, blocked = attempt, 0, false
			}
			for _, ev := range p.Events() {
				if ev.Kind != partialjson.ValueEnd || ev.Depth != 2 || blocked || ev.Parent() != parent {
					continue
				}
				i := seen
				seen++
				if i < len(shown) && bytes.Equal(ev.Raw, shown[i]) {
					continue // yielded by an earlier attempt
				}
				var v T
				if errs := Decode(item, ev.Raw, &v); len(errs) > 0 {
					blocked = true
					ptr := schema.Pointer(parent, strconv.Itoa(i))
					for _, e := range errs {
						e.Pointer = ptr + e.Pointer
					}
					if !emit(zero, &ItemError{Pointer: ptr, Index: i, Attempt: attempt, Errors: errs}) {
						return false
					}
					continue
				}
				if i < len(shown) {
					shown = shown[:i]
					if !emit(zero, &ItemsChangedError{Index: i, Attempt: attempt}) {
						return false
					}
				}
				shown = append(shown, ev.Raw) // Raw stays valid: each attempt has its own parser
				if !emit(v, nil) {
					return false
				}
			}
			return true
		}
		_, res, err := ex.streamCall(ctx, spec, opts, inputs, onDelta)
		switch {
		case stopped:
		case err != nil:
			yield(zero, err)
		default:
			// The deltas normally yielded every element already; the
			// final answer is the authority.
			n := min(len(shown), len(final))
			if len(shown) > len(final) && !emit(zero, &ItemsChangedError{Index: n, Attempt: len(res.Attempts)}) {
				return
			}
			for _, v := range final[n:] {
				if !emit(v, nil) {
					return
				}
			}
		}
	}
}
