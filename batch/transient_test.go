package batch

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// transientHandler fails the first tries of some documents the way the live
// service does now and then: 500 server_error, 503, 429 rate_limit_exceeded,
// a dropped connection (a 500 line in a batch), counting per document how
// often each was asked and billed.
type transientHandler struct {
	mu    sync.Mutex
	calls map[int]int
}

func (h *transientHandler) reply(r *extracttest.Request) extracttest.Reply {
	var i int
	fmt.Sscanf(r.InputText(), "doc %d", &i)
	h.mu.Lock()
	h.calls[i]++
	n := h.calls[i]
	h.mu.Unlock()
	switch {
	case i%10 == 1 && n == 1:
		return extracttest.Status(500, "server_error", "server_error", "The server had an error.")
	case i%10 == 3 && n == 1:
		return extracttest.Status(503, "server_error", "", "Service unavailable.")
	case i%10 == 5 && n <= 2:
		return extracttest.Status(429, "requests", "rate_limit_exceeded", "Rate limit reached.").WithRetryAfter(time.Millisecond)
	case i%10 == 7 && n == 1:
		return extracttest.Drop()
	case i == 9: // never succeeds: ends as an error after the retries
		return extracttest.Status(500, "server_error", "server_error", "The server had an error.")
	}
	return handler(every20)(r)
}

// TestTransientLineErrors: batch lines failing with transient errors go into
// the next round, bounded, and the run ends with the outcomes a synchronous
// run (openai-go retrying twice) gives, with no answer billed twice.
func TestTransientLineErrors(t *testing.T) {
	const n = 20
	run := func(batchRun bool) ([]comparable, *transientHandler, *extracttest.Server) {
		h := &transientHandler{calls: map[int]int{}}
		f := newFixture(t, h.reply)
		sink := &jsonlSink{}
		if !batchRun {
			// openai-go's default: two retries.
			c := openai.NewClient(option.WithBaseURL(f.s.URL), option.WithAPIKey("test"), option.WithMaxRetries(2))
			f.ex.Client = &c.Responses
			fn := func(ctx context.Context, doc pipeline.Document) pipeline.Result {
				value, res, err := f.ex.Extract(ctx, f.spec, docextract.Inputs(&doc)...)
				r := docextract.Result(value, res, err)
				r.Requests = 0
				return r
			}
			if _, err := pipeline.Run(t.Context(), docs(n), fn, pipeline.Options{Concurrency: 4, Sinks: []pipeline.Sink{sink}}); err != nil {
				t.Fatal(err)
			}
		} else {
			_, err := Run(t.Context(), docs(n), Job{Extractor: f.ex, Spec: f.spec, Ledger: openLedger(t, t.TempDir()), Fingerprint: "fp", Sinks: []pipeline.Sink{sink}},
				Options{API: NewAPI(newClient(f.s)), TempDir: t.TempDir(), Sleep: func(context.Context, time.Duration) error { return nil }})
			if err != nil {
				t.Fatal(err)
			}
		}
		return normalize(t, sink.lines), h, f.s
	}
	want, _, _ := run(false)
	got, h, srv := run(true)
	// Reasons name the API error the same way; only "(after 3 tries)" is the
	// synchronous client's.
	for i := range want {
		want[i].Reason = strings.Replace(want[i].Reason, " (after 3 tries)", "", 1)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("batch outcomes differ from sync (-sync +batch):\n%s", diff)
	}
	statuses := map[pipeline.Status]int{}
	for _, c := range got {
		statuses[c.Status]++
	}
	if statuses[pipeline.StatusOK] != n-1 || statuses[pipeline.StatusError] != 1 {
		t.Errorf("statuses %v, want %d ok and doc 9 an error", statuses, n-1)
	}
	// Requests per document: 1 + its transient failures (+1 for the re-ask
	// of doc 7); doc 9 three times (two retries) and no more.
	for i := range n {
		want := 1
		switch {
		case i == 9:
			want = 3
		case i%10 == 5:
			want = 3
		case i%10 == 1, i%10 == 3, i%10 == 7:
			want = 2
		}
		if every20(i) {
			want++
		}
		if got := h.calls[i]; got != want {
			t.Errorf("doc %d asked %d times, want %d", i, got, want)
		}
	}
	billed := map[int]int{}
	for _, r := range srv.Billed() {
		var i int
		fmt.Sscanf(r.InputText(), "doc %d", &i)
		billed[i]++
	}
	for i := range n {
		want := 1
		switch {
		case i == 9:
			want = 0
		case every20(i):
			want = 2 // the invalid answer and the re-ask
		}
		if billed[i] != want {
			t.Errorf("doc %d billed %d times, want %d", i, billed[i], want)
		}
	}
}

// TestBackgroundCutBody: the "queued" answer of a background request breaks
// off after its id: it is fetched by id, not created again (which would
// run, and bill, the request twice).
func TestBackgroundCutBody(t *testing.T) {
	var cut sync.Once
	s := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		rep := handler(nil)(r).WithPolls(2)
		if strings.Contains(r.InputText(), "doc 3") {
			cut.Do(func() { rep = rep.CutAfter(100) })
		}
		return rep
	})
	defer s.Close()
	l := openLedger(t, t.TempDir())
	bg := &Background{Responses: &newClient(s).Responses, Ledger: l, Fingerprint: "fp", Sleep: noSleep}
	ex := &extract.Extractor{Model: "o4-mini", Client: bg, Store: true}
	spec := recSpec(t)
	var fetched atomic.Int64
	fn := func(ctx context.Context, doc pipeline.Document) pipeline.Result {
		value, res, err := forDoc(ex, bg, &doc).Extract(ctx, spec, docextract.Inputs(&doc)...)
		fetched.Add(int64(res.Fetched))
		return docextract.Result(value, res, err)
	}
	sink := &memSink{}
	if _, err := pipeline.Run(t.Context(), docs(5), fn, pipeline.Options{Ledger: l, Fingerprint: "fp", Sinks: []pipeline.Sink{sink}}); err != nil {
		t.Fatal(err)
	}
	for _, o := range sink.outcomes() {
		if o.Status != pipeline.StatusOK {
			t.Errorf("%s: %s %s", o.ID, o.Status, o.Reason)
		}
	}
	if c, _ := posts(s); c != 5 || len(s.Billed()) != 5 || fetched.Load() != 1 {
		t.Errorf("%d creates, %d billed, %d fetched; want 5, 5, 1", c, len(s.Billed()), fetched.Load())
	}
}
