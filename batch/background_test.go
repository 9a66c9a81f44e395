package batch

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// forDoc is ex with bg's client for doc.
func forDoc(ex *extract.Extractor, bg *Background, doc *pipeline.Document) *extract.Extractor {
	c := *ex
	c.Client = bg.For(doc.ID, doc.Hash())
	return &c
}

func noSleep(context.Context, time.Duration) error { return nil }

func posts(s *extracttest.Server) (creates, gets int) {
	for _, r := range s.Requests() {
		switch {
		case r.BatchID != "":
		case r.Method == http.MethodPost && r.Path == "/v1/responses":
			creates++
			if !r.Background || !r.Store {
				panic("not a background request")
			}
		case r.Method == http.MethodGet:
			gets++
		}
	}
	return
}

func TestBackground(t *testing.T) {
	s := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		return handler(every20)(r).WithPolls(3)
	})
	defer s.Close()
	l := openLedger(t, t.TempDir())
	bg := &Background{Responses: &newClient(s).Responses, Ledger: l, Fingerprint: "fp", Sleep: noSleep}
	ex := &extract.Extractor{Model: "o4-mini", Client: bg}
	spec := recSpec(t)
	fn := func(ctx context.Context, doc pipeline.Document) pipeline.Result {
		return docextract.Result(forDoc(ex, bg, &doc).Extract(ctx, spec, docextract.Inputs(&doc)...))
	}
	sink := &memSink{}
	if _, err := pipeline.Run(t.Context(), docs(20), fn, pipeline.Options{Ledger: l, Fingerprint: "fp", Sinks: []pipeline.Sink{sink}}); err != nil {
		t.Fatal(err)
	}
	for _, o := range sink.outcomes() {
		if o.Status != pipeline.StatusOK {
			t.Errorf("%s: %s %s", o.ID, o.Status, o.Reason)
		}
	}
	// 20 first answers + 1 re-ask (doc 7); 4 polls each.
	if c, g := posts(s); c != 21 || g != 4*21 {
		t.Errorf("creates %d, gets %d", c, g)
	}
}

// TestBackgroundResume: the run is killed while polling; the next run polls
// the recorded response instead of creating another.
func TestBackgroundResume(t *testing.T) {
	s := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		return handler(nil)(r).WithPolls(5)
	})
	defer s.Close()
	dir := t.TempDir()
	spec := recSpec(t)
	run := func(ctx context.Context, sleep func(context.Context, time.Duration) error) (*memSink, error) {
		l := openLedger(t, dir)
		defer l.Close()
		bg := &Background{Responses: &newClient(s).Responses, Ledger: l, Fingerprint: "fp", Sleep: sleep}
		ex := &extract.Extractor{Model: "o4-mini", Client: bg}
		fn := func(ctx context.Context, doc pipeline.Document) pipeline.Result {
			return docextract.Result(forDoc(ex, bg, &doc).Extract(ctx, spec, docextract.Inputs(&doc)...))
		}
		sink := &memSink{}
		// One worker: a second one could be inside a create POST when the
		// kill comes, and a create whose reply is lost cannot be recorded.
		_, err := pipeline.Run(ctx, docs(4), fn, pipeline.Options{Concurrency: 1, Ledger: l, Fingerprint: "fp", Sinks: []pipeline.Sink{sink}})
		return sink, err
	}
	ctx, cancel := context.WithCancel(t.Context())
	_, err := run(ctx, func(context.Context, time.Duration) error {
		cancel() // killed at the first wait: every created response is recorded
		return context.Canceled
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v", err)
	}
	created, _ := posts(s)
	if created == 0 {
		t.Fatal("nothing created")
	}
	sink, err := run(t.Context(), noSleep)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := posts(s); c != 4 {
		t.Errorf("%d creates for 4 documents (first run made %d)", c, created)
	}
	for _, o := range sink.outcomes() {
		if o.Status != pipeline.StatusOK {
			t.Errorf("%s: %s %s", o.ID, o.Status, o.Reason)
		}
	}
	// Nothing is left unfinished for quarry batch cancel.
	rep, err := Status(t.Context(), dir, NewAPI(newClient(s)), nil)
	if err != nil || len(rep.Background) != 0 {
		t.Errorf("%+v %v", rep, err)
	}
}

func TestCancelBackground(t *testing.T) {
	s := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		return handler(nil)(r).WithPolls(100)
	})
	defer s.Close()
	dir := t.TempDir()
	l := openLedger(t, dir)
	ctx, cancel := context.WithCancel(t.Context())
	bg := &Background{Responses: &newClient(s).Responses, Ledger: l, Fingerprint: "fp",
		Sleep: func(context.Context, time.Duration) error { cancel(); return context.Canceled }}
	ex := &extract.Extractor{Client: bg.For("a", "h")}
	_, _, err := ex.Extract(ctx, recSpec(t), extract.Text("doc 1"))
	if !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	api := NewAPI(newClient(s))
	rep, _ := Status(t.Context(), dir, api, nil)
	if len(rep.Background) != 1 || rep.Background[0].DocumentID != "a" {
		t.Fatalf("%+v", rep)
	}
	if err := Cancel(t.Context(), dir, api); err != nil {
		t.Fatal(err)
	}
	resp, err := newClient(s).Responses.Get(t.Context(), rep.Background[0].ResponseID, responsesGetParams())
	if err != nil || resp.Status != "cancelled" {
		t.Errorf("%v %v", resp.Status, err)
	}
}

func TestFlex(t *testing.T) {
	unavailable := extracttest.Status(429, "invalid_request_error", "resource_unavailable", "Resource Unavailable").
		WithHeaders(map[string][]string{"X-Should-Retry": {"false"}})
	for _, tc := range []struct {
		name     string
		fails    int
		fallback bool
		wantErr  bool
		tiers    []string
	}{
		{"retried", 2, false, false, []string{"flex", "flex", "flex"}},
		{"fallback", 3, true, false, []string{"flex", "flex", "flex", "auto"}},
		{"gives up", 3, false, true, []string{"flex", "flex", "flex"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := extracttest.NewServer(nil)
			defer s.Close()
			for range tc.fails {
				s.Enqueue(unavailable)
			}
			s.Enqueue(extracttest.JSON(rec{Doc: "1", N: 1}))
			var waits []time.Duration
			fx := &Flex{Client: &newClient(s).Responses, Retries: 2, Backoff: time.Second, Fallback: tc.fallback,
				Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
			ex := &extract.Extractor{Client: fx, ServiceTier: "flex"}
			_, _, err := ex.Extract(t.Context(), recSpec(t), extract.Text("doc 1"))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			var tiers []string
			for _, r := range s.Requests() {
				var body struct {
					ServiceTier string `json:"service_tier"`
				}
				jsonUnmarshal(r.Body, &body)
				tiers = append(tiers, body.ServiceTier)
			}
			if !equal(tiers, tc.tiers) || waits[0] != time.Second || waits[1] != 2*time.Second {
				t.Errorf("tiers %v, waits %v", tiers, waits)
			}
		})
	}
}

// TestBackgroundRetryFailed: a document retried with RetryFailed gets a new
// response, not the recorded one whose answer already failed.
func TestBackgroundRetryFailed(t *testing.T) {
	var calls atomic.Int32
	s := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		if r.Method == "POST" && calls.Add(1) == 1 {
			return extracttest.Text(`{"broken": `)
		}
		return handler(nil)(r)
	})
	defer s.Close()
	dir := t.TempDir()
	spec := recSpec(t)
	run := func(retry bool) pipeline.Outcome {
		l := openLedger(t, dir)
		defer l.Close()
		bg := &Background{Responses: &newClient(s).Responses, Ledger: l, Fingerprint: "fp", Sleep: noSleep}
		ex := &extract.Extractor{Model: "o4-mini", Client: bg, MaxAttempts: 1}
		fn := func(ctx context.Context, doc pipeline.Document) pipeline.Result {
			return docextract.Result(forDoc(ex, bg, &doc).Extract(ctx, spec, docextract.Inputs(&doc)...))
		}
		sink := &memSink{}
		if _, err := pipeline.Run(t.Context(), docs(1), fn, pipeline.Options{Ledger: l, Fingerprint: "fp", RetryFailed: retry, Sinks: []pipeline.Sink{sink}}); err != nil {
			t.Fatal(err)
		}
		return sink.outcomes()[0]
	}
	if o := run(false); o.Status != pipeline.StatusInvalid {
		t.Fatalf("first run: %s %s", o.Status, o.Reason)
	}
	if o := run(true); o.Status != pipeline.StatusOK {
		t.Fatalf("retry: %s %s", o.Status, o.Reason)
	}
	if c, _ := posts(s); c != 2 {
		t.Errorf("%d creates, want 2", c)
	}
}
