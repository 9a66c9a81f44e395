package simulated

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/schema"
)

// simSchemas are JSON Schemas (or inline specs, when not starting with
// "{") that the simulator must fill in validly.
var simSchemas = []struct {
	name, doc string
}{
	{"invoice file", "@../../../testdata/invoice.schema.json"},
	{"ticket file", "@../../../testdata/ticket.schema.json"},
	{"spec lines", "vendor, total number, lines [description, quantity int]"},
	{"spec kinds", "a?, b date, c datetime, d (x|y), e []int, f {g bool, h?}, i [j number, k?]"},
	{"numbers", `{"type":"object","properties":{
		"n":{"type":"integer","minimum":5,"maximum":9},
		"x":{"type":"number","exclusiveMinimum":10},
		"y":{"type":"number","maximum":-3},
		"z":{"type":"integer","exclusiveMaximum":0},
		"w":{"type":"number","minimum":0,"exclusiveMaximum":1}}}`},
	{"formats", `{"type":"object","properties":{
		"email":{"type":"string","format":"email"},
		"uuid":{"type":"string","format":"uuid"},
		"ipv4":{"type":"string","format":"ipv4"},
		"ipv6":{"type":"string","format":"ipv6"},
		"host":{"type":"string","format":"hostname"},
		"dt":{"type":"string","format":"date-time"},
		"d":{"type":"string","format":"date"},
		"tm":{"type":"string","format":"time"},
		"dur":{"type":"string","format":"duration"}}}`},
	{"refs and recursion", `{"type":"object","properties":{"root":{"$ref":"#/$defs/node"}},
		"$defs":{"node":{"type":"object","properties":{"name":{"type":"string"},
		"children":{"type":"array","items":{"$ref":"#/$defs/node"}}}}}}`},
	{"anyOf", `{"type":"object","properties":{"v":{"anyOf":[{"type":"string"},{"type":"number"}]},
		"o":{"anyOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"type":"null"}]}}}`},
	{"const", `{"type":"object","properties":{"k":{"const":"fixed"},"n":{"type":"integer","enum":[3,7]}},"required":["k","n"]}`},
	{"minItems", `{"type":"object","properties":{"tags":{"type":"array","minItems":3,"items":{"type":"string"}}},"required":["tags"]}`},
	{"nullable", `{"type":"object","properties":{"s":{"type":["string","null"]},"n":{"type":["null","number"]}},"required":["s","n"]}`},
	{"list root", `{"type":"array","items":{"type":"object","properties":{"a":{"type":"string"}}}}`},
	// Keywords of the strict subset that invent ignores.
	{"pattern", `{"type":"object","properties":{"code":{"type":"string","pattern":"^[A-Z]{3}-[0-9]{4}$"}},"required":["code"]}`},
	{"multipleOf", `{"type":"object","properties":{"q":{"type":"integer","multipleOf":5},"p":{"type":"number","multipleOf":0.25,"minimum":2.1}},"required":["q","p"]}`},
	{"integer with a fractional minimum", `{"type":"object","properties":{"n":{"type":"integer","minimum":1.5}},"required":["n"]}`},
}

// simSpec builds the extraction spec of a simSchemas entry.
func simSpec(t *testing.T, doc string) extract.Spec {
	t.Helper()
	var b []byte
	switch {
	case doc[0] == '@':
		var err error
		if b, err = os.ReadFile(doc[1:]); err != nil {
			t.Fatal(err)
		}
	case doc[0] == '{':
		b = []byte(doc)
	default:
		var err error
		if b, err = schema.ParseSpec(doc); err != nil {
			t.Fatal(err)
		}
	}
	spec, _, err := extract.JSONSchema("sim", b)
	if err != nil {
		t.Fatalf("JSONSchema: %v", err)
	}
	return spec
}

// TestSimulatorInvent: invented values pass the run's check (strict schema
// and original schema).
func TestSimulatorInvent(t *testing.T) {
	for _, tt := range simSchemas {
		t.Run(tt.name, func(t *testing.T) {
			spec := simSpec(t, tt.doc)
			sim, root := newSimulator(spec.Schema)
			out, err := json.Marshal(sim.invent(root, 0))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range spec.Check(out) {
				t.Errorf("invented %s: %s: %s", out, e.Pointer, e.Message)
			}
		})
	}
}

// TestSimulatorProjectEmpty: projecting an empty expected answer fills
// everything in validly, like invent.
func TestSimulatorProjectEmpty(t *testing.T) {
	for _, tt := range simSchemas {
		t.Run(tt.name, func(t *testing.T) {
			spec := simSpec(t, tt.doc)
			sim, root := newSimulator(spec.Schema)
			out, err := json.Marshal(sim.project(map[string]any{}, root, 0))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range spec.Check(out) {
				t.Errorf("projected %s: %s: %s", out, e.Pointer, e.Message)
			}
		})
	}
}

// TestSimulatorProjectExpected: every expected answer under testdata/expected
// projected onto its own schema is itself, and onto a narrower one keeps
// what fits.
func TestSimulatorProjectExpected(t *testing.T) {
	root := filepath.Join("..", "..", "..", "testdata")
	for _, tt := range []struct {
		schema string
		glob   string
	}{
		{"invoice.schema.json", "expected/*/*.json"},
		{"ticket.schema.json", "expected/tickets/tickets/*.json"},
	} {
		spec := simSpec(t, "@"+filepath.Join(root, tt.schema))
		files, err := filepath.Glob(filepath.Join(root, tt.glob))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: %v %v", tt.glob, files, err)
		}
		for _, f := range files {
			t.Run(filepath.Base(f), func(t *testing.T) {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				var want any
				if err := json.Unmarshal(b, &want); err != nil {
					t.Fatal(err)
				}
				sim, rs := newSimulator(spec.Schema)
				out, err := json.Marshal(sim.project(want, rs, 0))
				if err != nil {
					t.Fatal(err)
				}
				var got any
				if err := json.Unmarshal(out, &got); err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("projection changed the expected answer (-want +got):\n%s", d)
				}
				for _, e := range spec.Check(out) {
					t.Errorf("%s: %s", e.Pointer, e.Message)
				}
			})
		}
	}
}

// TestSimulatorProject: project keeps what fits, drops what the schema does
// not have, invents what is missing or of the wrong kind, in schema order.
func TestSimulatorProject(t *testing.T) {
	tests := []struct {
		name     string
		schema   string
		expected string
		want     string // exact JSON, keys in schema order; "" when only validity is checked
	}{
		{"keeps and orders", "vendor, total number", `{"total":12.5,"vendor":"Acme"}`, `{"vendor":"Acme","total":12.5}`},
		{"drops unknown", "vendor", `{"vendor":"Acme","extra":1}`, `{"vendor":"Acme"}`},
		{"invents missing", "vendor, total number, paid bool", `{"vendor":"Acme"}`, `{"vendor":"Acme","total":1,"paid":false}`},
		{"wrong kinds", "vendor, total number, n int, tags []string", `{"vendor":5,"total":"12","n":2.5,"tags":"a"}`, ""},
		{"enum mismatch", "status (open|closed)", `{"status":"pending"}`, `{"status":"open"}`},
		{"null for optional", "vendor, order?", `{"vendor":"Acme","order":null}`, `{"vendor":"Acme","order":null}`},
		{"missing optional", "vendor, order?", `{"vendor":"Acme"}`, `{"vendor":"Acme","order":null}`},
		{"null for required", "vendor, total number", `{"vendor":null,"total":null}`, ""},
		{"nested", "a {b int, c [d, e number]}", `{"a":{"c":[{"e":1.5,"d":"x"},{"d":"y"}],"zzz":1}}`, `{"a":{"b":1,"c":[{"d":"x","e":1.5},{"d":"y","e":1}]}}`},
		{"not an object", "vendor", `"just text"`, `{"vendor":"simulated"}`},
		// Values of the right type that break a constraint of the strict subset.
		{"const mismatch", `{"type":"object","properties":{"k":{"const":"fixed"}},"required":["k"]}`, `{"k":"other"}`, `{"k":"fixed"}`},
		{"below minimum", `{"type":"object","properties":{"total":{"type":"number","minimum":0}},"required":["total"]}`, `{"total":-5}`, ""},
		{"too few items", `{"type":"object","properties":{"t":{"type":"array","minItems":2,"items":{"type":"string"}}},"required":["t"]}`, `{"t":["a"]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := simSpec(t, tt.schema)
			var expected any
			if err := json.Unmarshal([]byte(tt.expected), &expected); err != nil {
				t.Fatal(err)
			}
			sim, root := newSimulator(spec.Schema)
			out, err := json.Marshal(sim.project(expected, root, 0))
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && string(out) != tt.want {
				t.Errorf("project = %s, want %s", out, tt.want)
			}
			for _, e := range spec.Check(out) {
				t.Errorf("projected %s: %s: %s", out, e.Pointer, e.Message)
			}
		})
	}
}

// TestSimulatorDoesNotPanic: the simulator never panics on a schema the
// converter accepts, whatever the expected answer holds.
func TestSimulatorDoesNotPanic(t *testing.T) {
	tests := []struct{ name, schema, expected string }{
		{"array enum value", `{"type":"object","properties":{"v":{"enum":[[1,2],"x"]}},"required":["v"]}`, `{"v":[1,2]}`},
		{"object enum value", `{"type":"object","properties":{"v":{"enum":[{"a":1},"x"]}},"required":["v"]}`, `{"v":{"a":1}}`},
		{"const object", `{"type":"object","properties":{"v":{"const":{"a":1}}},"required":["v"]}`, `{"v":{"a":2}}`},
		{"array for an object", `{"type":"object","properties":{"a":{"type":"string"}}}`, `[1,2,3]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := extract.JSONSchema("sim", []byte(tt.schema)); err != nil {
				t.Skipf("the converter rejects it: %v", err)
			}
			spec := simSpec(t, tt.schema)
			var expected any
			if err := json.Unmarshal([]byte(tt.expected), &expected); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("project panicked: %v", p)
				}
			}()
			sim, root := newSimulator(spec.Schema)
			out, err := json.Marshal(sim.project(expected, root, 0))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range spec.Check(out) {
				t.Errorf("projected %s: %s: %s", out, e.Pointer, e.Message)
			}
		})
	}
}
