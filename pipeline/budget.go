package pipeline

import (
	"context"
	"fmt"
	"math"
	"sync"
)

// A Budget caps what a run may spend, in US dollars. Work reserves its
// estimated cost before it starts and settles it with the actual cost when
// it ends; a reservation that would take the money spent plus the money
// reserved past the limit is refused, so a run stops dispatching before it
// overspends (by at most the error of the estimates in flight).
//
// A Budget is safe for concurrent use. The zero Budget has no limit (every
// reservation succeeds) and still tallies the spend; so does a nil *Budget.
type Budget struct {
	mu       sync.Mutex
	limit    float64 // <= 0: none
	spent    float64
	reserved float64
}

// NewBudget returns a Budget of limit USD; a limit <= 0 means no limit.
func NewBudget(limit float64) *Budget { return &Budget{limit: limit} }

// Limit returns the limit in USD (+Inf when there is none).
func (b *Budget) Limit() float64 {
	if b == nil || b.limit <= 0 {
		return math.Inf(1)
	}
	return b.limit
}

// Reserve sets estimate aside and reports true, or reports false, setting
// nothing aside, when spent + reserved + estimate would pass the limit.
func (b *Budget) Reserve(estimate float64) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limit > 0 && b.spent+b.reserved+estimate > b.limit {
		return false
	}
	b.reserved += estimate
	return true
}

// Settle replaces a reservation of estimate by the actual cost. Settle(0,
// actual) records a spend that was not reserved.
func (b *Budget) Settle(estimate, actual float64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reserved = max(b.reserved-estimate, 0)
	b.spent += actual
}

// Spent returns the actual cost settled so far.
func (b *Budget) Spent() float64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.spent
}

// Reserved returns the estimates reserved and not yet settled.
func (b *Budget) Reserved() float64 {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.reserved
}

// Guard wraps fn so that each document first reserves estimate(doc) and,
// once fn returns, settles it with cost(result). A document whose
// reservation is refused is not passed to fn: its result is StatusSkipped
// with Reason "budget: ...", which [Run] does not record, so a later run
// with more budget does it.
func (b *Budget) Guard(fn Func, estimate func(Document) float64, cost func(Result) float64) Func {
	return func(ctx context.Context, doc Document) Result {
		est := estimate(doc)
		if !b.Reserve(est) {
			return Result{Status: StatusSkipped, Reason: fmt.Sprintf(
				"budget: the estimated $%.4f would pass the limit of $%.4f ($%.4f spent, $%.4f in flight)",
				est, b.Limit(), b.Spent(), b.Reserved())}
		}
		settled := false
		defer func() {
			if !settled { // fn panicked, maybe after a billed request: count the estimate
				b.Settle(est, est)
			}
		}()
		res := fn(ctx, doc)
		settled = true
		b.Settle(est, cost(res))
		return res
	}
}
