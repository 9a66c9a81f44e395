package review_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source"
	"github.com/seed0611af48/quarry/review"
)

func ExampleBuild() {
	dir, err := os.MkdirTemp("", "review-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A one-document run: the document, and its outcome in a ledger with
	// evidence for each value, the total unsupported by its quote.
	text := "Invoice INV-7\nTotal: 1,429.96 EUR\n"
	path := filepath.Join(dir, "inv.txt")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	docs, err := source.Open(ctx, []string{path}, source.Options{})
	if err != nil {
		log.Fatal(err)
	}
	var doc pipeline.Document
	for d := range docs {
		doc = d
	}
	ev, _ := json.Marshal([]evidence.Item{
		{Pointer: "/number", Value: json.RawMessage(`"INV-7"`), Quote: "INV-7", Start: 8, End: 13, Match: evidence.MatchExact, Score: 1, Verdict: evidence.Supported},
		{Pointer: "/total", Value: json.RawMessage(`1492.96`), Quote: "1,429.96", Start: 21, End: 29, Match: evidence.MatchExact, Score: 1,
			Verdict: evidence.Unsupported, Reason: "the quote does not contain the value"},
	})
	runDir := filepath.Join(dir, "run")
	ledger, err := pipeline.OpenLedger(runDir)
	if err != nil {
		log.Fatal(err)
	}
	o := &pipeline.Outcome{ID: doc.ID, Hash: doc.Hash(), Status: pipeline.StatusOK, Source: doc.Source, Attempts: 1,
		Value: json.RawMessage(`{"number":"INV-7","total":1492.96}`), Evidence: ev}
	if err := ledger.Append(o); err != nil {
		log.Fatal(err)
	}
	ledger.Close()

	// The page: here discarded; write it to a file and open it in a browser.
	stats, err := review.Build(ctx, io.Discard, runDir, review.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d document, %d values: %d supported, %d unsupported\n",
		stats.Documents, stats.Fields, stats.Counts.Supported, stats.Counts.Unsupported)
	// Output:
	// 1 document, 2 values: 1 supported, 1 unsupported
}
