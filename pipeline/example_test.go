package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
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

// An executor of your own — here one that does the documents one after
// the other, last first, and delivers them in input order — is built on an
// Execution: the ledger, sinks, totals and run.json work as in Run.
func ExampleExecution() {
	dir, _ := os.MkdirTemp("", "quarry-exec")
	defer os.RemoveAll(dir)
	ledger, err := pipeline.OpenLedger(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ledger.Close()
	var docs []pipeline.Document
	for doc := range textDocs("one two", "", "three") {
		docs = append(docs, doc)
	}
	docs = append(docs, pipeline.Document{ID: "broken.pdf", Err: errors.New("not a PDF")})

	for run := 1; run <= 2; run++ {
		fmt.Println("run", run)
		e, err := pipeline.Begin(pipeline.Options{Ledger: ledger, Fingerprint: "v1", Sinks: []pipeline.Sink{printSink{}}})
		if err != nil {
			fmt.Println(err)
			return
		}
		outcomes := make([]*pipeline.Outcome, len(docs))
		results := make([]*pipeline.Result, len(docs))
		for i := len(docs) - 1; i >= 0; i-- {
			o, done := e.Outcome(int64(i), &docs[i])
			if !done {
				res := countWords(context.Background(), docs[i])
				e.Bind(o, &res)
				results[i] = &res
			}
			if err := e.Record(o); err != nil { // as soon as it is known
				fmt.Println(err)
			}
			outcomes[i] = o
		}
		for i, o := range outcomes {
			if err := e.Emit(o, results[i]); err != nil {
				fmt.Println(err)
			}
		}
		if _, err := e.End(nil); err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// run 1
	// 0 notes.txt#row=1 ok {"words":2}
	// 1 notes.txt#row=2 invalid (empty document)
	// 2 notes.txt#row=3 ok {"words":1}
	// 3 broken.pdf error (not a PDF)
	// done: 4 documents, 2 ok
	// run 2
	// 0 notes.txt#row=1 skipped {"words":2} (done in an earlier run: ok)
	// 1 notes.txt#row=2 skipped (done in an earlier run: invalid: empty document)
	// 2 notes.txt#row=3 skipped {"words":1} (done in an earlier run: ok)
	// 3 broken.pdf skipped (done in an earlier run: error: not a PDF)
	// done: 4 documents, 0 ok
}
