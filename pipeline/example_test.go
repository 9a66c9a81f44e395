package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/seed0611af48/quarry/pipeline"
)

// printSink prints each outcome as it arrives.
type printSink struct{}

func (printSink) Write(o *pipeline.Outcome) error {
	line := fmt.Sprintf("%d %s %s", o.Seq, o.ID, o.Status)
	if len(o.Value) > 0 {
		line += " " + string(o.Value)
	}
	if o.Reason != "" {
		line += " (" + o.Reason + ")"
	}
	fmt.Println(line)
	return nil
}

func (printSink) Close(info *pipeline.RunInfo) error {
	fmt.Printf("done: %d documents, %d ok\n", info.Totals.Documents, info.Totals.ByStatus[pipeline.StatusOK])
	return nil
}

func textDocs(texts ...string) func(func(pipeline.Document) bool) {
	return func(yield func(pipeline.Document) bool) {
		for i, t := range texts {
			doc := pipeline.Document{ID: fmt.Sprintf("notes.txt#row=%d", i+1), Parts: []pipeline.Part{{Kind: pipeline.PartText, Text: t}}}
			if !yield(doc) {
				return
			}
		}
	}
}

// countWords stands in for an extraction call.
func countWords(ctx context.Context, doc pipeline.Document) pipeline.Result {
	text := doc.Parts[0].Text
	if text == "" {
		return pipeline.Result{Status: pipeline.StatusInvalid, Reason: "empty document"}
	}
	v, _ := json.Marshal(map[string]int{"words": len(strings.Fields(text))})
	return pipeline.Result{Status: pipeline.StatusOK, Value: v}
}

func ExampleRun() {
	src := textDocs("the quick brown fox", "", "jumps over")
	_, err := pipeline.Run(context.Background(), src, countWords, pipeline.Options{
		Sinks: []pipeline.Sink{printSink{}},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// 0 notes.txt#row=1 ok {"words":4}
	// 1 notes.txt#row=2 invalid (empty document)
	// 2 notes.txt#row=3 ok {"words":2}
	// done: 3 documents, 2 ok
}

// A second run of the same job skips what the ledger holds, and still
// delivers the recorded values.
func ExampleOpenLedger() {
	dir, _ := os.MkdirTemp("", "quarry-ledger")
	defer os.RemoveAll(dir)
	job := pipeline.Fingerprint("model", `{"type":"object"}`, "count the words")

	for run := 1; run <= 2; run++ {
		ledger, err := pipeline.OpenLedger(dir)
		if err != nil {
			fmt.Println(err)
			return
		}
		calls := 0
		fn := func(ctx context.Context, doc pipeline.Document) pipeline.Result {
			calls++
			return countWords(ctx, doc)
		}
		totals, _ := pipeline.Run(context.Background(), textDocs("one two", "three"), fn, pipeline.Options{
			Concurrency: 1, Ledger: ledger, Fingerprint: job,
		})
		ledger.Close()
		fmt.Printf("run %d: %d calls, %d ok, %d skipped\n", run, calls, totals.ByStatus[pipeline.StatusOK], totals.ByStatus[pipeline.StatusSkipped])
	}
	for o, err := range pipeline.ReadLedger(dir) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(o.ID, string(o.Value))
	}
	// Output:
	// run 1: 2 calls, 2 ok, 0 skipped
	// run 2: 0 calls, 0 ok, 2 skipped
	// notes.txt#row=1 {"words":2}
	// notes.txt#row=2 {"words":1}
}

func ExampleParseRateHeaders() {
	h := map[string][]string{
		"X-Ratelimit-Limit-Requests":     {"500"},
		"X-Ratelimit-Remaining-Requests": {"0"},
		"X-Ratelimit-Reset-Requests":     {"6m0s"},
		"Retry-After-Ms":                 {"1500"},
	}
	ri := pipeline.ParseRateHeaders(h, 429)
	fmt.Println(ri.Status, ri.LimitRequests, ri.RemainingRequests, ri.ResetRequests, ri.RetryAfter, ri.RemainingTokens)
	// Output:
	// 429 500 0 6m0s 1.5s -1
}
