package schema_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/schema"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		spec string
		want string // compact JSON of "properties"
		req  []string
	}{
		{"vendor, total number", `{"vendor":{"type":"string"},"total":{"type":"number"}}`, []string{"vendor", "total"}},
		{"issue_date date: ISO date, n int", `{"issue_date":{"description":"ISO date","type":"string","format":"date"},"n":{"type":"integer"}}`, []string{"issue_date", "n"}},
		{"note?, ok bool?", `{"note":{"type":"string"},"ok":{"type":"boolean"}}`, nil},
		{"status (open|closed)", `{"status":{"type":"string","enum":["open","closed"]}}`, []string{"status"}},
		{"tags []string", `{"tags":{"type":"array","items":{"type":"string"}}}`, []string{"tags"}},
		{`d: "a, b", e`, `{"d":{"description":"a, b","type":"string"},"e":{"type":"string"}}`, []string{"d", "e"}},
		{"addr {city, zip?}", `{"addr":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"string"}},"required":["city"],"additionalProperties":false}}`, []string{"addr"}},
		{"lines [q int, p number]", `{"lines":{"type":"array","items":{"type":"object","properties":{"q":{"type":"integer"},"p":{"type":"number"}},"required":["q","p"],"additionalProperties":false}}}`, []string{"lines"}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			doc, err := schema.ParseSpec(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Properties json.RawMessage `json:"properties"`
				Required   []string        `json:"required"`
			}
			if err := json.Unmarshal(doc, &got); err != nil {
				t.Fatal(err)
			}
			var compact = func(s []byte) string {
				var v json.RawMessage
				_ = json.Unmarshal(s, &v)
				out, _ := json.Marshal(v)
				return string(out)
			}
			if compact(got.Properties) != tt.want {
				t.Errorf("properties\n got %s\nwant %s", compact(got.Properties), tt.want)
			}
			if len(got.Required) != len(tt.req) {
				t.Errorf("required = %v, want %v", got.Required, tt.req)
			}
		})
	}
}

func TestParseSpecErrors(t *testing.T) {
	for _, spec := range []string{"", "a b c", "a {", "a [", "a (x", "a money", "a, a", "a []money", "a {}", ",", "a ()"} {
		t.Run(spec, func(t *testing.T) {
			_, err := schema.ParseSpec(spec)
			var se *schema.SpecError
			if !errors.As(err, &se) {
				t.Errorf("err = %v, want *SpecError", err)
			}
		})
	}
}

// TestParseSpecTypeAsDescription: "total: int" reads as a string field
// described as "int", a mistake in the user's types that no answer reveals;
// it is an error naming the fix, before any request. Before, it parsed.
func TestParseSpecTypeAsDescription(t *testing.T) {
	tests := []struct {
		spec string
		want string // in the error; "" means the spec parses
	}{
		{"vendor, total: int", `write "total int"`},
		{"vendor, total: number", `write "total number"`},
		{"issued: date", `write "issued date"`},
		{"total: float64", `write "total number"`},
		{"n: int64", `write "n int"`},
		{"at: time.Time", `write "at datetime"`},
		{"a {b: bool}", `write "b bool"`},
		{"vendor: string", ""},                // a string either way
		{`total: "int"`, ""},                  // quoted: the words are meant
		{"total number: int", ""},             // typed already
		{"kind (int|float): int", ""},         // an enum
		{"total: number of items", ""},        // a description
		{"total: the invoice's int part", ""}, // a description
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			_, err := schema.ParseSpec(tt.spec)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			var se *schema.SpecError
			if !errors.As(err, &se) || !strings.Contains(se.Msg, tt.want) {
				t.Fatalf("err = %v, want a *SpecError containing %q", err, tt.want)
			}
		})
	}
}

// TestParseSpecNeedsNoChange: a spec's schema is strict already but for what
// Strictify must do (optional fields made nullable); before, it carried a
// "$schema" whose removal every dry run and "quarry schema" reported.
func TestParseSpecNeedsNoChange(t *testing.T) {
	doc, err := schema.ParseSpec("vendor, total number, lines [q int]")
	if err != nil {
		t.Fatal(err)
	}
	_, changes, err := schema.Strictify(doc)
	if err != nil || len(changes) > 0 {
		t.Errorf("Strictify: changes %v, err %v; want none", changes, err)
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"vendor, total number", "a {b [c int, d (x|y)]}, e? []date: \"q\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		doc, err := schema.ParseSpec(spec)
		if err == nil && !json.Valid(doc) {
			t.Fatalf("invalid JSON for %q", spec)
		}
	})
}
