package batch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"

	"github.com/seed0611af48/quarry/pipeline"
)

// listingAPI adds the batch list that extracttest lacks: FindBatch finds
// the batches created through it.
type listingAPI struct {
	API
	mu      sync.Mutex
	byFile  map[string]*openai.Batch
	creates int
}

func (a *listingAPI) CreateBatch(ctx context.Context, fileID string, md map[string]string) (*openai.Batch, error) {
	b, err := a.API.CreateBatch(ctx, fileID, md)
	if err == nil {
		a.mu.Lock()
		a.byFile[fileID] = b
		a.creates++
		a.mu.Unlock()
	}
	return b, err
}

func (a *listingAPI) FindBatch(_ context.Context, fileID string, _ time.Time) (*openai.Batch, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.byFile[fileID], nil
}

// TestRunKilledAfterCreate: the batch was created but its ID not recorded;
// the next run finds it by its input file instead of creating another.
func TestRunKilledAfterCreate(t *testing.T) {
	f := newFixture(t, handler(nil))
	api := &listingAPI{API: NewAPI(newClient(f.s)), byFile: map[string]*openai.Batch{}}
	_, _, err := f.run(t, t.Context(), docs(10), Options{API: api, hook: func(kind string) error {
		if kind == "create returned" {
			return errKilled
		}
		return nil
	}})
	if !errors.Is(err, errKilled) {
		t.Fatal(err)
	}
	sink, _, err := f.run(t, t.Context(), docs(10), Options{API: api})
	if err != nil {
		t.Fatal(err)
	}
	if f.s.BatchesCreated() != 1 || f.s.Uploads() != 1 || len(sink.outcomes()) != 10 {
		t.Errorf("batches %d, uploads %d, outcomes %d", f.s.BatchesCreated(), f.s.Uploads(), len(sink.outcomes()))
	}
	for _, o := range sink.outcomes() {
		if o.Status != pipeline.StatusOK {
			t.Errorf("%s: %s", o.ID, o.Status)
		}
	}
}

// TestRunUnreadableRecord: a recorded line that cannot be read back is
// extracted again, and its answer, read in the next round, is delivered
// and recorded (the later rounds look at the documents in flight, not at
// the ledger, which lists the document as recorded).
func TestRunUnreadableRecord(t *testing.T) {
	f := newFixture(t, handler(nil))
	var target pipeline.Document
	for d := range docs(10) {
		if d.ID == "doc-0003" {
			target = d
		}
	}
	line := fmt.Sprintf(`{"id":"doc-0003","hash":%q,"fingerprint":"fp-1","status":"ok","usage":"not an object"}`+"\n", target.Hash())
	if err := os.WriteFile(filepath.Join(f.dir, pipeline.LedgerFile), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	sink, tot, err := f.run(t, t.Context(), docs(10), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := byID(t, sink.outcomes())
	if len(got) != 10 || got["doc-0003"].Status != pipeline.StatusOK || tot.ByStatus[pipeline.StatusOK] != 10 {
		t.Errorf("%d outcomes, doc-0003 %q, totals %v; want 10, all ok", len(got), got["doc-0003"].Status, tot.ByStatus)
	}
	sink, _, err = f.run(t, t.Context(), docs(10), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if o := byID(t, sink.outcomes())["doc-0003"]; o.Status != pipeline.StatusSkipped || o.EarlierStatus != pipeline.StatusOK {
		t.Errorf("second run: doc-0003 %s (earlier %s), want skipped, recorded ok", o.Status, o.EarlierStatus)
	}
}
