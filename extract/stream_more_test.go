package extract_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
)

func lineItems(qty ...int) []any {
	out := make([]any, len(qty))
	for i, q := range qty {
		out[i] = map[string]any{"description": string(rune('a' + i)), "quantity": q, "unit_price": float64(i) + 0.5}
	}
	return out
}

// item is what a StreamItems consumer saw: a description, or the kind of a non-final error.
func collectItems(t *testing.T, seq func(func(Line, error) bool)) (got []string, kept []string, final error) {
	t.Helper()
	for line, err := range seq {
		var ie *extract.ItemError
		var ic *extract.ItemsChangedError
		switch {
		case errors.As(err, &ie):
			got = append(got, "invalid "+ie.Errors[0].Pointer)
		case errors.As(err, &ic):
			got = append(got, "changed from "+string(rune('0'+ic.Index)))
			kept = kept[:ic.Index]
		case err != nil:
			final = err
		default:
			got = append(got, line.Description)
			kept = append(kept, line.Description)
		}
	}
	return got, kept, final
}

func TestStreamItemsEveryChunkSize(t *testing.T) {
	answer := map[string]any{"items": lineItems(1, 2, 3, 4, 5)}
	text, _ := json.Marshal(answer)
	ex, _ := setup(t, extract.Extractor{}, extracttest.JSON(answer))
	want, _, err := extract.Many[Line](t.Context(), ex, extract.Text("doc"))
	if err != nil {
		t.Fatal(err)
	}
	for size := 1; size <= len(text); size++ {
		ex, _ := setup(t, extract.Extractor{}, extracttest.JSON(answer).WithChunkSize(size))
		var got []Line
		for line, err := range extract.StreamItems[Line](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
			if err != nil {
				t.Fatalf("chunk %d: %v", size, err)
			}
			got = append(got, line)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("chunk %d: items (-Many +StreamItems):\n%s", size, diff)
		}
	}
}

func TestStreamItemsReask(t *testing.T) {
	tests := []struct {
		name    string
		replies []any
		got     []string
	}{
		{"fix delivered in order", []any{lineItems(1, 0, 3), lineItems(1, 2, 3)},
			[]string{"a", "invalid /items/1/quantity", "b", "c"}},
		{"earlier element changed", []any{lineItems(1, 0, 3), lineItems(5, 2, 3)},
			[]string{"a", "invalid /items/1/quantity", "changed from 0", "a", "b", "c"}},
		{"list shortened", []any{lineItems(1, 2, 0), lineItems(1)},
			[]string{"a", "b", "invalid /items/2/quantity", "changed from 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var replies []extracttest.Reply
			for _, r := range tt.replies {
				replies = append(replies, extracttest.JSON(map[string]any{"items": r}).WithChunkSize(5))
			}
			ex, _ := setup(t, extract.Extractor{}, replies...)
			var res *extract.Result
			opts := extract.StreamOptions{OnResult: func(r *extract.Result) { res = r }}
			got, kept, final := collectItems(t, extract.StreamItems[Line](t.Context(), ex, opts, extract.Text("doc")))
			if final != nil {
				t.Fatal(final)
			}
			if diff := cmp.Diff(tt.got, got); diff != "" {
				t.Errorf("yielded (-want +got):\n%s", diff)
			}
			// What the consumer keeps is the call's answer.
			ex2, _ := setup(t, extract.Extractor{}, replies...)
			want, _, _ := extract.Many[Line](t.Context(), ex2, extract.Text("doc"))
			var wantNames []string
			for _, l := range want {
				wantNames = append(wantNames, l.Description)
			}
			if diff := cmp.Diff(wantNames, kept); diff != "" {
				t.Errorf("kept (-Many +StreamItems):\n%s", diff)
			}
			if res == nil || len(res.Attempts) != 2 {
				t.Errorf("OnResult: %+v", res)
			}
		})
	}
}

// Leaving the loop closes the stream at once: a stalled server is not waited for.
func TestStreamBreakClosesStream(t *testing.T) {
	ex, _ := setup(t, extract.Extractor{}, extracttest.JSON(goodInvoice()).WithChunkSize(4).StreamStallAfter(30))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for range extract.Stream[Invoice](ctx, ex, extract.StreamOptions{StallTimeout: -1}, extract.Text("doc")) {
		break
	}
	if ctx.Err() != nil {
		t.Fatal("breaking out of the loop waited for the stalled stream")
	}
	for range extract.StreamItems[Line](ctx, ex, extract.StreamOptions{StallTimeout: -1}, extract.Text("doc")) {
		break
	}
}

func TestStreamResultCountsBrokenAttempts(t *testing.T) {
	good := extracttest.JSON(goodInvoice())
	tests := []struct {
		name     string
		replies  []extracttest.Reply
		opts     extract.StreamOptions
		is       error
		attempts int
	}{
		{"dropped twice", []extracttest.Reply{good.StreamDropAfter(5), good.StreamDropAfter(5)}, extract.StreamOptions{}, extract.ErrStreamDropped, 2},
		{"dropped, no retry", []extracttest.Reply{good.StreamDropAfter(5)}, extract.StreamOptions{NoRetry: true}, extract.ErrStreamDropped, 1},
		{"dropped then fine", []extracttest.Reply{good.StreamDropAfter(5), good}, extract.StreamOptions{}, nil, 2},
		{"stalled then fine", []extracttest.Reply{good.StreamStallAfter(3), good}, extract.StreamOptions{StallTimeout: 50 * time.Millisecond}, nil, 2},
		{"error event", []extracttest.Reply{good.StreamError(4, "server_error", "boom")}, extract.StreamOptions{}, extract.ErrStreamEvent, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, _ := setup(t, extract.Extractor{}, tt.replies...)
			var last extract.Partial[Invoice]
			var gotErr error
			for p, err := range extract.Stream[Invoice](t.Context(), ex, tt.opts, extract.Text("doc")) {
				last, gotErr = p, err
			}
			if !errors.Is(gotErr, tt.is) || (tt.is == nil) != (gotErr == nil) {
				t.Fatalf("err = %v, want %v", gotErr, tt.is)
			}
			res := last.Result
			if len(res.Attempts) != tt.attempts || res.Requests != tt.attempts || len(res.ResponseIDs) != tt.attempts || last.Attempt != tt.attempts {
				t.Errorf("attempts %d, requests %d, ids %v, Partial.Attempt %d; want %d each",
					len(res.Attempts), res.Requests, res.ResponseIDs, last.Attempt, tt.attempts)
			}
			var se *extract.StreamError
			if res.Attempts[0].Err == "" { // every case's first attempt broke
				t.Error("the broken attempt has no Err")
			}
			if errors.As(gotErr, &se) && (se.ResponseID == "" || se.Events == 0) {
				t.Errorf("StreamError without response id or event count: %+v", se)
			}
			if tt.is == extract.ErrStreamEvent && (se.Code != "server_error" || se.Message != "boom") {
				t.Errorf("error event: %+v", se)
			}
		})
	}
}

func TestStreamFinalPartial(t *testing.T) {
	ex, _ := setup(t, extract.Extractor{}, extracttest.JSON(goodInvoice()))
	var final extract.Partial[Invoice]
	completes := 0
	for p, err := range extract.Stream[Invoice](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
		if err != nil {
			t.Fatal(err)
		}
		if p.Complete {
			completes++
		}
		final = p
	}
	if !final.Final || !final.Complete || completes < 2 {
		t.Fatalf("final %+v; %d complete partials (want the last partial and the final)", final, completes)
	}
	if !final.Present("/lines/0/unit_price") || !final.Done("/lines") || final.Present("/no_such_field") {
		t.Error("the final Partial's Present/Done disagree with its answer")
	}
}

// onlyNew is a Client without NewStreaming.
type onlyNew struct{}

func (onlyNew) New(context.Context, responses.ResponseNewParams, ...option.RequestOption) (*responses.Response, error) {
	return nil, errors.New("unused")
}

func TestStreamNeedsStreamClient(t *testing.T) {
	ex := &extract.Extractor{Client: onlyNew{}}
	for _, err := range extract.Stream[Invoice](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
		if !errors.Is(err, extract.ErrNoStreaming) {
			t.Errorf("err = %v, want ErrNoStreaming", err)
		}
	}
	for _, err := range extract.StreamItems[Line](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
		if !errors.Is(err, extract.ErrNoStreaming) {
			t.Errorf("err = %v, want ErrNoStreaming", err)
		}
	}
}
