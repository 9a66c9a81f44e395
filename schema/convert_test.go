package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestStrictifyGolden converts every testdata/convert/*/input.json. A case
// that converts has want.json and changes.txt (one Change per line); a case
// that cannot has error.txt (one Finding per line). Run with -update
// (defined in reflect_test.go) to rewrite them.
func TestStrictifyGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "convert", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no cases under testdata/convert")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(dir, "input.json"))
			if err != nil {
				t.Fatal(err)
			}
			out, changes, err := Strictify(in)
			got := map[string]string{}
			if err != nil {
				var ce *ConvertError
				if !errors.As(err, &ce) {
					t.Fatalf("Strictify error is %T, not *ConvertError: %v", err, err)
				}
				if out != nil || changes != nil {
					t.Errorf("Strictify returned output or changes with an error")
				}
				var b strings.Builder
				for _, f := range ce.Findings {
					b.WriteString(f.String() + "\n")
				}
				got["error.txt"] = b.String()
			} else {
				if fs := Lint(out); fs != nil {
					t.Errorf("Lint(Strictify(input)) = %v, want no findings", fs)
				}
				var b strings.Builder
				for _, c := range changes {
					b.WriteString(c.String() + "\n")
				}
				got["want.json"] = string(out) + "\n"
				got["changes.txt"] = b.String()
				again, _, err := Strictify(in)
				if err != nil || !bytes.Equal(again, out) {
					t.Errorf("second Strictify differs (err %v)", err)
				}
			}
			if *update {
				for _, name := range []string{"want.json", "changes.txt", "error.txt"} {
					p := filepath.Join(dir, name)
					if s, ok := got[name]; ok {
						if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
							t.Fatal(err)
						}
					} else if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
						t.Fatal(err)
					}
				}
				return
			}
			for name, s := range got {
				want, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatalf("%v (run go test -run TestStrictifyGolden -update)", err)
				}
				if diff := cmp.Diff(string(want), s); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
				}
			}
		})
	}
}

// TestStrictifyStrictIsUnchanged checks that a schema that is already
// strict comes back as it was, with no changes.
func TestStrictifyStrictIsUnchanged(t *testing.T) {
	for _, name := range []string{"invoice.json", "recursive.json", "defs.json"} {
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "lint", name))
			if err != nil {
				t.Fatal(err)
			}
			out, changes, err := Strictify(in)
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) != 0 {
				t.Errorf("changes = %v, want none", changes)
			}
			var want bytes.Buffer
			if err := json.Indent(&want, in, "", "  "); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(strings.TrimSpace(want.String()), string(out)); diff != "" {
				t.Errorf("output differs from input (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStrictify(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string // compact
		changes []Change
	}{{
		name: "optional string becomes nullable",
		in:   `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["b"]}`,
		want: `{"type":"object","properties":{"a":{"type":["string","null"]},"b":{"type":"integer"}},"required":["a","b"],"additionalProperties":false}`,
		changes: []Change{
			{Pointer: "", Message: "added additionalProperties: false"},
			{Pointer: "/properties/a", Message: "optional property is now required and nullable: null stands for absent"},
		},
	}, {
		name: "optional ref becomes anyOf with null",
		in:   `{"type":"object","properties":{"p":{"$ref":"#/$defs/P"}},"required":[],"additionalProperties":false,"$defs":{"P":{"type":"string"}}}`,
		want: `{"type":"object","properties":{"p":{"anyOf":[{"$ref":"#/$defs/P"},{"type":"null"}]}},"required":["p"],"additionalProperties":false,"$defs":{"P":{"type":"string"}}}`,
		changes: []Change{
			{Pointer: "/properties/p", Message: "optional property is now required and nullable: null stands for absent"},
		},
	}, {
		name: "optional enum keeps its description outside",
		in:   `{"type":"object","properties":{"c":{"type":"string","description":"Colour","enum":["red","blue"]}},"additionalProperties":false}`,
		want: `{"type":"object","properties":{"c":{"description":"Colour","anyOf":[{"type":"string","enum":["red","blue"]},{"type":"null"}]}},"required":["c"],"additionalProperties":false}`,
		changes: []Change{
			{Pointer: "/properties/c", Message: "optional property is now required and nullable: null stands for absent"},
		},
	}, {
		name: "minLength and maxLength become words",
		in:   `{"type":"object","properties":{"s":{"type":"string","description":"Code","minLength":2,"maxLength":2}},"required":["s"],"additionalProperties":false}`,
		want: `{"type":"object","properties":{"s":{"type":"string","description":"Code. Exactly 2 characters."}},"required":["s"],"additionalProperties":false}`,
		changes: []Change{
			{Pointer: "/properties/s/minLength", Message: `removed minLength: strict mode does not support it; the description now says "Exactly 2 characters."`, Lossy: true},
			{Pointer: "/properties/s/maxLength", Message: `removed maxLength: strict mode does not support it; the description now says "Exactly 2 characters."`, Lossy: true},
		},
	}, {
		name: "already nullable stays as is",
		in:   `{"type":"object","properties":{"n":{"type":["number","null"]}},"additionalProperties":false}`,
		want: `{"type":"object","properties":{"n":{"type":["number","null"]}},"required":["n"],"additionalProperties":false}`,
		changes: []Change{
			{Pointer: "/properties/n", Message: "optional property is now required and nullable: null stands for absent"},
		},
	}, {
		name: "string root is wrapped as value",
		in:   `{"type":"string","description":"The summary"}`,
		want: `{"type":"object","properties":{"value":{"type":"string","description":"The summary"}},"required":["value"],"additionalProperties":false}`,
		changes: []Change{
			{Pointer: "", Message: `wrapped the root in an object with one property "value": strict mode needs an object root`},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, changes, err := Strictify([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := json.Compact(&got, out); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.String()); diff != "" {
				t.Errorf("output mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.changes, changes); diff != "" {
				t.Errorf("changes mismatch (-want +got):\n%s", diff)
			}
			if fs := Lint(out); fs != nil {
				t.Errorf("Lint(out) = %v", fs)
			}
		})
	}
}

func TestStrictifyErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Finding // Message ignored
	}{
		{"invalid JSON", `{"type":`, []Finding{{Pointer: "", Rule: RuleJSON}}},
		{"boolean root", `true`, []Finding{{Pointer: "", Rule: RuleRoot}}},
		{"map", `{"type":"object","additionalProperties":{"type":"string"}}`,
			[]Finding{{Pointer: "/additionalProperties", Rule: RuleAdditionalProperties}}},
		{"map beside properties", `{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}`,
			[]Finding{{Pointer: "/additionalProperties", Rule: RuleAdditionalProperties}}},
		{"not", `{"type":"object","properties":{"a":{"type":"string","not":{"const":"x"}}}}`,
			[]Finding{{Pointer: "/properties/a/not", Rule: RuleUnsupportedKeyword}}},
		{"allOf cycle", `{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"allOf":[{"$ref":"#/$defs/A"}]}}}`,
			[]Finding{{Pointer: "/$defs/A/allOf/0/allOf/0/$ref", Rule: RuleRef}}},
		{"both oneOf and anyOf", `{"type":"object","properties":{"a":{"oneOf":[{"type":"string"}],"anyOf":[{"type":"number"}]}}}`,
			[]Finding{{Pointer: "/properties/a/oneOf", Rule: RuleUnsupportedKeyword}}},
		{"ref to the root in allOf", `{"type":"object","properties":{"a":{"allOf":[{"$ref":"#"}]}}}`,
			[]Finding{{Pointer: "/properties/a/allOf/0/$ref", Rule: RuleRef}}},
		{"too many properties after conversion", convManyProps(LintMaxProperties + 1),
			[]Finding{{Pointer: "", Rule: RuleMaxProperties}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, changes, err := Strictify([]byte(tt.in))
			var ce *ConvertError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *ConvertError", err)
			}
			if out != nil || changes != nil {
				t.Errorf("got output or changes with an error")
			}
			if !strings.HasPrefix(err.Error(), "schema: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			got := make([]Finding, len(ce.Findings))
			for i, f := range ce.Findings {
				got[i] = Finding{Pointer: f.Pointer, Rule: f.Rule}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s\n%v", diff, ce)
			}
		})
	}
}

func convManyProps(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"object","properties":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"p` + strconv.Itoa(i) + `":{"type":"boolean"}`)
	}
	b.WriteString(`}}`)
	return b.String()
}

func TestConvertErrorMessage(t *testing.T) {
	e := &ConvertError{Findings: []Finding{
		{Pointer: "", Rule: RuleRoot, Message: "m0"},
		{Pointer: "/a", Rule: RuleType, Message: "m1"},
		{Pointer: "/b", Rule: RuleType, Message: "m2"},
		{Pointer: "/c", Rule: RuleType, Message: "m3"},
		{Pointer: "/d", Rule: RuleType, Message: "m4"},
		{Pointer: "/e", Rule: RuleType, Message: "m5"},
		{Pointer: "/f", Rule: RuleType, Message: "m6"},
	}}
	want := "schema: cannot convert to a strict schema: /: m0 [root]; /a: m1 [type]; /b: m2 [type]; /c: m3 [type]; /d: m4 [type]; and 2 more"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q\nwant      %q", got, want)
	}
}

func TestNodeRoundTrip(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"b":1,"a":[true,false,null],"c":{"x":"y"}}`, `{"b":1,"a":[true,false,null],"c":{"x":"y"}}`},
		{`  1.50e+3 `, `1.50e+3`},
		{`"<a & b>\u2028\n\u0001"`, `"<a & b>\u2028\n\u0001"`},
		{`[]`, `[]`},
		{`{}`, `{}`},
	}
	for _, tt := range tests {
		n, err := nodeParse([]byte(tt.in))
		if err != nil {
			t.Fatalf("nodeParse(%s): %v", tt.in, err)
		}
		if got := n.String(); got != tt.want {
			t.Errorf("nodeParse(%s).String() = %s, want %s", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{``, `{`, `{"a":1,"a":2}`, `[1] [2]`, `{"a" 1}`, strings.Repeat("[", nodeMaxDepth+1)} {
		if _, err := nodeParse([]byte(bad)); err == nil {
			t.Errorf("nodeParse(%.20q) succeeded, want an error", bad)
		}
	}
}
