package schema

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// describe writes a Model graph in a short form for comparison: types with
// "?" when nullable, then format, enum, properties ("*" when required),
// items, anyOf branches; a reference is "->" and the target, a reference
// already being written is "@ref".
func describe(n *Model, seen map[*Model]bool) string {
	if n == nil {
		return "nil"
	}
	if n.Ref != nil {
		if seen[n] {
			return "@ref"
		}
		seen[n] = true
		defer delete(seen, n)
		return "->" + describe(n.Ref, seen)
	}
	var b strings.Builder
	switch {
	case n.Types == nil:
		b.WriteString("any")
	case len(n.Types) == 0:
		b.WriteString("null")
	default:
		for i, t := range n.Types {
			if i > 0 {
				b.WriteByte('|')
			}
			b.WriteString(t.String())
		}
	}
	if n.Nullable {
		b.WriteByte('?')
	}
	if n.Format != "" {
		b.WriteString(" format=" + n.Format)
	}
	if n.Enum != nil {
		b.WriteString(" enum=")
		for i := range n.Enum {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(n.Enum[i].String())
		}
	}
	if n.Props != nil {
		b.WriteString(" {")
		for i, p := range n.Props {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(p.Name)
			if p.Required {
				b.WriteByte('*')
			}
			b.WriteString(": " + describe(p.Schema, seen))
		}
		b.WriteString("}")
	}
	if n.Items != nil {
		b.WriteString(" [" + describe(n.Items, seen) + "]")
	}
	if n.Alts != nil {
		b.WriteString(" anyOf(")
		for i, a := range n.Alts {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(describe(a, seen))
		}
		b.WriteString(")")
	}
	return b.String()
}

func TestParseModel(t *testing.T) {
	tests := []struct {
		name, schema, want string
	}{
		{"scalar types", `{"type":"object","properties":{"s":{"type":"string"},"n":{"type":"number"},"i":{"type":"integer"},"b":{"type":"boolean"}}}`,
			"object {s: string, n: number, i: integer, b: boolean}"},
		{"property order and required", `{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"string"}},"required":["a"]}`,
			"object {z: string, a*: string}"},
		{"nullable type list", `{"type":["string","null"],"format":"date"}`, "string? format=date"},
		{"only null", `{"type":"null"}`, "null?"},
		{"several types", `{"type":["integer","number"]}`, "integer|number"},
		{"unknown type name", `{"type":"decimal"}`, "other"},
		{"nothing said", `{"description":"x"}`, "any"},
		{"enum infers its type", `{"enum":["a","b",null]}`, `string? enum="a","b",null`},
		{"mixed enum says nothing", `{"enum":["a",1]}`, `any enum="a",1`},
		{"const", `{"const":3}`, "number enum=3"},
		{"properties infer object", `{"properties":{"a":{}}}`, "object {a: any}"},
		{"items infer array", `{"items":{"type":"string"}}`, "array [string]"},
		{"array without items", `{"type":"array"}`, "array"},
		{"anyOf with null", `{"anyOf":[{"type":"string"},{"type":"null"}]}`, "any? anyOf(string)"},
		{"oneOf of two", `{"oneOf":[{"type":"string"},{"type":"number"}]}`, "any anyOf(string, number)"},
		{"anyOf of null only", `{"anyOf":[{"type":"null"}]}`, "any? anyOf()"},
		{"$defs reference", `{"type":"object","properties":{"l":{"type":"array","items":{"$ref":"#/$defs/Line"}}},"$defs":{"Line":{"type":"object","properties":{"q":{"type":"integer"}}}}}`,
			"object {l: array [->object {q: integer}]}"},
		{"escaped pointer", `{"$ref":"#/$defs/a~1b","$defs":{"a/b":{"type":"string"}}}`, "->string"},
		{"recursion", `{"$ref":"#/$defs/N","$defs":{"N":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/N"}}}}}}`,
			"->object {kids: array [@ref]}"},
		{"root reference", `{"type":"object","properties":{"self":{"$ref":"#"}}}`, "object {self: ->object {self: @ref}}"},
		{"unresolvable reference", `{"$ref":"#/$defs/missing"}`, "any"},
		{"remote reference", `{"$ref":"http://example.com/s.json"}`, "any"},
		{"repeated property", `{"properties":{"a":{"type":"string"},"b":{},"a":{"type":"integer"}}}`, "object {a: integer, b: any}"},
		{"boolean schema", `{"type":"object","properties":{"a":true}}`, "object {a: any}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseModel([]byte(tt.schema))
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(n, map[*Model]bool{}); got != tt.want {
				t.Errorf("ParseModel(%s)\n got %s\nwant %s", tt.schema, got, tt.want)
			}
		})
	}
}

func TestParseModelErrors(t *testing.T) {
	for _, in := range []string{``, `[]`, `"x"`, `{"a":`, `{} {}`} {
		if _, err := ParseModel([]byte(in)); !errors.Is(err, ErrModel) {
			t.Errorf("ParseModel(%q) = %v, want ErrModel", in, err)
		}
	}
}

func TestModelResolve(t *testing.T) {
	// A cycle of bare references resolves to an empty Model.
	n, err := ParseModel([]byte(`{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if r := n.Resolve(); r.Ref != nil || r.Types != nil {
		t.Errorf("Resolve of a reference cycle = %+v, want an empty Model", r)
	}
	var nilNode *Model
	if nilNode.Resolve() == nil {
		t.Error("Resolve of nil is nil")
	}
}

func TestModelDeep(t *testing.T) {
	// Nesting beyond the limit reads as anything, without recursing further.
	s := strings.Repeat(`{"type":"array","items":`, modelMaxNesting+10) + `{"type":"string"}` + strings.Repeat("}", modelMaxNesting+10)
	n, err := ParseModel([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	depth := 0
	for ; n.Items != nil; n = n.Items {
		depth++
	}
	if depth != modelMaxNesting+1 || n.Types != nil {
		t.Errorf("depth %d, last %+v; want %d levels then an empty Model", depth, n, modelMaxNesting+1)
	}
}

func TestModelKeywordsAndProp(t *testing.T) {
	n, err := ParseModel([]byte(`{"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]+$","minLength":2}}}`))
	if err != nil {
		t.Fatal(err)
	}
	code := n.Prop("code")
	if code == nil || !code.Is(TypeString) {
		t.Fatalf("Prop(code) = %v", code)
	}
	got := fmt.Sprint(code.Keywords.Get("pattern").Text, " ", code.Keywords.Get("minLength").Text)
	if got != "^[A-Z]+$ 2" {
		t.Errorf("keywords = %q", got)
	}
	if n.Prop("missing") != nil {
		t.Error("Prop(missing) is not nil")
	}
}

// FuzzParseModel checks that any document is read without panicking, and
// that every Model of the graph resolves.
func FuzzParseModel(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := ParseModel(data)
		if err != nil {
			return
		}
		seen := map[*Model]bool{}
		var walk func(*Model)
		walk = func(m *Model) {
			if m == nil || seen[m] {
				return
			}
			seen[m] = true
			if m.Resolve() == nil {
				t.Fatal("Resolve returned nil")
			}
			walk(m.Ref)
			walk(m.Items)
			for _, a := range m.Alts {
				walk(a)
			}
			for _, p := range m.Props {
				walk(p.Schema)
			}
		}
		walk(n)
	})
}
