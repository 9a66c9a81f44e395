package simulated

import (
	"context"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
)

// TestModelKeepsLittle: over many requests the Model keeps no request and
// parses the schema once.
func TestModelKeepsLittle(t *testing.T) {
	m := New(Options{})
	defer m.Close()
	client := openai.NewClient(option.WithBaseURL(m.URL), option.WithAPIKey("simulated"))
	spec, _, err := extract.JSONSchema("x", []byte(`{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		ex := &extract.Extractor{Client: m.For(&client.Responses, Doc{Source: "d", Row: i})}
		if _, _, err := ex.Extract(context.Background(), spec, extract.Text("x")); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(m.Requests()) + len(m.Billed()); n != 0 {
		t.Errorf("the server kept %d requests", n)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if n := len(m.schemas); n != 1 {
		t.Errorf("%d parsed schemas, want 1", n)
	}
}
