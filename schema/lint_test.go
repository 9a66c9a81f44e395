package schema

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// lintOK wraps the properties of a valid root object around a property.
func lintOK(prop string) string {
	return `{"type":"object","properties":{"p":` + prop + `},"required":["p"],"additionalProperties":false}`
}

func TestLint(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []Finding // Message is not compared
	}{
		{"valid", lintOK(`{"type":"string"}`), nil},
		{"valid every keyword", lintOK(`{"type":["string","null"],"title":"T","description":"D","pattern":"^a","format":"uuid"}`), nil},
		{"valid numbers", lintOK(`{"type":"integer","minimum":1,"maximum":9,"exclusiveMinimum":0,"exclusiveMaximum":10,"multipleOf":2}`), nil},
		{"valid anyOf and enum", lintOK(`{"anyOf":[{"type":"string","enum":["a","b"]},{"type":"null"}]}`), nil},
		{"valid const", lintOK(`{"const":"x"}`), nil},
		{"valid recursion", `{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#"}}},"required":["kids"],"additionalProperties":false}`, nil},
		{"valid definitions", `{"type":"object","properties":{"a":{"$ref":"#/definitions/A"}},"required":["a"],"additionalProperties":false,"definitions":{"A":{"type":"string"}}}`, nil},
		{"valid escaped ref", `{"type":"object","properties":{"a":{"$ref":"#/$defs/a~1b%20c"}},"required":["a"],"additionalProperties":false,"$defs":{"a/b c":{"type":"string"}}}`, nil},

		{"invalid JSON", `{"type":"object",}`, []Finding{{Pointer: "", Rule: RuleJSON}}},
		{"empty document", ``, []Finding{{Pointer: "", Rule: RuleJSON}}},
		{"root is an array", `[]`, []Finding{{Pointer: "", Rule: RuleRoot}}},
		{"root type string", `{"type":"string"}`, []Finding{{Pointer: "/type", Rule: RuleRoot}}},
		{"root anyOf", `{"anyOf":[{"type":"object","properties":{},"additionalProperties":false}]}`,
			[]Finding{{Pointer: "/anyOf", Rule: RuleRoot}}},
		{"root without type", `{"properties":{},"additionalProperties":false}`,
			[]Finding{{Pointer: "", Rule: RuleRoot}, {Pointer: "", Rule: RuleType}, {Pointer: "/additionalProperties", Rule: RuleKeywordType}, {Pointer: "/properties", Rule: RuleKeywordType}}},
		{"additionalProperties missing", `{"type":"object","properties":{}}`,
			[]Finding{{Pointer: "", Rule: RuleAdditionalProperties}}},
		{"additionalProperties true", `{"type":"object","properties":{},"additionalProperties":true}`,
			[]Finding{{Pointer: "/additionalProperties", Rule: RuleAdditionalProperties}}},
		{"additionalProperties schema", lintOK(`{"type":"object","additionalProperties":{"type":"string"}}`),
			[]Finding{{Pointer: "/properties/p/additionalProperties", Rule: RuleAdditionalProperties}}},
		{"required missing", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}`,
			[]Finding{{Pointer: "", Rule: RuleRequired}}},
		{"required incomplete", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["a"],"additionalProperties":false}`,
			[]Finding{{Pointer: "/required", Rule: RuleRequired}}},
		{"required unknown", `{"type":"object","properties":{},"required":["x"],"additionalProperties":false}`,
			[]Finding{{Pointer: "/required", Rule: RuleRequired}}},
		{"required not strings", `{"type":"object","properties":{},"required":[1],"additionalProperties":false}`,
			[]Finding{{Pointer: "/required", Rule: RuleKeywordValue}}},
		{"nested object", lintOK(`{"type":"object","properties":{"q":{"type":"string"}}}`),
			[]Finding{{Pointer: "/properties/p", Rule: RuleAdditionalProperties}, {Pointer: "/properties/p", Rule: RuleRequired}}},
		{"object in anyOf", lintOK(`{"anyOf":[{"type":"object","properties":{}}]}`),
			[]Finding{{Pointer: "/properties/p/anyOf/0", Rule: RuleAdditionalProperties}}},
		{"minLength", lintOK(`{"type":"string","minLength":3}`),
			[]Finding{{Pointer: "/properties/p/minLength", Rule: RuleUnsupportedKeyword}}},
		{"maxLength", lintOK(`{"type":"string","maxLength":3}`),
			[]Finding{{Pointer: "/properties/p/maxLength", Rule: RuleUnsupportedKeyword}}},
		{"allOf", lintOK(`{"type":"string","allOf":[{"type":"string"}]}`),
			[]Finding{{Pointer: "/properties/p/allOf", Rule: RuleUnsupportedKeyword}}},
		{"oneOf", lintOK(`{"oneOf":[{"type":"string"}]}`),
			[]Finding{{Pointer: "/properties/p", Rule: RuleType}, {Pointer: "/properties/p/oneOf", Rule: RuleUnsupportedKeyword}}},
		{"not", lintOK(`{"type":"string","not":{"const":"a"}}`),
			[]Finding{{Pointer: "/properties/p/not", Rule: RuleUnsupportedKeyword}}},
		{"if then else", lintOK(`{"type":"string","if":{},"then":{},"else":{}}`),
			[]Finding{{Pointer: "/properties/p/else", Rule: RuleUnsupportedKeyword}, {Pointer: "/properties/p/if", Rule: RuleUnsupportedKeyword}, {Pointer: "/properties/p/then", Rule: RuleUnsupportedKeyword}}},
		{"dependentRequired", `{"type":"object","properties":{},"additionalProperties":false,"dependentRequired":{}}`,
			[]Finding{{Pointer: "/dependentRequired", Rule: RuleUnsupportedKeyword}}},
		{"dependentSchemas", `{"type":"object","properties":{},"additionalProperties":false,"dependentSchemas":{}}`,
			[]Finding{{Pointer: "/dependentSchemas", Rule: RuleUnsupportedKeyword}}},
		{"patternProperties", `{"type":"object","properties":{},"additionalProperties":false,"patternProperties":{}}`,
			[]Finding{{Pointer: "/patternProperties", Rule: RuleUnsupportedKeyword}}},
		{"unevaluatedProperties", `{"type":"object","properties":{},"additionalProperties":false,"unevaluatedProperties":false}`,
			[]Finding{{Pointer: "/unevaluatedProperties", Rule: RuleUnsupportedKeyword}}},
		{"propertyNames", `{"type":"object","properties":{},"additionalProperties":false,"propertyNames":{}}`,
			[]Finding{{Pointer: "/propertyNames", Rule: RuleUnsupportedKeyword}}},
		{"minProperties", `{"type":"object","properties":{},"additionalProperties":false,"minProperties":1}`,
			[]Finding{{Pointer: "/minProperties", Rule: RuleUnsupportedKeyword}}},
		{"maxProperties", `{"type":"object","properties":{},"additionalProperties":false,"maxProperties":1}`,
			[]Finding{{Pointer: "/maxProperties", Rule: RuleUnsupportedKeyword}}},
		{"contains", lintOK(`{"type":"array","items":{"type":"string"},"contains":{"const":"a"}}`),
			[]Finding{{Pointer: "/properties/p/contains", Rule: RuleUnsupportedKeyword}}},
		{"uniqueItems", lintOK(`{"type":"array","items":{"type":"string"},"uniqueItems":true}`),
			[]Finding{{Pointer: "/properties/p/uniqueItems", Rule: RuleUnsupportedKeyword}}},
		{"prefixItems", lintOK(`{"type":"array","items":{"type":"string"},"prefixItems":[]}`),
			[]Finding{{Pointer: "/properties/p/prefixItems", Rule: RuleUnsupportedKeyword}}},
		{"default", lintOK(`{"type":"string","default":"a"}`),
			[]Finding{{Pointer: "/properties/p/default", Rule: RuleUnsupportedKeyword}}},
		{"$schema", `{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{},"additionalProperties":false}`,
			[]Finding{{Pointer: "/$schema", Rule: RuleUnsupportedKeyword}}},
		{"unknown keyword", lintOK(`{"type":"string","x-go-type":"T"}`),
			[]Finding{{Pointer: "/properties/p/x-go-type", Rule: RuleUnsupportedKeyword}}},
		{"keyword for another type", lintOK(`{"type":"integer","pattern":"^1"}`),
			[]Finding{{Pointer: "/properties/p/pattern", Rule: RuleKeywordType}}},
		{"keyword beside enum without type", lintOK(`{"enum":["a"],"minimum":1}`),
			[]Finding{{Pointer: "/properties/p/minimum", Rule: RuleKeywordType}}},
		{"format unknown", lintOK(`{"type":"string","format":"uri"}`),
			[]Finding{{Pointer: "/properties/p/format", Rule: RuleFormat}}},
		{"format not a string", lintOK(`{"type":"string","format":1}`),
			[]Finding{{Pointer: "/properties/p/format", Rule: RuleKeywordValue}}},
		{"minimum not a number", lintOK(`{"type":"number","minimum":"1"}`),
			[]Finding{{Pointer: "/properties/p/minimum", Rule: RuleKeywordValue}}},
		{"multipleOf zero", lintOK(`{"type":"number","multipleOf":0}`),
			[]Finding{{Pointer: "/properties/p/multipleOf", Rule: RuleKeywordValue}}},
		{"minItems negative", lintOK(`{"type":"array","items":{"type":"string"},"minItems":-1}`),
			[]Finding{{Pointer: "/properties/p/minItems", Rule: RuleKeywordValue}}},
		{"description not a string", lintOK(`{"type":"string","description":1}`),
			[]Finding{{Pointer: "/properties/p/description", Rule: RuleKeywordValue}}},
		{"no type", lintOK(`{"description":"anything"}`),
			[]Finding{{Pointer: "/properties/p", Rule: RuleType}}},
		{"unknown type", lintOK(`{"type":"date"}`),
			[]Finding{{Pointer: "/properties/p/type", Rule: RuleType}}},
		{"type twice", lintOK(`{"type":["string","string"]}`),
			[]Finding{{Pointer: "/properties/p/type", Rule: RuleType}}},
		{"type empty", lintOK(`{"type":[]}`),
			[]Finding{{Pointer: "/properties/p/type", Rule: RuleType}}},
		{"type number", lintOK(`{"type":1}`),
			[]Finding{{Pointer: "/properties/p/type", Rule: RuleType}}},
		{"boolean schema", lintOK(`true`),
			[]Finding{{Pointer: "/properties/p", Rule: RuleSchema}}},
		{"array without items", lintOK(`{"type":"array"}`),
			[]Finding{{Pointer: "/properties/p", Rule: RuleItems}}},
		{"tuple items", lintOK(`{"type":"array","items":[{"type":"string"}]}`),
			[]Finding{{Pointer: "/properties/p/items", Rule: RuleItems}}},
		{"bad item", lintOK(`{"type":"array","items":{"type":"string","maxLength":2}}`),
			[]Finding{{Pointer: "/properties/p/items/maxLength", Rule: RuleUnsupportedKeyword}}},
		{"enum empty", lintOK(`{"type":"string","enum":[]}`),
			[]Finding{{Pointer: "/properties/p/enum", Rule: RuleEnum}}},
		{"anyOf empty", lintOK(`{"anyOf":[]}`),
			[]Finding{{Pointer: "/properties/p/anyOf", Rule: RuleKeywordValue}}},
		{"ref missing", lintOK(`{"$ref":"#/$defs/Nope"}`),
			[]Finding{{Pointer: "/properties/p/$ref", Rule: RuleRef}}},
		{"ref external", lintOK(`{"$ref":"https://example.com/a.json"}`),
			[]Finding{{Pointer: "/properties/p/$ref", Rule: RuleRef}}},
		{"ref into properties", `{"type":"object","properties":{"a":{"type":"string"},"b":{"$ref":"#/properties/a"}},"required":["a","b"],"additionalProperties":false}`,
			[]Finding{{Pointer: "/properties/b/$ref", Rule: RuleRef}}},
		{"ref not a string", lintOK(`{"$ref":1}`),
			[]Finding{{Pointer: "/properties/p/$ref", Rule: RuleKeywordValue}}},
		{"ref siblings", `{"type":"object","properties":{"a":{"$ref":"#/$defs/A","description":"d"}},"required":["a"],"additionalProperties":false,"$defs":{"A":{"type":"string"}}}`,
			[]Finding{{Pointer: "/properties/a", Rule: RuleRefSiblings}}},
		{"bad definition", `{"type":"object","properties":{},"additionalProperties":false,"$defs":{"A":{"type":"string","minLength":1}}}`,
			[]Finding{{Pointer: "/$defs/A/minLength", Rule: RuleUnsupportedKeyword}}},
		{"$defs not an object", `{"type":"object","properties":{},"additionalProperties":false,"$defs":[]}`,
			[]Finding{{Pointer: "/$defs", Rule: RuleKeywordValue}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Lint([]byte(tt.doc))
			for _, f := range got {
				if f.Message == "" {
					t.Errorf("finding %+v has no message", f)
				}
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Finding{}, "Message"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Lint mismatch (-want +got):\n%s\nall: %v", diff, got)
			}
		})
	}
}

// lintNested returns a root object with depth levels of nested objects.
func lintNested(depth int) string {
	s := `{"type":"string"}`
	for range depth {
		s = `{"type":"object","properties":{"n":` + s + `},"required":["n"],"additionalProperties":false}`
	}
	return s
}

// lintProps returns a root object with n boolean properties.
func lintProps(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"object","properties":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"p` + strconv.Itoa(i) + `":{"type":"boolean"}`)
	}
	b.WriteString(`},"required":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"p` + strconv.Itoa(i) + `"`)
	}
	b.WriteString(`],"additionalProperties":false}`)
	return b.String()
}

// lintEnum returns a string enum of n values, each size characters long.
func lintEnum(n, size int) string {
	vals := make([]string, n)
	for i := range vals {
		v := strconv.Itoa(i)
		vals[i] = strconv.Quote(v + strings.Repeat("x", size-len(v)))
	}
	return `{"type":"string","enum":[` + strings.Join(vals, ",") + `]}`
}

// lintRoot returns a root object with the given properties (name to schema).
func lintRoot(props ...string) string {
	var b, req strings.Builder
	for i := 0; i < len(props); i += 2 {
		if i > 0 {
			b.WriteByte(',')
			req.WriteByte(',')
		}
		b.WriteString(strconv.Quote(props[i]) + ":" + props[i+1])
		req.WriteString(strconv.Quote(props[i]))
	}
	return `{"type":"object","properties":{` + b.String() + `},"required":[` + req.String() + `],"additionalProperties":false}`
}

func TestLintLimits(t *testing.T) {
	nestedDef := `{"type":"object","properties":{"a":{"$ref":"#/$defs/L1"}},"required":["a"],"additionalProperties":false,"$defs":{` +
		`"L1":` + strings.Replace(lintNested(5), `{"type":"string"}`, `{"$ref":"#/$defs/L2"}`, 1) +
		`,"L2":` + lintNested(5) + `}}`
	tests := []struct {
		name string
		doc  string
		want []Finding
	}{
		{"5000 properties", lintProps(5000), nil},
		{"5001 properties", lintProps(5001), []Finding{{Pointer: "", Rule: RuleMaxProperties}}},
		{"10 levels", lintNested(10), nil},
		{"11 levels", lintNested(11), []Finding{{Pointer: strings.Repeat("/properties/n", 10), Rule: RuleMaxNesting}}},
		{"11 levels through $refs", nestedDef, []Finding{{Pointer: "/$defs/L2" + strings.Repeat("/properties/n", 4), Rule: RuleMaxNesting}}},
		{"1000 enum values", lintRoot("a", lintEnum(500, 3), "b", lintEnum(500, 3)), nil},
		{"1001 enum values", lintRoot("a", lintEnum(500, 3), "b", lintEnum(501, 3)), []Finding{{Pointer: "", Rule: RuleMaxEnumValues}}},
		{"251 values of 59 characters", lintRoot("a", lintEnum(251, 59)), nil},
		{"251 values of 60 characters", lintRoot("a", lintEnum(251, 60)), []Finding{{Pointer: "/properties/a/enum", Rule: RuleMaxEnumStringLength}}},
		{"250 values of 100 characters", lintRoot("a", lintEnum(250, 100)), nil},
		{"120000 characters", lintRoot("a", lintEnum(239, 500), "b", lintEnum(1, 498)), nil},
		{"120001 characters", lintRoot("a", lintEnum(239, 500), "b", lintEnum(1, 499)), []Finding{{Pointer: "", Rule: RuleMaxStringLength}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Lint([]byte(tt.doc))
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Finding{}, "Message"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Lint mismatch (-want +got):\n%s\nall: %v", diff, got)
			}
		})
	}
}

// TestLintValidFiles checks that the strict schemas under testdata/lint
// lint clean.
func TestLintValidFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "lint", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files under testdata/lint (%v)", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if got := Lint(doc); got != nil {
				t.Errorf("Lint = %v, want none", got)
			}
		})
	}
}

func TestLintSortedAndDeterministic(t *testing.T) {
	doc := []byte(`{"type":"object","properties":{"z":{"type":"string","minLength":1},"a":{"type":"array"},"m":{"oneOf":[]}},"$defs":{"x":{"not":{}}}}`)
	first := Lint(doc)
	if len(first) < 5 {
		t.Fatalf("Lint = %v, want several findings", first)
	}
	for i := 1; i < len(first); i++ {
		if first[i-1].Pointer > first[i].Pointer {
			t.Errorf("findings not sorted by pointer: %q before %q", first[i-1].Pointer, first[i].Pointer)
		}
	}
	for range 5 {
		if diff := cmp.Diff(first, Lint(doc)); diff != "" {
			t.Fatalf("Lint is not deterministic:\n%s", diff)
		}
	}
}

func TestLintName(t *testing.T) {
	for _, name := range []string{"invoice", "Invoice_v2-final", strings.Repeat("a", 64)} {
		if got := LintName(name); got != nil {
			t.Errorf("LintName(%q) = %v, want none", name, got)
		}
	}
	for _, name := range []string{"", "my invoice", "invoice.v2", "façade", strings.Repeat("a", 65)} {
		got := LintName(name)
		if len(got) != 1 || got[0].Rule != RuleName || got[0].Pointer != "" {
			t.Errorf("LintName(%q) = %v, want one %q finding", name, got, RuleName)
		}
	}
}
