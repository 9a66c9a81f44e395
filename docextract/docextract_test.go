package docextract

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

func TestStatus(t *testing.T) {
	tests := []struct {
		err  error
		want pipeline.Status
	}{
		{nil, pipeline.StatusOK},
		{fmt.Errorf("x: %w", extract.ErrInvalid), pipeline.StatusInvalid},
		{fmt.Errorf("x: %w", extract.ErrRefused), pipeline.StatusRefused},
		{fmt.Errorf("x: %w", extract.ErrIncomplete), pipeline.StatusIncomplete},
		{fmt.Errorf("x: %w", extract.ErrContentFilter), pipeline.StatusIncomplete},
		{errors.New("boom"), pipeline.StatusError},
	}
	for _, tt := range tests {
		if got := Status(tt.err); got != tt.want {
			t.Errorf("Status(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

func TestResult(t *testing.T) {
	res := &extract.Result{Attempts: make([]extract.Attempt, 2), Usage: extract.Usage{InputTokens: 10, OutputTokens: 3}, Model: "m", ResponseIDs: []string{"r1", "r2"}, Requests: 2}
	r := Result([]byte(`{"a":1}`), res, nil)
	if r.Status != pipeline.StatusOK || string(r.Value) != `{"a":1}` || r.Attempts != 2 || r.Usage.InputTokens != 10 || r.Model != "m" || len(r.ResponseIDs) != 2 || r.Requests != 2 {
		t.Errorf("ok result: %+v", r)
	}
	r = Result([]byte(`{"a":1}`), res, fmt.Errorf("x: %w", extract.ErrInvalid))
	if r.Status != pipeline.StatusInvalid || r.Value != nil || !strings.Contains(r.Reason, "x: ") {
		t.Errorf("invalid result: %+v", r)
	}
}

// TestJobClient: each document gets the client Job.Client returns for it,
// and a document over the context window is not sent.
func TestJobClient(t *testing.T) {
	var got []string
	spec, _, err := extract.JSONSchema("x", []byte(`{"type":"object","properties":{"a":{"type":"string"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	job := &Job{Extractor: &extract.Extractor{Model: "gpt-4o"}, Spec: spec,
		Client: func(doc *pipeline.Document, base extract.Client) extract.Client {
			got = append(got, doc.ID)
			return nil // never called: the document is too large
		}}
	big := pipeline.Document{ID: "big", Parts: []pipeline.Part{{Kind: pipeline.PartText, Text: strings.Repeat("x", 4*130_000)}}}
	r := job.Func()(context.Background(), big)
	if r.Status != pipeline.StatusError || !strings.Contains(r.Reason, "context window of gpt-4o") {
		t.Errorf("big document: %+v", r)
	}
	if len(got) != 0 {
		t.Errorf("client asked for %v", got)
	}
	if ex := job.For(&pipeline.Document{ID: "a"}); ex == job.Extractor || len(got) != 1 || got[0] != "a" {
		t.Errorf("For: same extractor or client not asked (%v)", got)
	}
}

// TestInputsKeepMIMEType: an image's MIME type from the source reaches
// the request, whatever its bytes look like.
func TestInputs(t *testing.T) {
	doc := &pipeline.Document{Parts: []pipeline.Part{
		{Kind: pipeline.PartText, Text: "t"},
		{Kind: pipeline.PartImage, Data: []byte("not sniffable"), MIMEType: "image/png"},
		{Kind: pipeline.PartPDF, Data: []byte("%PDF-1.4"), Filename: "a.pdf"},
	}}
	in := Inputs(doc)
	if len(in) != 3 {
		t.Fatalf("%d inputs", len(in))
	}
	spec, _, err := extract.JSONSchema("x", []byte(`{"type":"object","properties":{"a":{"type":"string"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := (&extract.Extractor{}).NewCall(spec, in...)
	if err != nil {
		t.Fatal(err)
	}
	body, err := c.Body()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"input_text"`, `"data:image/png;base64,`, `"filename":"a.pdf"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("request lacks %s: %s", want, body)
		}
	}
}
