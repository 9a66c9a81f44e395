package extract_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
)

// presentSet lists which of the invoice's pointers a partial has seen.
func presentSet(p extract.Partial[Invoice]) []string {
	var out []string
	for _, ptr := range []string{"/vendor", "/invoice_number", "/issue_date", "/due_date", "/currency", "/total", "/lines", "/lines/0", "/lines/0/unit_price"} {
		if p.Present(ptr) {
			out = append(out, ptr)
		}
	}
	return out
}

func TestStreamEveryChunkSize(t *testing.T) {
	answer, _ := json.Marshal(goodInvoice())
	ex, _ := setup(t, extract.Extractor{}, extracttest.JSON(goodInvoice()))
	want, _, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc"))
	if err != nil {
		t.Fatal(err)
	}
	for size := 1; size <= len(answer); size++ {
		ex, _ := setup(t, extract.Extractor{}, extracttest.JSON(goodInvoice()).WithChunkSize(size))
		var last []string
		var final *extract.Partial[Invoice]
		n := 0
		for p, err := range extract.Stream[Invoice](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
			if err != nil {
				t.Fatalf("chunk %d: %v", size, err)
			}
			n++
			if p.Final {
				final = &p
				break
			}
			got := presentSet(p)
			for _, ptr := range last {
				if !p.Present(ptr) {
					t.Fatalf("chunk %d: %s was present and is gone (fields must only fill in)", size, ptr)
				}
			}
			if p.Present("/vendor") && p.Done("/vendor") && p.Value.Vendor != "Acme" {
				t.Fatalf("chunk %d: a done vendor reads %q", size, p.Value.Vendor)
			}
			last = got
		}
		if final == nil || !reflect.DeepEqual(final.Value, want) {
			t.Fatalf("chunk %d: final %+v, want %+v", size, final, want)
		}
		if size == 1 && n < 3 {
			t.Errorf("byte-by-byte streaming gave only %d partials", n)
		}
	}
}

func TestStreamReask(t *testing.T) {
	ex, srv := setup(t, extract.Extractor{}, extracttest.JSON(badInvoice()), extracttest.JSON(goodInvoice()))
	attempts := map[int]bool{}
	var final extract.Partial[Invoice]
	for p, err := range extract.Stream[Invoice](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
		if err != nil {
			t.Fatal(err)
		}
		attempts[p.Attempt] = true
		final = p
	}
	if !final.Final || final.Value.Currency != "EUR" || !attempts[1] || !attempts[2] {
		t.Fatalf("final %+v, attempts seen %v", final, attempts)
	}
	if len(srv.Requests()) != 2 || !srv.Requests()[1].Stream {
		t.Error("the re-ask did not stream")
	}
	if !strings.Contains(string(srv.Requests()[1].Input), "/lines/0/unit_price") {
		t.Error("the streamed re-ask lacks the correction")
	}
}

func TestStreamFailures(t *testing.T) {
	good := extracttest.JSON(goodInvoice())
	tests := []struct {
		name     string
		replies  []extracttest.Reply
		opts     extract.StreamOptions
		is       error
		requests int
	}{
		{"error event", []extracttest.Reply{good.StreamError(4, "server_error", "boom")}, extract.StreamOptions{}, extract.ErrStreamEvent, 1},
		{"failed", []extracttest.Reply{extracttest.Failed("server_error", "crashed")}, extract.StreamOptions{}, extract.ErrFailed, 1},
		{"incomplete twice", []extracttest.Reply{extracttest.Incomplete("max_output_tokens", `{"vendor":"A`), extracttest.Incomplete("max_output_tokens", `{"vendor":"A`)}, extract.StreamOptions{}, extract.ErrIncomplete, 2},
		{"content filter", []extracttest.Reply{extracttest.Incomplete("content_filter", `{"vendor":"A`)}, extract.StreamOptions{}, extract.ErrContentFilter, 1},
		{"refusal", []extracttest.Reply{extracttest.Refusal("no")}, extract.StreamOptions{}, extract.ErrRefused, 1},
		{"dropped twice", []extracttest.Reply{good.StreamDropAfter(5), good.StreamDropAfter(5)}, extract.StreamOptions{}, extract.ErrStreamDropped, 2},
		{"dropped, no retry", []extracttest.Reply{good.StreamDropAfter(5)}, extract.StreamOptions{NoRetry: true}, extract.ErrStreamDropped, 1},
		{"dropped then fine", []extracttest.Reply{good.StreamDropAfter(5), good}, extract.StreamOptions{}, nil, 2},
		{"stalled twice", []extracttest.Reply{good.StreamStallAfter(3), good.StreamStallAfter(3)}, extract.StreamOptions{StallTimeout: 50 * time.Millisecond}, extract.ErrStreamStalled, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, srv := setup(t, extract.Extractor{MaxOutputTokens: 100}, tt.replies...)
			var gotErr error
			var last extract.Partial[Invoice]
			for p, err := range extract.Stream[Invoice](t.Context(), ex, tt.opts, extract.Text("doc")) {
				last = p
				if err != nil {
					gotErr = err
				}
			}
			if tt.is == nil {
				if gotErr != nil || !last.Final {
					t.Fatalf("err %v, final %v", gotErr, last.Final)
				}
			} else if !errors.Is(gotErr, tt.is) {
				t.Fatalf("err = %v, want %v", gotErr, tt.is)
			}
			if tt.is != nil && last.Result == nil {
				t.Error("the error's Partial has no Result")
			}
			if n := len(srv.Requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestStreamCutOffByReasoning(t *testing.T) {
	ex, _ := setup(t, extract.Extractor{Model: "o4-mini", MaxOutputTokens: 100, MaxOutputTokensCap: 100},
		extracttest.Incomplete("max_output_tokens", "").WithUsage(50, 0, 100, 100))
	var gotErr error
	for _, err := range extract.Stream[Invoice](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
		gotErr = err
	}
	var ie *extract.IncompleteError
	if !errors.As(gotErr, &ie) || !strings.Contains(gotErr.Error(), "reasoning") {
		t.Fatalf("err = %v, want an answer cut off by reasoning", gotErr)
	}
}

func TestStreamItems(t *testing.T) {
	items := []any{
		map[string]any{"description": "a", "quantity": 1, "unit_price": 1.5},
		map[string]any{"description": "b", "quantity": 0, "unit_price": 2},
		map[string]any{"description": "c", "quantity": 3, "unit_price": 4},
	}
	for _, size := range []int{1, 7, 16, 1000} {
		ex, _ := setup(t, extract.Extractor{MaxAttempts: 1}, extracttest.JSON(map[string]any{"items": items}).WithChunkSize(size))
		var got []string
		var final error
		for line, err := range extract.StreamItems[Line](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
			var ie *extract.ItemError
			switch {
			case errors.As(err, &ie):
				got = append(got, "invalid "+ie.Errors[0].Pointer)
			case err != nil:
				final = err
			default:
				got = append(got, line.Description)
			}
		}
		// c is held back: it follows an invalid element, which the call would re-ask.
		want := []string{"a", "invalid /items/1/quantity"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("chunk %d (-want +got):\n%s", size, diff)
		}
		if !errors.Is(final, extract.ErrInvalid) {
			t.Errorf("chunk %d: final error %v, want ErrInvalid (one element breaks validation)", size, final)
		}
	}
}
