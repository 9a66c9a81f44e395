package batch

import (
	"bytes"
	"errors"
	"net/http"
	"testing"

	"github.com/openai/openai-go/v3"

	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// batchLists counts the GET /v1/batches requests s received.
func batchLists(s *extracttest.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == http.MethodGet && r.Path == "/v1/batches" {
			n++
		}
	}
	return n
}

// addForeignBatches creates n batches from another input file, newer than
// the run's, so that FindBatch has to page past them.
func addForeignBatches(t *testing.T, s *extracttest.Server, n int) {
	t.Helper()
	if n == 0 {
		return
	}
	client := newClient(s)
	line := `{"custom_id":"x","method":"POST","url":"/v1/responses","body":{"model":"gpt-4.1-mini","input":"doc 0"}}` + "\n"
	f, err := client.Files.New(t.Context(), openai.FileNewParams{
		File:    openai.File(bytes.NewReader([]byte(line)), "other.jsonl", "application/jsonl"),
		Purpose: openai.FilePurposeBatch,
	})
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		if _, err := client.Batches.New(t.Context(), openai.BatchNewParams{
			InputFileID:      f.ID,
			Endpoint:         openai.BatchNewParamsEndpointV1Responses,
			CompletionWindow: openai.BatchNewParamsCompletionWindow24h,
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFindBatch runs the real NewAPI FindBatch against extracttest's batch
// list: a run killed after creating its batch adopts it on the next run, and
// one killed before creating it creates exactly one.
func TestFindBatch(t *testing.T) {
	tests := []struct {
		name    string
		killAt  string
		foreign int // batches of another file created after the kill
		created int // batches the run itself creates, in all
	}{
		{"killed after create", "create returned", 0, 1},
		{"killed after create, behind other batches", "create returned", 25, 1},
		{"killed after upload", EventUploaded, 0, 1},
		{"killed after upload, behind other batches", EventUploaded, 25, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, handler(nil))
			_, _, err := f.run(t, t.Context(), docs(10), Options{hook: func(kind string) error {
				if kind == tt.killAt {
					return errKilled
				}
				return nil
			}})
			if !errors.Is(err, errKilled) {
				t.Fatal(err)
			}
			addForeignBatches(t, f.s, tt.foreign)
			lists := batchLists(f.s)

			sink, _, err := f.run(t, t.Context(), docs(10), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := f.s.BatchesCreated() - tt.foreign; got != tt.created || f.s.Uploads() != 1+min(tt.foreign, 1) {
				t.Errorf("batches created by the run %d, want %d; uploads %d", got, tt.created, f.s.Uploads())
			}
			if batchLists(f.s) == lists {
				t.Error("the rerun did not list batches")
			}
			if n := len(sink.outcomes()); n != 10 {
				t.Errorf("%d outcomes, want 10", n)
			}
			for _, o := range sink.outcomes() {
				if o.Status != pipeline.StatusOK {
					t.Errorf("%s: %s", o.ID, o.Status)
				}
			}
		})
	}
}
