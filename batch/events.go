package batch

import (
	"encoding/json"

	"fmt"
	"github.com/openai/openai-go/v3"
	"time"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

// Ledger events of a batch run, in the order they are written for each
// input file ("part") of a round. Each is fsynced before the step it
// announces is relied on:
//
//	batch.intent     the requests (custom_id → document) a file will hold
//	batch.uploaded   the file's ID, once the upload returned
//	batch.submitted  the batch's ID, once the batch was created
//	batch.pending    a document's call state, when its answer needs another round
//	batch.finished   a batch whose results were all recorded
const (
	EventIntent    = "batch.intent"
	EventUploaded  = "batch.uploaded"
	EventSubmitted = "batch.submitted"
	EventPending   = "batch.pending"
	EventFinished  = "batch.finished"
)

// request is one line of an input file: its custom_id and the document and
// attempt it belongs to. The ledger keeps this mapping, so a custom_id can
// be a hash when the document ID is too long.
type request struct {
	CustomID string `json:"c"`
	ID       string `json:"id"`
	Hash     string `json:"h"`
	Attempt  int    `json:"a"`
}

type intentEvent struct {
	Fingerprint string    `json:"fingerprint"`
	Round       int       `json:"round"`
	Part        int       `json:"part"`
	Requests    []request `json:"requests"`
}

type uploadedEvent struct {
	Fingerprint string `json:"fingerprint"`
	Round       int    `json:"round"`
	Part        int    `json:"part"`
	FileID      string `json:"file_id"`
}

type submittedEvent struct {
	Fingerprint string `json:"fingerprint"`
	Round       int    `json:"round"`
	Part        int    `json:"part"`
	FileID      string `json:"file_id"`
	BatchID     string `json:"batch_id"`
}

type pendingEvent struct {
	Fingerprint string            `json:"fingerprint"`
	ID          string            `json:"id"`
	Hash        string            `json:"h"`
	State       extract.CallState `json:"state"`
}

type finishedEvent struct {
	Fingerprint string `json:"fingerprint"`
	BatchID     string `json:"batch_id"`
	Status      string `json:"status"`
}

// part is one input file of a round and, once submitted, its batch.
type part struct {
	Round, Part int
	Requests    []request
	FileID      string
	UploadedAt  time.Time
	BatchID     string
	SubmittedAt time.Time
	Status      string // the batch's last known status
	Finished    bool   // its results are recorded

	batch *openai.Batch // the last poll's answer
}

type partKey struct{ round, part int }

// docKey identifies a document version: ID and content hash.
type docKey struct{ id, hash string }

// journal is what the ledger says about a job's batches.
type journal struct {
	parts    []*part // in order of intent
	pending  map[docKey]extract.CallState
	maxRound int
}

// readJournal reads the batch events of the job fingerprint from the
// ledger in dir. Later events win.
func readJournal(dir, fingerprint string) (*journal, error) {
	j := &journal{pending: make(map[docKey]extract.CallState)}
	byKey := make(map[partKey]*part)
	byBatch := make(map[string]*part)
	for ev, err := range pipeline.ReadEvents(dir, EventIntent, EventUploaded, EventSubmitted, EventPending, EventFinished) {
		if err != nil {
			if _, ok := err.(*pipeline.LineError); ok {
				continue
			}
			return nil, err
		}
		var head struct {
			Fingerprint string `json:"fingerprint"`
		}
		if json.Unmarshal(ev.Data, &head) != nil || head.Fingerprint != fingerprint {
			continue
		}
		switch ev.Kind {
		case EventIntent:
			var e intentEvent
			if err := json.Unmarshal(ev.Data, &e); err != nil {
				return nil, fmt.Errorf("batch: ledger event %s: %w", ev.Kind, err)
			}
			p := &part{Round: e.Round, Part: e.Part, Requests: e.Requests}
			byKey[partKey{e.Round, e.Part}] = p
			j.parts = append(j.parts, p)
			j.maxRound = max(j.maxRound, e.Round)
		case EventUploaded:
			var e uploadedEvent
			if json.Unmarshal(ev.Data, &e) == nil {
				if p := byKey[partKey{e.Round, e.Part}]; p != nil {
					p.FileID, p.UploadedAt = e.FileID, ev.Time
				}
			}
		case EventSubmitted:
			var e submittedEvent
			if json.Unmarshal(ev.Data, &e) == nil {
				if p := byKey[partKey{e.Round, e.Part}]; p != nil {
					p.FileID, p.BatchID, p.SubmittedAt = e.FileID, e.BatchID, ev.Time
					byBatch[e.BatchID] = p
				}
			}
		case EventPending:
			var e pendingEvent
			if json.Unmarshal(ev.Data, &e) == nil {
				j.pending[docKey{e.ID, e.Hash}] = e.State
			}
		case EventFinished:
			var e finishedEvent
			if json.Unmarshal(ev.Data, &e) == nil {
				if p := byBatch[e.BatchID]; p != nil {
					p.Finished, p.Status = true, e.Status
				}
			}
		}
	}
	return j, nil
}
