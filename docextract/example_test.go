package docextract_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// A Job's Func is the per-document function a pipeline run calls.
func ExampleJob() {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Text(`{"vendor":"Acme"}`))
	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"))

	spec, _, err := extract.JSONSchema("invoice", []byte(`{"type":"object","properties":{"vendor":{"type":"string"}}}`))
	if err != nil {
		panic(err)
	}
	job := &docextract.Job{Extractor: &extract.Extractor{Client: &client.Responses}, Spec: spec}
	doc := pipeline.Document{ID: "a.txt", Parts: []pipeline.Part{{Kind: pipeline.PartText, Text: "Invoice from Acme"}}}
	r := job.Func()(context.Background(), doc)
	fmt.Println(r.Status, string(r.Value))
	// Output: ok {"vendor":"Acme"}
}

// Result maps extract's errors to pipeline statuses.
func ExampleStatus() {
	fmt.Println(docextract.Status(nil))
	fmt.Println(docextract.Status(fmt.Errorf("answer: %w", extract.ErrRefused)))
	fmt.Println(docextract.Status(errors.New("connection reset")))
	// Output:
	// ok
	// refused
	// error
}
