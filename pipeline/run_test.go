package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// chaosKinds are what chaosFn does with a document.
var chaosKinds = []string{"ok", "ok", "ok", "invalid", "refused", "incomplete", "error", "skip", "panic", "readerr"}

// chaosKind picks, from a seed and the document's index, what happens to it:
// the same whatever the schedule.
func chaosKind(i int) string {
	r := rand.New(rand.NewPCG(42, uint64(i)))
	return chaosKinds[r.IntN(len(chaosKinds))]
}

func chaosDocs(n int) func(func(Document) bool) {
	return func(yield func(Document) bool) {
		for i := range n {
			d := Document{ID: fmt.Sprintf("doc-%04d", i), Row: i + 1, Parts: []Part{{Kind: PartText, Text: fmt.Sprint("text ", i)}}}
			if chaosKind(i) == "readerr" {
				d.Err = errors.New("cannot read")
			}
			if !yield(d) {
				return
			}
		}
	}
}

func chaosFn(calls *sync.Map) Func {
	return func(ctx context.Context, doc Document) Result {
		var i int
		fmt.Sscanf(doc.ID, "doc-%d", &i)
		n, _ := calls.LoadOrStore(doc.ID, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		u := Usage{InputTokens: int64(10 + i%7), OutputTokens: int64(i % 5)}
		switch k := chaosKind(i); k {
		case "ok":
			return Result{Status: StatusOK, Value: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)), Usage: u, Attempts: 1, Requests: 1}
		case "invalid":
			return Result{Status: StatusInvalid, Reason: "bad", Value: json.RawMessage(`{"n":"x"}`), Usage: u, Attempts: 3, Requests: 3, RateLimited: 1}
		case "refused":
			return Result{Status: StatusRefused, Reason: "no", Usage: u, Requests: 1}
		case "incomplete":
			return Result{Status: StatusIncomplete, Reason: "cut", Value: json.RawMessage(`{"n":`), Usage: u, Requests: 1}
		case "error":
			return Result{Status: StatusError, Reason: "api error", Requests: 2, RateLimited: 2}
		case "skip":
			return Result{Status: StatusSkipped, Reason: "budget"}
		case "panic":
			panic(fmt.Sprintf("boom %d", i))
		default:
			panic("fn called for unreadable document " + k)
		}
	}
}

func wantStatus(kind string) Status {
	return map[string]Status{"ok": StatusOK, "invalid": StatusInvalid, "refused": StatusRefused,
		"incomplete": StatusIncomplete, "error": StatusError, "skip": StatusSkipped, "panic": StatusError, "readerr": StatusError}[kind]
}

func TestRunExactlyOneOutcome(t *testing.T) {
	const n = 1000
	for _, order := range []Order{InputOrder, CompletionOrder} {
		t.Run(order.String(), func(t *testing.T) {
			dir := t.TempDir()
			led := openLedger(t, dir)
			sink := &memSink{}
			var calls sync.Map
			tot, err := Run(t.Context(), chaosDocs(n), chaosFn(&calls), Options{
				Concurrency: 16, Ledger: led, Sinks: []Sink{sink}, Order: order, Fingerprint: "job",
			})
			if err != nil {
				t.Fatal(err)
			}
			got := sink.outcomes()
			if len(got) != n || sink.closed != 1 {
				t.Fatalf("sink got %d outcomes, closed %d times; want %d, 1", len(got), sink.closed, n)
			}
			seen := make([]bool, n)
			byStatus := map[Status]int{}
			var usage Usage
			requests, limited := 0, 0
			for k, o := range got {
				if seen[o.Seq] {
					t.Fatalf("seq %d delivered twice", o.Seq)
				}
				seen[o.Seq] = true
				if order == InputOrder && o.Seq != int64(k) {
					t.Fatalf("outcome %d has seq %d in input order", k, o.Seq)
				}
				if want := fmt.Sprintf("doc-%04d", o.Seq); o.ID != want || o.Row != int(o.Seq)+1 {
					t.Fatalf("seq %d: id %q row %d", o.Seq, o.ID, o.Row)
				}
				kind := chaosKind(int(o.Seq))
				if o.Status != wantStatus(kind) {
					t.Errorf("%s (%s): status %s", o.ID, kind, o.Status)
				}
				switch kind {
				case "panic":
					if !strings.HasPrefix(o.Reason, "panic: boom") || !strings.Contains(o.Stack, "chaosFn") {
						t.Errorf("%s: panic outcome %q, stack %d bytes", o.ID, o.Reason, len(o.Stack))
					}
				case "readerr":
					if o.Reason != "cannot read" {
						t.Errorf("%s: reason %q", o.ID, o.Reason)
					}
					if _, called := calls.Load(o.ID); called {
						t.Errorf("%s: fn called for a document with Err", o.ID)
					}
				case "incomplete":
					if string(o.Value) != `"{\"n\":"` {
						t.Errorf("%s: invalid JSON value kept as %s", o.ID, o.Value)
					}
				}
				if o.Started.IsZero() || o.Finished.Before(o.Started) {
					t.Errorf("%s: started %v finished %v", o.ID, o.Started, o.Finished)
				}
				byStatus[o.Status]++
				usage = usage.Add(o.Usage)
				switch kind {
				case "ok", "refused", "incomplete":
					requests++
				case "invalid":
					requests, limited = requests+3, limited+1
				case "error":
					requests, limited = requests+2, limited+2
				}
			}
			calls.Range(func(k, v any) bool {
				if c := v.(*atomic.Int64).Load(); c != 1 {
					t.Errorf("%s: fn called %d times", k, c)
				}
				return true
			})
			want := Totals{Documents: n, ByStatus: byStatus, Usage: usage, Requests: requests, RateLimited: limited}
			if diff := cmp.Diff(want, tot, cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Wall" }, cmp.Ignore())); diff != "" {
				t.Errorf("totals (-want +got):\n%s", diff)
			}

			// The ledger holds the same outcomes, except those not done (fn's skips).
			if err := led.Close(); err != nil {
				t.Fatal(err)
			}
			recorded := readAll(t, dir)
			for _, o := range got {
				r, ok := recorded[o.ID]
				if o.Status == StatusSkipped {
					if ok {
						t.Errorf("%s: skipped outcome recorded", o.ID)
					}
					continue
				}
				if !ok {
					t.Errorf("%s: not recorded", o.ID)
					continue
				}
				if diff := cmp.Diff(o, r); diff != "" {
					t.Errorf("%s: ledger differs from sink (-sink +ledger):\n%s", o.ID, diff)
				}
			}
			if want := n - byStatus[StatusSkipped]; len(recorded) != want {
				t.Errorf("ledger has %d outcomes, want %d", len(recorded), want)
			}
			info, err := ReadRunInfo(dir)
			if err != nil {
				t.Fatal(err)
			}
			if info.Totals.Documents != n || info.End.Before(info.Start) || sink.info.Totals.Documents != n {
				t.Errorf("run info %+v", info)
			}
		})
	}
}

func TestRunZeroOptions(t *testing.T) {
	var calls atomic.Int64
	tot, err := Run(t.Context(), docs(20, plain), func(ctx context.Context, d Document) Result {
		calls.Add(1)
		return Result{Status: StatusOK}
	}, Options{})
	if err != nil || calls.Load() != 20 || tot.ByStatus[StatusOK] != 20 {
		t.Fatalf("Run = %+v, %v; %d calls", tot, err, calls.Load())
	}
}

func TestRunLimit(t *testing.T) {
	pulled := 0
	src := func(yield func(Document) bool) {
		for d := range docs(100, plain) {
			pulled++
			if !yield(d) {
				return
			}
		}
	}
	sink := &memSink{}
	tot, err := Run(t.Context(), src, func(ctx context.Context, d Document) Result { return Result{Status: StatusOK} },
		Options{Limit: 10, Sinks: []Sink{sink}})
	if err != nil || tot.Documents != 10 || len(sink.outcomes()) != 10 || pulled != 10 {
		t.Fatalf("Run = %+v, %v; sink %d; pulled %d", tot, err, len(sink.outcomes()), pulled)
	}
}

// TestRunOrder scrambles completion with (fake) per-document delays.
func TestRunOrder(t *testing.T) {
	const n = 200
	delay := func(doc Document) time.Duration {
		var i int
		fmt.Sscanf(doc.ID, "doc-%d", &i)
		return time.Duration(rand.New(rand.NewPCG(7, uint64(i))).IntN(1000)) * time.Millisecond
	}
	fn := func(ctx context.Context, doc Document) Result {
		time.Sleep(delay(doc))
		return Result{Status: StatusOK}
	}
	for _, order := range []Order{InputOrder, CompletionOrder} {
		t.Run(order.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sink := &memSink{}
				maxBuf := 0
				_, err := Run(t.Context(), docs(n, plain), fn, Options{
					Concurrency: 8, Window: 32, Order: order, Sinks: []Sink{sink},
					onBuffered: func(k int) { maxBuf = max(maxBuf, k) },
				})
				if err != nil {
					t.Fatal(err)
				}
				got := sink.outcomes()
				inOrder := true
				for k, o := range got {
					if o.Seq != int64(k) {
						inOrder = false
					}
					if order == CompletionOrder && k > 0 && o.Finished.Before(got[k-1].Finished) {
						t.Fatalf("completion order: %s finished before %s", o.ID, got[k-1].ID)
					}
				}
				if inOrder != (order == InputOrder) {
					t.Errorf("outcomes in input order: %v", inOrder)
				}
				if maxBuf >= 32 {
					t.Errorf("reorder buffer held %d, window 32", maxBuf)
				}
			})
		})
	}
}

// TestRunWindowBound holds document 0 for an hour: the rest must not run
// ahead more than the window, in memory or in the source.
func TestRunWindowBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const window = 16
		var pulled atomic.Int64
		src := func(yield func(Document) bool) {
			for d := range docs(1000, plain) {
				pulled.Add(1)
				if !yield(d) {
					return
				}
			}
		}
		fn := func(ctx context.Context, doc Document) Result {
			if doc.ID == "doc-0000" {
				time.Sleep(time.Hour)
			} else {
				time.Sleep(time.Second)
			}
			return Result{Status: StatusOK}
		}
		var mu sync.Mutex
		maxBuf := 0
		sink := &memSink{}
		go Run(t.Context(), src, fn, Options{Concurrency: 4, Window: window, Sinks: []Sink{sink},
			onBuffered: func(k int) { mu.Lock(); maxBuf = max(maxBuf, k); mu.Unlock() }})
		time.Sleep(30 * time.Minute)
		synctest.Wait()
		mu.Lock()
		if maxBuf != window-1 {
			t.Errorf("buffer max %d while document 0 is stuck, want %d", maxBuf, window-1)
		}
		mu.Unlock()
		if p := pulled.Load(); p > window+1 {
			t.Errorf("source pulled %d documents, window %d", p, window)
		}
		if k := len(sink.outcomes()); k != 0 {
			t.Errorf("%d outcomes delivered before document 0", k)
		}
		time.Sleep(2 * time.Hour)
		synctest.Wait()
		if k := len(sink.outcomes()); k != 1000 || sink.closed != 1 {
			t.Errorf("%d outcomes at the end, closed %d", k, sink.closed)
		}
	})
}

// TestRunCancelResume cancels a run mid-way, then resumes it.
func TestRunCancelResume(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		const n = 100
		var mu sync.Mutex
		completed := map[string]int{} // fn calls that ran to the end
		fn := func(ctx context.Context, doc Document) Result {
			select {
			case <-time.After(time.Second):
			case <-ctx.Done():
				return Result{Status: StatusError, Reason: ctx.Err().Error()}
			}
			mu.Lock()
			completed[doc.ID]++
			mu.Unlock()
			return Result{Status: StatusOK, Value: json.RawMessage(`{"id":"` + doc.ID + `"}`)}
		}

		led := openLedger(t, dir)
		ctx, cancel := context.WithCancel(t.Context())
		sink1 := &memSink{}
		tot1, err := Run(ctx, docs(n, plain), fn, Options{
			Concurrency: 4, Ledger: led, Sinks: []Sink{sink1}, Fingerprint: "fp",
			Progress: func(p Progress) {
				if p.Done == 30 {
					cancel()
				}
			},
		})
		if err != context.Canceled {
			t.Fatalf("Run after cancel = %v, want context.Canceled", err)
		}
		got1 := sink1.outcomes()
		interrupted := 0
		for k, o := range got1 {
			if o.Seq != int64(k) {
				t.Fatalf("outcome %d has seq %d", k, o.Seq)
			}
			if o.Status == StatusError {
				interrupted++
				if !strings.Contains(o.Reason, "canceled") {
					t.Errorf("%s: reason %q", o.ID, o.Reason)
				}
			}
		}
		if len(got1) < 30 || len(got1) >= n || interrupted == 0 || tot1.Documents != len(got1) {
			t.Fatalf("first run: %d outcomes, %d interrupted, totals %+v", len(got1), interrupted, tot1)
		}
		// Flushed: a fresh reader sees every ok outcome, and no interrupted one.
		recorded := readAll(t, dir)
		if len(recorded) != len(got1)-interrupted {
			t.Fatalf("ledger has %d outcomes, want %d", len(recorded), len(got1)-interrupted)
		}
		led.Close()

		led2 := openLedger(t, dir)
		sink2 := &memSink{}
		tot2, err := Run(t.Context(), docs(n, plain), fn, Options{Concurrency: 4, Ledger: led2, Sinks: []Sink{sink2}, Fingerprint: "fp"})
		if err != nil {
			t.Fatal(err)
		}
		if tot2.ByStatus[StatusSkipped] != len(recorded) || tot2.ByStatus[StatusOK] != n-len(recorded) {
			t.Errorf("resume totals %+v, want %d skipped", tot2.ByStatus, len(recorded))
		}
		for _, o := range sink2.outcomes() {
			if want := `{"id":"` + o.ID + `"}`; string(o.Value) != want {
				t.Errorf("%s: value %s after resume", o.ID, o.Value)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		for i := range n {
			if id := fmt.Sprintf("doc-%04d", i); completed[id] != 1 {
				t.Errorf("%s extracted %d times", id, completed[id])
			}
		}
		if got := len(readAll(t, dir)); got != n {
			t.Errorf("ledger has %d documents after resume, want %d", got, n)
		}
	})
}

type failSink struct{ memSink }

func (s *failSink) Write(o *Outcome) error {
	if o.Seq == 5 {
		return errors.New("disk full")
	}
	return s.memSink.Write(o)
}

func TestRunSinkError(t *testing.T) {
	s := &failSink{}
	_, err := Run(t.Context(), docs(1000, plain), func(ctx context.Context, d Document) Result { return Result{Status: StatusOK} },
		Options{Sinks: []Sink{s}})
	if err == nil || !strings.Contains(err.Error(), "disk full") || s.closed != 1 {
		t.Fatalf("Run = %v, closed %d", err, s.closed)
	}
}

func TestRunProgress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var ps []Progress
		_, err := Run(t.Context(), docs(10, plain), func(ctx context.Context, d Document) Result {
			time.Sleep(time.Second)
			return Result{Status: StatusOK, Usage: Usage{InputTokens: 3}}
		}, Options{Concurrency: 2, Total: 10, Progress: func(p Progress) { ps = append(ps, p) }})
		if err != nil {
			t.Fatal(err)
		}
		last := ps[len(ps)-1]
		want := Progress{Done: 10, Total: 10, Usage: Usage{InputTokens: 30}, Rate: 120, Elapsed: 5 * time.Second}
		if diff := cmp.Diff(want, last); diff != "" {
			t.Errorf("last progress (-want +got):\n%s", diff)
		}
		mid := ps[3] // ps[0] is the start
		if mid.Done != 3 || mid.ETA <= 0 || mid.Total != 10 {
			t.Errorf("progress after 3: %+v", mid)
		}
	})
}

// TestRunCarriesResultDetail: what the function returns beyond the status
// (evidence, attempt errors) reaches sinks and the ledger.
func TestRunCarriesResultDetail(t *testing.T) {
	dir := t.TempDir()
	led, err := OpenLedger(dir)
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	ev := json.RawMessage(`[{"pointer":"/a","value":1,"quote":"1","start":0,"end":1,"match":"exact","score":1,"verdict":"supported"}]`)
	errs := []string{"attempt 1: /a: must be >= 2"}
	_, err = Run(t.Context(), docs(1, plain), func(ctx context.Context, d Document) Result {
		return Result{Status: StatusOK, Value: json.RawMessage(`{"a":1}`), Evidence: ev, AttemptErrors: errs, Attempts: 2}
	}, Options{Ledger: led, Sinks: []Sink{sink}})
	if err != nil {
		t.Fatal(err)
	}
	led.Close()
	for _, o := range []Outcome{sink.outcomes()[0], readAll(t, dir)["doc-0000"]} {
		if string(o.Evidence) != string(ev) || !slices.Equal(o.AttemptErrors, errs) {
			t.Errorf("outcome evidence %s, attempt errors %q; want %s, %q", o.Evidence, o.AttemptErrors, ev, errs)
		}
	}
}
