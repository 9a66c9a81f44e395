package docextract

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/schema"
)

func TestAttemptErrors(t *testing.T) {
	tests := []struct {
		name     string
		attempts []extract.Attempt
		want     []string
	}{
		{"first answer valid", []extract.Attempt{{Status: "completed"}}, nil},
		{"re-asked once", []extract.Attempt{
			{Status: "completed", Errors: []*schema.FieldError{{Pointer: "/total", Message: "must be >= 0"}, {Pointer: "/currency", Message: "not allowed", Allowed: "EUR, USD"}}},
			{Status: "completed"},
		}, []string{"attempt 1: /total: must be >= 0; /currency: not allowed (allowed: EUR, USD)"}},
		{"failures", []extract.Attempt{
			{Status: "incomplete", Err: "extract: answer cut off at max_output_tokens"},
			{Status: "completed", Errors: []*schema.FieldError{{Message: "expected object"}}},
		}, []string{"attempt 1: extract: answer cut off at max_output_tokens", "attempt 2: /: expected object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, AttemptErrors(tt.attempts)); diff != "" {
				t.Errorf("AttemptErrors (-want +got):\n%s", diff)
			}
		})
	}
}
