package extract_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/extract"
)

// TestJSONSchemaAnswerFaults: an answer to a JSON Schema spec is read as
// strictly as one decoded into a Go type. Before answerFaults, a repeated key
// and a number beyond float64 passed the validator (it sees the last key, and
// 1e400 is a number) and reached the outputs as written.
func TestJSONSchemaAnswerFaults(t *testing.T) {
	spec, _, err := extract.JSONSchema("inv", []byte(`{"type":"object","properties":{
		"vendor":{"type":"string"},"total":{"type":"number"},
		"lines":{"type":"array","items":{"type":"object","properties":{"qty":{"type":"integer"}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, answer string
		ptrs         []string
		msg          string // in the first error
	}{
		{"valid", `{"vendor":"x","total":1.5,"lines":[{"qty":2}]}`, nil, ""},
		{"repeated key", `{"vendor":"x","vendor":"y","total":1,"lines":[]}`, []string{"/vendor"}, "duplicate key"},
		{"repeated key in a list item", `{"vendor":"x","total":1,"lines":[{"qty":1},{"qty":2,"qty":3}]}`, []string{"/lines/1/qty"}, "duplicate key"},
		{"number beyond float64", `{"vendor":"x","total":1e400,"lines":[]}`, []string{"/total"}, "1e400 is out of range"},
		{"negative number beyond float64", `{"vendor":"x","total":-2e308,"lines":[]}`, []string{"/total"}, "out of range"},
		{"integer beyond float64", `{"vendor":"x","total":1,"lines":[{"qty":1e999}]}`, []string{"/lines/0/qty"}, "out of range"},
		{"not JSON", `{"vendor":"x",`, []string{""}, "not valid JSON"},
		{"trailing data", `{"vendor":"x","total":1,"lines":[]} {}`, []string{""}, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := spec.Check([]byte(tt.answer))
			var ptrs []string
			for _, e := range errs {
				ptrs = append(ptrs, e.Pointer)
			}
			if !slices.Equal(ptrs, tt.ptrs) {
				t.Fatalf("errors at %q, want %q (%v)", ptrs, tt.ptrs, errs)
			}
			if tt.msg != "" && !strings.Contains(errs[0].Message, tt.msg) {
				t.Errorf("message %q, want it to contain %q", errs[0].Message, tt.msg)
			}
		})
	}
}
