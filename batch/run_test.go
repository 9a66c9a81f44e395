package batch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

func TestRunTwoRounds(t *testing.T) {
	f := newFixture(t, handler(every20))
	const n = 1000
	var progress []Progress
	sink, tot, err := f.run(t, t.Context(), docs(n), Options{MaxRequests: 400, Progress: func(p Progress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	got := byID(t, sink.outcomes())
	if len(got) != n || sink.closed != 1 {
		t.Fatalf("%d outcomes, closed %d", len(got), sink.closed)
	}
	reasked := 0
	for _, o := range got {
		if o.Status != pipeline.StatusOK {
			t.Fatalf("%s: %s %s", o.ID, o.Status, o.Reason)
		}
		if o.Attempts == 2 {
			reasked++
		}
	}
	if reasked != n/20 {
		t.Errorf("%d documents re-asked, want %d", reasked, n/20)
	}
	// Round 1: 3 files (400+400+200); round 2: one file of 50.
	if up, b := f.s.Uploads(), f.s.BatchesCreated(); up != 4 || b != 4 {
		t.Errorf("uploads, batches = %d, %d; want 4, 4", up, b)
	}
	if tot.Documents != n || tot.ByStatus[pipeline.StatusOK] != n || tot.Requests != n+n/20 {
		t.Errorf("totals %+v", tot)
	}
	if len(progress) == 0 || progress[len(progress)-1].Status != "completed" {
		t.Errorf("progress %+v", progress)
	}
	// A second run skips everything.
	sink, _, err = f.run(t, t.Context(), docs(n), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range sink.outcomes() {
		if o.Status != pipeline.StatusSkipped || len(o.Value) == 0 {
			t.Fatalf("second run: %s %s", o.ID, o.Status)
		}
	}
	if f.s.Uploads() != 4 {
		t.Errorf("second run uploaded")
	}
}

func TestRunExpired(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy Expired
	}{{"resubmit", Resubmit}, {"report", Report}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, handler(nil))
			f.s.SetBatchTimeline(extracttest.BatchTimeline{Outcome: extracttest.BatchExpired})
			opts := Options{Expired: tc.policy, hook: func(kind string) error {
				if kind == EventSubmitted { // only the first batch expires
					f.s.SetBatchTimeline(extracttest.BatchTimeline{})
				}
				return nil
			}}
			const n = 20
			sink, tot, err := f.run(t, t.Context(), docs(n), opts)
			if err != nil {
				t.Fatal(err)
			}
			got := byID(t, sink.outcomes())
			if len(got) != n {
				t.Fatalf("%d outcomes", len(got))
			}
			// The fake runs the first half of an expiring batch.
			for i := range n {
				o := got[fmt.Sprintf("doc-%04d", i)]
				want := pipeline.StatusOK
				if i >= n/2 && tc.policy == Report {
					want = pipeline.StatusError
				}
				if o.Status != want {
					t.Errorf("%s: %s %q, want %s", o.ID, o.Status, o.Reason, want)
				}
				if want == pipeline.StatusError && !strings.HasPrefix(o.Reason, "batch expired") {
					t.Errorf("%s: reason %q", o.ID, o.Reason)
				}
			}
			wantBatches := 2
			if tc.policy == Report {
				wantBatches = 1
				if tot.ByStatus[pipeline.StatusError] != n/2 {
					t.Errorf("totals %+v", tot)
				}
			}
			if b := f.s.BatchesCreated(); b != wantBatches {
				t.Errorf("%d batches, want %d", b, wantBatches)
			}
			// Reported ones are not recorded: the next run sends them.
			sink, _, err = f.run(t, t.Context(), docs(n), opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range sink.outcomes() {
				if o.Status != pipeline.StatusSkipped && o.Status != pipeline.StatusOK {
					t.Errorf("rerun %s: %s %s", o.ID, o.Status, o.Reason)
				}
			}
		})
	}
}

// TestRunErrorFileOnly: every request fails, the batch is completed with
// no output file, and the error file holds every answer.
func TestRunErrorFileOnly(t *testing.T) {
	f := newFixture(t, func(r *extracttest.Request) extracttest.Reply {
		return extracttest.Status(400, "invalid_request_error", "context_length_exceeded", "Too long.")
	})
	sink, _, err := f.run(t, t.Context(), docs(5), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := sink.outcomes()
	if len(got) != 5 {
		t.Fatalf("%d outcomes", len(got))
	}
	for _, o := range got {
		if o.Status != pipeline.StatusError || o.Reason != "extract: API error 400 context_length_exceeded: Too long." {
			t.Errorf("%s: %s %q", o.ID, o.Status, o.Reason)
		}
	}
}

var errKilled = errors.New("killed")

// TestRunKilled kills a run right after each ledger step and runs it again
// with the same ledger: no request is uploaded or submitted twice and each
// document ends with exactly one outcome over the two runs.
func TestRunKilled(t *testing.T) {
	for _, tc := range []struct {
		kind    string
		at      int // kill at the at-th event of that kind
		uploads int
	}{
		// uploads: one per round (first answers, re-asks), plus one when the
		// kill fell after an upload and before its file ID was recorded.
		{EventIntent, 1, 2},
		{"upload returned", 1, 3},
		{EventUploaded, 1, 2}, // the recorded file is submitted, not uploaded again
		{EventSubmitted, 1, 2},
		{EventSubmitted, 2, 2}, // after the re-ask batch was submitted
		{EventPending, 3, 2},   // while reading the first round's answers
	} {
		t.Run(fmt.Sprintf("%s#%d", tc.kind, tc.at), func(t *testing.T) {
			f := newFixture(t, handler(every20))
			const n = 60
			seen := 0
			sink1, _, err := f.run(t, t.Context(), docs(n), Options{hook: func(kind string) error {
				if kind == tc.kind {
					if seen++; seen == tc.at {
						return errKilled
					}
				}
				return nil
			}})
			if !errors.Is(err, errKilled) {
				t.Fatalf("first run: %v", err)
			}
			sink2, _, err := f.run(t, t.Context(), docs(n), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if up, b := f.s.Uploads(), f.s.BatchesCreated(); up != tc.uploads || b != 2 {
				t.Errorf("uploads, batches = %d, %d; want %d, 2", up, b, tc.uploads)
			}
			first := byID(t, sink1.outcomes())
			second := byID(t, sink2.outcomes())
			if len(second) != n {
				t.Fatalf("second run: %d outcomes", len(second))
			}
			for id, o := range second {
				if o.Status == pipeline.StatusSkipped {
					if _, ok := first[id]; !ok {
						t.Errorf("%s skipped but not done in the first run", id)
					}
					continue
				}
				if o.Status != pipeline.StatusOK {
					t.Errorf("%s: %s %s", id, o.Status, o.Reason)
				}
				if _, ok := first[id]; ok {
					t.Errorf("%s done twice", id)
				}
			}
			// Each request line reached the model once.
			lines := map[string]int{}
			for _, r := range f.s.Requests() {
				if r.BatchID != "" {
					lines[r.CustomID]++
				}
			}
			if len(lines) != n+n/20 {
				t.Errorf("%d distinct requests, want %d", len(lines), n+n/20)
			}
			for cid, k := range lines {
				if k != 1 {
					t.Errorf("%s sent %d times", cid, k)
				}
			}
		})
	}
}

// TestRunCancelledContext: a run whose context is cancelled while polling
// returns ctx.Err(); the next run polls the same batch.
func TestRunCancelledContext(t *testing.T) {
	f := newFixture(t, handler(nil))
	f.s.SetBatchTimeline(extracttest.BatchTimeline{Manual: true})
	ctx, cancel := context.WithCancel(t.Context())
	polls := 0
	_, _, err := f.run(t, ctx, docs(10), Options{Sleep: func(context.Context, time.Duration) error {
		if polls++; polls == 2 {
			cancel()
			return context.Canceled
		}
		return nil
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	for f.s.AdvanceBatches() > 0 {
	}
	sink, _, err := f.run(t, t.Context(), docs(10), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.outcomes()) != 10 || f.s.Uploads() != 1 || f.s.BatchesCreated() != 1 {
		t.Errorf("%d outcomes, %d uploads, %d batches", len(sink.outcomes()), f.s.Uploads(), f.s.BatchesCreated())
	}
}

func TestRunBudget(t *testing.T) {
	f := newFixture(t, handler(nil))
	price, _ := extract.DefaultPrices().Lookup("gpt-4.1-mini")
	d := pipeline.Document{Parts: []pipeline.Part{{Kind: pipeline.PartText, Text: "doc 10"}}}
	one := docextract.EstimateCost(price, &d, 0, docextract.DefaultOutputTokens, extract.TierBatch)
	budget := pipeline.NewBudget(one * 50)
	_, _, err := f.run(t, t.Context(), docs(100), Options{Budget: budget})
	var be *BudgetError
	if !errors.Is(err, ErrBudget) || !errors.As(err, &be) || be.Requests != 100 {
		t.Fatalf("err = %v", err)
	}
	if f.s.Uploads() != 0 || budget.Spent() != 0 || budget.Reserved() != 0 {
		t.Errorf("uploads %d, spent %v, reserved %v", f.s.Uploads(), budget.Spent(), budget.Reserved())
	}
	budget = pipeline.NewBudget(one * 200)
	sink, _, err := f.run(t, t.Context(), docs(100), Options{Budget: budget})
	if err != nil || len(sink.outcomes()) != 100 {
		t.Fatalf("%v, %d outcomes", err, len(sink.outcomes()))
	}
	// 100 requests of 100 input and 10 output tokens at batch prices.
	want := price.Cost(extract.Usage{InputTokens: 100 * 100, OutputTokens: 100 * 10}, extract.TierBatch)
	if got := budget.Spent(); math.Abs(got-want) > 1e-9 || budget.Reserved() != 0 {
		t.Errorf("spent %v, want %v; reserved %v", got, want, budget.Reserved())
	}
}

// TestRunSplitAndLongIDs: files split by size, and IDs too long for a
// custom_id travel as hashes mapped in the ledger.
func TestRunSplitAndLongIDs(t *testing.T) {
	f := newFixture(t, handler(nil))
	long := strings.Repeat("x", 600)
	src := func(yield func(pipeline.Document) bool) {
		for d := range docs(30) {
			d.ID = long + d.ID
			if !yield(d) {
				return
			}
		}
	}
	sink, _, err := f.run(t, t.Context(), src, Options{MaxFileBytes: 4000})
	if err != nil {
		t.Fatal(err)
	}
	got := byID(t, sink.outcomes())
	for _, o := range got {
		if o.Status != pipeline.StatusOK || !strings.HasPrefix(o.ID, long) {
			t.Errorf("%.20s: %s %s", o.ID, o.Status, o.Reason)
		}
	}
	if len(got) != 30 || f.s.Uploads() < 3 {
		t.Errorf("%d outcomes, %d uploads", len(got), f.s.Uploads())
	}
	for _, r := range f.s.Requests() {
		if r.BatchID != "" && (len(r.CustomID) > 512 || !strings.HasPrefix(r.CustomID, "q-")) {
			t.Errorf("custom_id %q", r.CustomID)
		}
	}
}

func TestRunDocumentErrors(t *testing.T) {
	f := newFixture(t, handler(nil))
	src := func(yield func(pipeline.Document) bool) {
		yield(pipeline.Document{ID: "bad", Err: errors.New("unreadable")})
		yield(pipeline.Document{ID: "empty"})
		for d := range docs(2) {
			yield(d)
		}
	}
	sink, _, err := f.run(t, t.Context(), src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := byID(t, sink.outcomes())
	if got["bad"].Status != pipeline.StatusError || got["bad"].Reason != "unreadable" ||
		got["empty"].Status != pipeline.StatusError || got["doc-0001"].Status != pipeline.StatusOK || got["doc-0001"].Seq != 3 {
		t.Errorf("%+v", got)
	}
}

func TestStatusAndCancel(t *testing.T) {
	f := newFixture(t, handler(nil))
	f.s.SetBatchTimeline(extracttest.BatchTimeline{Manual: true})
	api := NewAPI(newClient(f.s))
	_, _, err := f.run(t, t.Context(), docs(10), Options{hook: func(kind string) error {
		if kind == EventSubmitted {
			return errKilled
		}
		return nil
	}})
	if !errors.Is(err, errKilled) {
		t.Fatal(err)
	}
	f.s.AdvanceBatches() // in_progress
	rep, err := Status(t.Context(), f.dir, api, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Batches) != 1 || rep.Batches[0].Status != "in_progress" || rep.Batches[0].Total != 10 || rep.Batches[0].Recorded {
		t.Fatalf("%+v", rep)
	}
	if err := Cancel(t.Context(), f.dir, api); err != nil {
		t.Fatal(err)
	}
	if err := Cancel(t.Context(), f.dir, api); err != nil {
		t.Fatalf("second cancel: %v", err)
	}
	for f.s.AdvanceBatches() > 0 {
	}
	sink, _, err := f.run(t, t.Context(), docs(10), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range sink.outcomes() {
		if o.Status != pipeline.StatusError || !strings.HasPrefix(o.Reason, "batch cancelled") {
			t.Errorf("%s: %s %q", o.ID, o.Status, o.Reason)
		}
	}
	rep, _ = Status(t.Context(), f.dir, api, nil)
	if rep.Batches[0].Status != "cancelled" || !rep.Batches[0].Recorded {
		t.Errorf("%+v", rep)
	}
}
