package batch

import (
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// TestRunFailedBatchNotRecorded: a failed batch ran none of its requests
// (say, the enqueued-token limit was reached); its documents are reported
// but not recorded, so the next run submits them again.
func TestRunFailedBatchNotRecorded(t *testing.T) {
	f := newFixture(t, handler(nil))
	f.s.SetBatchTimeline(extracttest.BatchTimeline{Outcome: extracttest.BatchFailed,
		FailCode: "token_limit_exceeded", FailMessage: "Enqueued token limit reached"})
	const n = 5
	sink, _, err := f.run(t, t.Context(), docs(n), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range sink.outcomes() {
		if o.Status != pipeline.StatusError || !strings.Contains(o.Reason, "token_limit_exceeded") {
			t.Errorf("%s: %s %q", o.ID, o.Status, o.Reason)
		}
	}
	f.s.SetBatchTimeline(extracttest.BatchTimeline{})
	sink, _, err = f.run(t, t.Context(), docs(n), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range sink.outcomes() {
		if o.Status != pipeline.StatusOK {
			t.Errorf("rerun %s: %s %q", o.ID, o.Status, o.Reason)
		}
	}
	if b := f.s.BatchesCreated(); b != 2 {
		t.Errorf("%d batches created, want 2", b)
	}
}
