package sink

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// flatAll lays out schema, flattens value and returns every table as a
// header followed by rows, by table name ("" is the main table).
func flatAll(t *testing.T, schema, value string, opts Options) map[string][][]string {
	t.Helper()
	root, err := parseSchema([]byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	lay, err := newLayout(root, opts.maxDepth())
	if err != nil {
		t.Fatal(err)
	}
	v, err := parseJSON([]byte(value))
	if err != nil {
		t.Fatal(err)
	}
	v = lay.record(v)
	f := flattener{sep: opts.ListSeparator}
	texts := func(cs []cell) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.text
		}
		return out
	}
	got := map[string][][]string{"": {lay.main.header(), texts(f.row(nil, lay.main, v))}}
	for _, c := range lay.tables {
		got[c.name] = [][]string{c.header()}
	}
	err = f.children(lay.main, v, []cell{stringCell("r1")}, func(c *table, row []cell) error {
		got[c.name] = append(got[c.name], texts(row))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func obj(props string) string {
	return `{"type":"object","additionalProperties":false,"properties":{` + props + `}}`
}

func TestFlatten(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		value  string
		opts   Options
		want   map[string][][]string
	}{
		{
			name:   "nested objects in schema order",
			schema: obj(`"vendor":{"type":"string"},"address":` + obj(`"street":{"type":"string"},"geo":`+obj(`"lat":{"type":"number"}`)) + `,"n":{"type":"integer"}`),
			value:  `{"n":3,"address":{"geo":{"lat":1.5},"street":"Main"},"vendor":"Acme"}`,
			want: map[string][][]string{"": {
				{"vendor", "address.street", "address.geo.lat", "n"},
				{"Acme", "Main", "1.5", "3"},
			}},
		},
		{
			name:   "array of scalars as JSON",
			schema: obj(`"tags":{"type":"array","items":{"type":"string"}}`),
			value:  `{"tags":["a;b","c"]}`,
			want:   map[string][][]string{"": {{"tags"}, {`["a;b","c"]`}}},
		},
		{
			name:   "array of scalars joined",
			schema: obj(`"tags":{"type":"array","items":{"type":["integer","null"]}}`),
			value:  `{"tags":[1,null,3]}`,
			opts:   Options{ListSeparator: "|"},
			want:   map[string][][]string{"": {{"tags"}, {"1||3"}}},
		},
		{
			name:   "array of objects and nested arrays",
			schema: obj(`"id":{"type":"string"},"lines":{"type":"array","items":` + obj(`"sku":{"type":"string"},"taxes":{"type":"array","items":`+obj(`"rate":{"type":"number"}`)+`}`) + `}`),
			value:  `{"id":"x","lines":[{"sku":"A","taxes":[{"rate":0.1},{"rate":0.2}]},{"sku":"B","taxes":[]},{"sku":"C","taxes":[{"rate":0.3}]}]}`,
			want: map[string][][]string{
				"": {{"id"}, {"x"}},
				"lines": {
					{"record_id", "index", "sku"},
					{"r1", "0", "A"}, {"r1", "1", "B"}, {"r1", "2", "C"},
				},
				"lines.taxes": {
					{"record_id", "lines.index", "index", "rate"},
					{"r1", "0", "0", "0.1"}, {"r1", "0", "1", "0.2"}, {"r1", "2", "0", "0.3"},
				},
			},
		},
		{
			name:   "array of objects inside an object",
			schema: obj(`"order":` + obj(`"items":{"type":"array","items":`+obj(`"q":{"type":"integer"}`)+`}`)),
			value:  `{"order":{"items":[{"q":1}]}}`,
			want: map[string][][]string{
				"":            {{}, {}},
				"order.items": {{"record_id", "index", "q"}, {"r1", "0", "1"}},
			},
		},
		{
			name: "nullable anyOf refs",
			schema: `{"type":"object","properties":{
				"customer":{"anyOf":[{"$ref":"#/$defs/party"},{"type":"null"}]},
				"seller":{"$ref":"#/$defs/party"},
				"when":{"anyOf":[{"type":"string","format":"date"},{"type":"null"}]}},
				"$defs":{"party":` + obj(`"name":{"type":"string"},"vat":{"type":["string","null"]}`) + `}}`,
			value: `{"customer":null,"seller":{"name":"S","vat":null},"when":"2026-01-02"}`,
			want: map[string][][]string{"": {
				{"customer.name", "customer.vat", "seller.name", "seller.vat", "when"},
				{"", "", "S", "", "2026-01-02"},
			}},
		},
		{
			name: "recursive schema capped at MaxDepth",
			schema: `{"$ref":"#/$defs/cat","$defs":{"cat":{"type":"object","properties":{
				"name":{"type":"string"},
				"parent":{"anyOf":[{"$ref":"#/$defs/cat"},{"type":"null"}]}}}}}`,
			value: `{"name":"a","parent":{"name":"b","parent":{"name":"c","parent":{"name":"d","parent":null}}}}`,
			opts:  Options{MaxDepth: 3},
			want: map[string][][]string{"": {
				{"name", "parent.name", "parent.parent.name", "parent.parent.parent"},
				{"a", "b", "c", `{"name":"d","parent":null}`},
			}},
		},
		{
			name: "recursive tree of arrays capped at MaxDepth",
			schema: `{"type":"object","properties":{"name":{"type":"string"},
				"children":{"type":"array","items":{"$ref":"#"}}}}`,
			value: `{"name":"root","children":[{"name":"k","children":[{"name":"g","children":[]}]}]}`,
			opts:  Options{MaxDepth: 2},
			want: map[string][][]string{
				"":         {{"name"}, {"root"}},
				"children": {{"record_id", "index", "name", "children"}, {"r1", "0", "k", `[{"name":"g","children":[]}]`}},
			},
		},
		{
			name:   "value of the wrong type kept as JSON",
			schema: obj(`"n":{"type":"integer"},"o":` + obj(`"x":{"type":"string"}`)),
			value:  `{"n":"seven","o":[1]}`,
			want:   map[string][][]string{"": {{"n", "o.x"}, {"seven", ""}}},
		},
		{
			name:   "non-object root",
			schema: `{"type":"array","items":{"type":"number"}}`,
			value:  `[1,2]`,
			want:   map[string][][]string{"": {{"value"}, {"[1,2]"}}},
		},
		{
			name:   "mixed types and empty objects as JSON",
			schema: obj(`"any":{"type":["string","number"]},"free":{"type":"object"},"m":{"anyOf":[{"type":"string"},{"type":"number"}]}`),
			value:  `{"any":5,"free":{"b":1,"a":2},"m":"s"}`,
			want:   map[string][][]string{"": {{"any", "free", "m"}, {"5", `{"b":1,"a":2}`, "s"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := flatAll(t, tt.schema, tt.value, tt.opts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLayoutErrors(t *testing.T) {
	for _, s := range []string{``, `[]`, `{"type":`, `{} {}`} {
		if _, err := parseSchema([]byte(s)); err == nil {
			t.Errorf("parseSchema(%q) = nil error", s)
		}
	}
	// A shared definition used 2^k times along a path must hit the column cap, not hang.
	var b strings.Builder
	b.WriteString(`{"$ref":"#/$defs/d0","$defs":{`)
	const k = 20
	for i := range k {
		next := `{"type":"string"}`
		if i < k-1 {
			next = `{"$ref":"#/$defs/d` + itoa(i+1) + `"}`
		}
		b.WriteString(`"d` + itoa(i) + `":{"type":"object","properties":{"a":` + next + `,"b":` + next + `}},`)
	}
	b.WriteString(`"z":{}}}`)
	root, err := parseSchema([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newLayout(root, 64); err == nil {
		t.Error("newLayout of 2^20 columns = nil error")
	}
}

func itoa(i int) string { return intCell(i).text }

func TestUniqueNames(t *testing.T) {
	got := uniqueNames([]string{"id", "ID", "", "id", "id_2"})
	want := []string{"id", "ID_2", "_", "id_3", "id_2_2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLayoutTableCap(t *testing.T) {
	// Ten recursive arrays of objects: 10^8 tables at depth 8 unless capped.
	var props []string
	for i := range 10 {
		props = append(props, `"p`+itoa(i)+`":{"type":"array","items":{"$ref":"#"}}`)
	}
	root, err := parseSchema([]byte(obj(strings.Join(props, ","))))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newLayout(root, 8); err == nil {
		t.Error("newLayout = nil error, want the column cap")
	}
}
