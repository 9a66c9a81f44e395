package batch_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/batch"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/schema"
)

type Invoice struct {
	Number string  `json:"number"`
	Total  float64 `json:"total" validate:"gte=0"`
}

type printSink struct{}

func (printSink) Write(o *pipeline.Outcome) error {
	fmt.Printf("%s %s %s (attempts %d)\n", o.ID, o.Status, o.Value, o.Attempts)
	return nil
}
func (printSink) Close(*pipeline.RunInfo) error { return nil }

// Run a batch job against the fake API: the second invoice's first answer
// is invalid (a negative total), so it is re-asked in a second batch.
func ExampleRun() {
	s := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		switch text := r.InputText(); {
		case strings.Contains(text, "INV-2") && !strings.Contains(text, "does not pass validation"):
			return extracttest.JSON(Invoice{Number: "INV-2", Total: -5})
		case strings.Contains(text, "INV-2"):
			return extracttest.JSON(Invoice{Number: "INV-2", Total: 5})
		}
		return extracttest.JSON(Invoice{Number: "INV-1", Total: 12.5})
	})
	defer s.Close()
	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"))

	sch, _ := schema.For[Invoice]()
	spec := extract.Spec{Name: sch.Name, Schema: sch.JSON, Check: func(answer []byte) []*schema.FieldError {
		var v Invoice
		return extract.Decode(sch, answer, &v)
	}}
	dir, _ := os.MkdirTemp("", "quarry-example")
	defer os.RemoveAll(dir)
	ledger, _ := pipeline.OpenLedger(dir)
	defer ledger.Close()

	src := func(yield func(pipeline.Document) bool) {
		for _, n := range []string{"INV-1", "INV-2"} {
			doc := pipeline.Document{ID: n + ".txt", Parts: []pipeline.Part{{Kind: pipeline.PartText, Text: "Invoice " + n}}}
			if !yield(doc) {
				return
			}
		}
	}
	totals, err := batch.Run(context.Background(), src, batch.Job{
		Extractor:   &extract.Extractor{Model: "gpt-4.1-mini"},
		Spec:        spec,
		Ledger:      ledger,
		Fingerprint: pipeline.Fingerprint("gpt-4.1-mini", string(sch.JSON)),
		Sinks:       []pipeline.Sink{printSink{}},
	}, batch.Options{
		API:     batch.NewAPI(&client),
		TempDir: dir,
		Sleep:   func(context.Context, time.Duration) error { return nil }, // the fake moves on each poll
	})
	fmt.Println(totals.ByStatus, err, s.Uploads(), "uploads,", s.BatchesCreated(), "batches")
	// Output:
	// INV-1.txt ok {"number":"INV-1","total":12.5} (attempts 1)
	// INV-2.txt ok {"number":"INV-2","total":5} (attempts 2)
	// map[ok:2] <nil> 2 uploads, 2 batches
}
