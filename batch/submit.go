package batch

import (
	"context"
	"fmt"
	"os"
	"strconv"
)

// This file submits a round's files and waits for their batches.

func (r *runner) metadata(round int) map[string]string {
	m := make(map[string]string, len(r.opts.Metadata)+1)
	for k, v := range r.opts.Metadata {
		m[k] = v
	}
	m["quarry_round"] = strconv.Itoa(round)
	return m
}

// submit uploads the files of a round and creates their batches, recording
// each step in the ledger before the next.
func (r *runner) submit(ctx context.Context, files []*inputFile) error {
	fp := r.job.Fingerprint
	for i, f := range files {
		p := &part{Round: r.round, Part: i + 1, Requests: f.requests}
		if err := r.job.Ledger.AppendEvent(EventIntent, intentEvent{Fingerprint: fp, Round: p.Round, Part: p.Part, Requests: p.Requests}); err != nil {
			return err
		}
		if err := r.hook(EventIntent); err != nil {
			return err
		}
		id, err := r.upload(ctx, f.path)
		if err != nil {
			return err
		}
		if err := r.hook("upload returned"); err != nil {
			return err
		}
		p.FileID, p.UploadedAt = id, r.opts.Clock()
		if err := r.job.Ledger.AppendEvent(EventUploaded, uploadedEvent{Fingerprint: fp, Round: p.Round, Part: p.Part, FileID: id}); err != nil {
			return err
		}
		if err := r.hook(EventUploaded); err != nil {
			return err
		}
		os.Remove(f.path)
		if err := r.create(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// upload uploads one file, trying up to 3 times: a streamed upload is not
// retried by the client.
func (r *runner) upload(ctx context.Context, path string) (string, error) {
	var err error
	wait := r.opts.PollMin
	for try := 0; try < 3; try++ {
		var id string
		if id, err = r.opts.API.UploadFile(ctx, path); err == nil {
			return id, nil
		}
		if ctx.Err() != nil || !transient(err) {
			break
		}
		if serr := r.opts.Sleep(ctx, wait); serr != nil {
			return "", serr
		}
		wait *= 2
	}
	return "", fmt.Errorf("batch: uploading %s: %w", path, err)
}

// create creates p's batch and records its ID.
func (r *runner) create(ctx context.Context, p *part) error {
	b, err := r.opts.API.CreateBatch(ctx, p.FileID, r.metadata(p.Round))
	if err != nil {
		// The batch may exist even though the reply was lost: adopt it
		// rather than create another.
		if found, ferr := r.opts.API.FindBatch(ctx, p.FileID, p.UploadedAt); ferr == nil && found != nil {
			b, err = found, nil
		}
	}
	if err != nil {
		return fmt.Errorf("batch: creating the batch for %s: %w (run again to resume: the file is kept)", p.FileID, err)
	}
	if err := r.hook("create returned"); err != nil {
		return err
	}
	return r.created(p, b.ID, string(b.Status))
}

func (r *runner) created(p *part, batchID, status string) error {
	p.BatchID, p.Status, p.SubmittedAt = batchID, status, r.opts.Clock()
	if err := r.job.Ledger.AppendEvent(EventSubmitted, submittedEvent{Fingerprint: r.job.Fingerprint,
		Round: p.Round, Part: p.Part, FileID: p.FileID, BatchID: batchID}); err != nil {
		return err
	}
	r.adopt(p)
	return r.hook(EventSubmitted)
}

// resubmit finishes the submission of an uploaded file after a restart:
// it adopts the batch created from it, if any, or creates one.
func (r *runner) resubmit(ctx context.Context, p *part) error {
	b, err := r.opts.API.FindBatch(ctx, p.FileID, p.UploadedAt)
	if err != nil {
		return fmt.Errorf("batch: looking for a batch of %s: %w", p.FileID, err)
	}
	if b != nil {
		return r.created(p, b.ID, string(b.Status))
	}
	return r.create(ctx, p)
}

// terminal reports whether a batch status is final.
func terminal(status string) bool {
	switch status {
	case "completed", "expired", "failed", "cancelled":
		return true
	}
	return false
}

// wait polls the batches in flight until every one has finished, waiting
// PollMin, then twice as long each time, up to PollMax, between polls.
func (r *runner) wait(ctx context.Context) error {
	interval := r.opts.PollMin
	for {
		open := 0
		for _, p := range r.parts {
			if p.batch != nil && terminal(p.Status) {
				continue
			}
			b, err := r.opts.API.GetBatch(ctx, p.BatchID)
			if err != nil {
				return fmt.Errorf("batch: polling %s: %w", p.BatchID, err)
			}
			p.batch, p.Status = b, string(b.Status)
			if r.opts.Progress != nil {
				c := b.RequestCounts
				r.opts.Progress(Progress{Round: p.Round, BatchID: p.BatchID, Status: p.Status,
					Total: c.Total, Completed: c.Completed, Failed: c.Failed})
			}
			if !terminal(p.Status) {
				open++
			}
		}
		if open == 0 {
			return nil
		}
		if err := r.opts.Sleep(ctx, interval); err != nil {
			return err
		}
		interval = min(interval*2, r.opts.PollMax)
	}
}

// fetch downloads the output and error files of the finished batches.
func (r *runner) fetch(ctx context.Context) (*results, error) {
	res, err := newResults(r.opts.TempDir)
	if err != nil {
		return nil, err
	}
	for _, p := range r.parts {
		if err := res.download(ctx, r.opts.API, p.BatchID, p.batch.OutputFileID, p.batch.ErrorFileID); err != nil {
			return res, err
		}
	}
	return res, nil
}

// finishParts records that the batches in flight are done with, and
// settles the budget with what their answers cost.
func (r *runner) finishParts() error {
	for _, p := range r.parts {
		if err := r.job.Ledger.AppendEvent(EventFinished, finishedEvent{Fingerprint: r.job.Fingerprint, BatchID: p.BatchID, Status: p.Status}); err != nil {
			return err
		}
	}
	r.parts = r.parts[:0]
	if b := r.opts.Budget; b != nil && (r.reserved > 0 || r.spent > 0) {
		b.Settle(r.reserved, r.spent)
	}
	r.reserved, r.spent = 0, 0
	return nil
}

func batchErrors(p *part) string {
	if p.batch == nil || len(p.batch.Errors.Data) == 0 {
		return "no details"
	}
	e := p.batch.Errors.Data[0]
	s := e.Code + ": " + e.Message
	if e.Line > 0 {
		s += " (line " + strconv.FormatInt(e.Line, 10) + ")"
	}
	if n := len(p.batch.Errors.Data); n > 1 {
		s += fmt.Sprintf(" and %d more", n-1)
	}
	return s
}
