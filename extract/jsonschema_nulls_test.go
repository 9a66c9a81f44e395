package extract

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/seed0611af48/quarry/schema"
)

func TestDropNulls(t *testing.T) {
	tests := []struct {
		name, schema, value, want string
	}{
		{"optional null dropped, required kept", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":["string","null"]}},"required":["b"]}`,
			`{"a":null,"b":null}`, `{"b":null}`},
		{"through $ref and items", `{"type":"object","properties":{"l":{"type":"array","items":{"$ref":"#/$defs/L"}}},"$defs":{"L":{"type":"object","properties":{"x":{},"y":{}},"required":["y"]}}}`,
			`{"l":[{"x":null,"y":null},{"x":1,"y":2}]}`, `{"l":[{"y":null},{"x":1,"y":2}]}`},
		{"properties beside anyOf", `{"type":"object","properties":{"a":{},"b":{}},"required":["a"],"anyOf":[{"required":["a"]},{"required":["b"]}]}`,
			`{"a":null,"b":null}`, `{"a":null}`},
		{"unknown property: every null dropped", `{"type":"object","properties":{"o":{"type":"object"}}}`,
			`{"z":{"k":null,"m":1},"o":{"k":null}}`, `{"z":{"m":1},"o":{}}`},
		{"required but not a property", `{"type":"object","required":["k"]}`, `{"k":null}`, `{"k":null}`},
		{"unresolvable $ref", `{"$ref":"#/$defs/none"}`, `{"k":null}`, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := schema.ParseModel([]byte(tt.schema))
			if err != nil {
				t.Fatal(err)
			}
			var v, want any
			if err := json.Unmarshal([]byte(tt.value), &v); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, dropNulls(v, m)); d != "" {
				t.Errorf("dropNulls (-want +got):\n%s", d)
			}
		})
	}
}

func TestWrappedKey(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"object root", `{"type":"object","properties":{"value":{"type":"string"}}}`, ""},
		{"properties without type", `{"properties":{"items":{"type":"string"}}}`, ""},
		{"array root", `{"type":"array","items":{"type":"string"}}`, "items"},
		{"string root", `{"type":"string"}`, "value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			strict, _, err := schema.Strictify([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			m, err := schema.ParseModel([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := wrappedKey(m, strict); got != tt.want {
				t.Errorf("wrappedKey = %q, want %q", got, tt.want)
			}
		})
	}
}
