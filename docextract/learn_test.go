package docextract

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// TestJobLearnsOnce: a run whose documents each get their own client (as
// --background and --mock do) learns a refused parameter once for the run,
// not once per document.
func TestJobLearnsOnce(t *testing.T) {
	spec, _, err := extract.JSONSchema("x", []byte(`{"type":"object","properties":{"a":{"type":"string"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, concurrency := range []int{1, 4} {
		t.Run(fmt.Sprint("concurrency ", concurrency), func(t *testing.T) {
			var refused atomic.Int64
			srv := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
				if bytes.Contains(r.Body, []byte(`"temperature"`)) {
					refused.Add(1)
					return extracttest.Status(400, "invalid_request_error", "unsupported_parameter",
						"Unsupported parameter: 'temperature' is not supported with this model.").WithParam("temperature")
				}
				return extracttest.Text(`{"a":"ok"}`)
			})
			defer srv.Close()
			client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("test"), option.WithMaxRetries(0))
			temp := 0.2
			job := &Job{Extractor: &extract.Extractor{Client: &client.Responses, Model: "gpt-4.1-mini", Temperature: &temp}, Spec: spec,
				Client: func(_ *pipeline.Document, base extract.Client) extract.Client { return base }}
			fn := job.Func()
			const docs = 24
			var wg sync.WaitGroup
			next := make(chan int)
			var bad atomic.Int64
			for range concurrency {
				wg.Go(func() {
					for i := range next {
						doc := pipeline.Document{ID: fmt.Sprint(i), Parts: []pipeline.Part{{Kind: pipeline.PartText, Text: "doc"}}}
						if r := fn(context.Background(), doc); r.Status != pipeline.StatusOK {
							bad.Add(1)
							t.Errorf("document %d: %s %s", i, r.Status, r.Reason)
						}
					}
				})
			}
			for i := range docs {
				next <- i
			}
			close(next)
			wg.Wait()
			// Only requests already in flight when the first refusal came
			// back can carry the parameter again.
			if n := refused.Load(); n < 1 || n > int64(concurrency) {
				t.Errorf("%d requests refused for temperature, want 1 to %d", n, concurrency)
			}
		})
	}
}
