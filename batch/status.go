package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

// StatusReport is what `quarry batch status` shows: the batches and
// background responses recorded in a ledger.
type StatusReport struct {
	Batches []BatchStatus
	// Background lists background responses created and not seen finished.
	Background []BackgroundResponse
	// Cost sums the batches' Cost.
	Cost float64
}

// BatchStatus is one recorded batch, as the API reports it now.
type BatchStatus struct {
	ID          string
	Round, Part int
	Status      string
	Total       int64
	Completed   int64
	Failed      int64
	Model       string
	Usage       pipeline.Usage
	// Cost is the usage so far at the batch tier's prices (0 when the model
	// has no price).
	Cost float64
	// Recorded is true once the run read its results into the ledger.
	Recorded bool
}

// BackgroundResponse is a background response recorded in a ledger.
type BackgroundResponse struct {
	ResponseID string
	DocumentID string
	Attempt    int
}

// recorded is every batch and background response in a ledger, whatever
// the job.
type recorded struct {
	batches    []*part
	finished   map[string]bool // batch IDs whose results were recorded
	background []backgroundCreated
	done       map[string]bool // background response IDs seen finished
}

func readRecorded(dir string) (*recorded, error) {
	rec := &recorded{finished: map[string]bool{}, done: map[string]bool{}}
	for ev, err := range pipeline.ReadEvents(dir, EventSubmitted, EventFinished, EventBackgroundCreated, EventBackgroundFinished) {
		if err != nil {
			var le *pipeline.LineError
			if errors.As(err, &le) {
				continue
			}
			return nil, err
		}
		switch ev.Kind {
		case EventSubmitted:
			var e submittedEvent
			if json.Unmarshal(ev.Data, &e) == nil {
				rec.batches = append(rec.batches, &part{Round: e.Round, Part: e.Part, FileID: e.FileID, BatchID: e.BatchID})
			}
		case EventFinished:
			var e finishedEvent
			if json.Unmarshal(ev.Data, &e) == nil {
				rec.finished[e.BatchID] = true
			}
		case EventBackgroundCreated:
			var e backgroundCreated
			if json.Unmarshal(ev.Data, &e) == nil {
				rec.background = append(rec.background, e)
			}
		case EventBackgroundFinished:
			var e backgroundFinished
			if json.Unmarshal(ev.Data, &e) == nil {
				rec.done[e.ResponseID] = true
			}
		}
	}
	return rec, nil
}

// Status asks the API about every batch recorded in the ledger in dir and
// lists the background responses not seen finished. prices price the
// usage (nil: extract.DefaultPrices).
func Status(ctx context.Context, dir string, api API, prices extract.Prices) (StatusReport, error) {
	var rep StatusReport
	if prices == nil {
		prices = extract.DefaultPrices()
	}
	rec, err := readRecorded(dir)
	if err != nil {
		return rep, err
	}
	for _, p := range rec.batches {
		b, err := api.GetBatch(ctx, p.BatchID)
		if err != nil {
			return rep, fmt.Errorf("batch: status of %s: %w", p.BatchID, err)
		}
		u := pipeline.Usage{InputTokens: b.Usage.InputTokens, CachedTokens: b.Usage.InputTokensDetails.CachedTokens,
			OutputTokens: b.Usage.OutputTokens, ReasoningTokens: b.Usage.OutputTokensDetails.ReasoningTokens}
		bs := BatchStatus{ID: b.ID, Round: p.Round, Part: p.Part, Status: string(b.Status),
			Total: b.RequestCounts.Total, Completed: b.RequestCounts.Completed, Failed: b.RequestCounts.Failed,
			Model: b.Model, Usage: u, Recorded: rec.finished[b.ID]}
		if pr, ok := prices.Lookup(b.Model); ok {
			bs.Cost = docextract.Cost(pr, u, extract.TierBatch)
		}
		rep.Cost += bs.Cost
		rep.Batches = append(rep.Batches, bs)
	}
	for _, e := range rec.background {
		if !rec.done[e.ResponseID] {
			rep.Background = append(rep.Background, BackgroundResponse{ResponseID: e.ResponseID, DocumentID: e.ID, Attempt: e.Attempt})
		}
	}
	return rep, nil
}

// Cancel cancels the unfinished batches and background responses recorded
// in the ledger in dir. Requests a cancelled batch did not run end, when
// the run reads the batch, with StatusError "batch cancelled" and are not
// recorded, so a later run sends them again. Cancelling is idempotent.
func Cancel(ctx context.Context, dir string, api API) error {
	rec, err := readRecorded(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range rec.batches {
		if rec.finished[p.BatchID] {
			continue
		}
		b, err := api.GetBatch(ctx, p.BatchID)
		if err != nil {
			errs = append(errs, fmt.Errorf("batch: cancel %s: %w", p.BatchID, err))
			continue
		}
		if terminal(string(b.Status)) || b.Status == "cancelling" {
			continue
		}
		if _, err := api.CancelBatch(ctx, p.BatchID); err != nil {
			errs = append(errs, fmt.Errorf("batch: cancel %s: %w", p.BatchID, err))
		}
	}
	for _, e := range rec.background {
		if rec.done[e.ResponseID] {
			continue
		}
		if _, err := api.CancelResponse(ctx, e.ResponseID); err != nil {
			errs = append(errs, fmt.Errorf("batch: cancel response %s: %w", e.ResponseID, err))
		}
	}
	return errors.Join(errs...)
}
