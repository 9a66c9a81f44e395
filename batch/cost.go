package batch

import (
	"errors"
	"fmt"

	"github.com/seed0611af48/quarry/extract"
)

// ErrBudget is returned when the estimated cost of a round does not fit in
// the budget left; nothing of that round was uploaded.
var ErrBudget = errors.New("batch: over budget")

// BudgetError details ErrBudget.
type BudgetError struct {
	Round    int
	Requests int
	// Estimate is the round's estimated cost in USD; Spent and Limit are
	// the budget's.
	Estimate, Spent, Limit float64
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("batch: round %d (%d requests) is estimated at $%.4f, over the budget ($%.4f of $%.4f spent); nothing was uploaded",
		e.Round, e.Requests, e.Estimate, e.Spent, e.Limit)
}

func (e *BudgetError) Is(target error) bool { return target == ErrBudget }

// reaskTokens estimates what a re-ask adds to the input: the previous
// answer and the correction, at 4 bytes a token.
func reaskTokens(st extract.CallState) int64 {
	if st.Correction == "" {
		return 0
	}
	return int64(len(st.PrevAnswer)+len(st.Correction)) / 4
}

// usageCost prices usage at the batch tier.
func usageCost(price extract.Price, u extract.Usage) float64 {
	return price.Cost(u, extract.TierBatch)
}
