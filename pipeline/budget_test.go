package pipeline

import (
	"context"
	"math"
	"sync"
	"testing"
)

func TestBudgetReserveSettle(t *testing.T) {
	b := NewBudget(1.0)
	steps := []struct {
		reserve float64
		want    bool
	}{{0.4, true}, {0.4, true}, {0.3, false}, {0.2, true}, {0.01, false}}
	for i, s := range steps {
		if got := b.Reserve(s.reserve); got != s.want {
			t.Fatalf("step %d: Reserve(%v) = %v", i, s.reserve, got)
		}
	}
	b.Settle(0.4, 0.1) // cheaper than estimated: room again
	if !b.Reserve(0.25) || b.Spent() != 0.1 || math.Abs(b.Reserved()-0.85) > 1e-9 {
		t.Errorf("spent %v, reserved %v", b.Spent(), b.Reserved())
	}
	var unlimited *Budget
	if !unlimited.Reserve(1e9) || unlimited.Spent() != 0 || !math.IsInf(unlimited.Limit(), 1) {
		t.Error("nil budget")
	}
	var zero Budget
	if !zero.Reserve(1e9) {
		t.Error("zero budget refused")
	}
}

func TestBudgetConcurrent(t *testing.T) {
	b := NewBudget(10)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 100 {
		wg.Go(func() {
			if b.Reserve(0.5) {
				mu.Lock()
				ok++
				mu.Unlock()
				b.Settle(0.5, 0.5)
			}
		})
	}
	wg.Wait()
	if b.Spent() > 10+1e-9 || ok < 20 || b.Reserved() > 1e-9 {
		t.Errorf("spent %v over %d reservations", b.Spent(), ok)
	}
}

// TestBudgetGuard: with one document at a time, dispatch stops at the first
// document whose estimate no longer fits; later documents are skipped with
// reason "budget" and not recorded.
func TestBudgetGuard(t *testing.T) {
	b := NewBudget(1.0)
	calls := 0
	fn := func(ctx context.Context, doc Document) Result {
		calls++
		return Result{Status: StatusOK, Usage: Usage{InputTokens: 100}}
	}
	guarded := b.Guard(fn, func(Document) float64 { return 0.3 }, func(r Result) float64 {
		return float64(r.Usage.InputTokens) / 400 // $0.25 each
	})
	l := openLedger(t, t.TempDir())
	sink := &memSink{}
	if _, err := Run(t.Context(), docs(10, plain), guarded, Options{Concurrency: 1, Ledger: l, Sinks: []Sink{sink}}); err != nil {
		t.Fatal(err)
	}
	// Spent after k documents: 0.25k; the (k+1)-th goes while 0.25k + 0.3 <= 1: k = 0, 1, 2.
	got := sink.outcomes()
	for i, o := range got {
		want := StatusOK
		if i >= 3 {
			want = StatusSkipped
		}
		if o.Status != want {
			t.Errorf("%s: %s %q, want %s", o.ID, o.Status, o.Reason, want)
		}
		if want == StatusSkipped && (len(o.Reason) < 7 || o.Reason[:7] != "budget:") {
			t.Errorf("%s: reason %q", o.ID, o.Reason)
		}
	}
	if calls != 3 || b.Spent() != 0.75 || l.entries() != 3 {
		t.Errorf("calls %d, spent %v, recorded %d", calls, b.Spent(), l.entries())
	}
}
