package sink

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/seed0611af48/quarry/internal/ojson"
)

// FuzzFlatten checks that laying out any schema and flattening any value
// never panics, and that every row has as many cells as its header.
func FuzzFlatten(f *testing.F) {
	schema, err := os.ReadFile(filepath.Join("testdata", "invoice.schema.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(schema, []byte(`{"vendor":"a","lines":[{"taxes":[{"rate":1}]}]}`), uint8(0))
	f.Add([]byte(`{"$ref":"#"}`), []byte(`{}`), uint8(3))
	f.Add([]byte(`{"type":"object","properties":{"a":{"$ref":"#"}}}`), []byte(`{"a":{"a":{"a":1}}}`), uint8(2))
	f.Add([]byte(`{"anyOf":[{"$ref":"#/$defs/x"},{"type":"null"}],"$defs":{"x":{"type":"array","items":{"$ref":"#/$defs/x"}}}}`), []byte(`[[[]]]`), uint8(1))
	f.Add([]byte(`{"type":["string","null"],"format":"date"}`), []byte(`"2026-13-45"`), uint8(0))
	f.Fuzz(func(t *testing.T, schema, value []byte, depth uint8) {
		root, err := parseSchema(schema)
		if err != nil {
			return
		}
		lay, err := newLayout(root, int(depth%8)+1)
		if err != nil {
			return
		}
		v, err := parseJSON(value)
		if err != nil {
			return
		}
		v = lay.record(v)
		fl := flattener{sep: string(rune(depth))}
		if row := fl.row(nil, lay.main, v); len(row) != len(lay.main.columns) {
			t.Fatalf("main row has %d cells, header %d", len(row), len(lay.main.columns))
		}
		err = fl.children(lay.main, v, []cell{stringCell("id")}, func(c *table, row []cell) error {
			if len(row) != len(c.header()) {
				t.Fatalf("%s row has %d cells, header %d", c.name, len(row), len(c.header()))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzDecodeJSON checks the ordered decoder against encoding/json: same
// acceptance, and re-encoding gives the same value.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e-3,"x\u00e9\"",true,null],"b":{}}`, ` [ ] `, `"\ud83d\ude00"`, `{"a":1,"a":2}`, `1 2`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := parseJSON(data)
		want, werr := unmarshalNumbers(data)
		if (err == nil) != (werr == nil) {
			t.Fatalf("decodeJSON err %v, encoding/json err %v", err, werr)
		}
		if err != nil {
			return
		}
		got, err := unmarshalNumbers(ojson.Append(nil, &v))
		if err != nil {
			t.Fatalf("re-encoded %q: %v", ojson.Append(nil, &v), err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %#v, want %#v", got, want)
		}
	})
}

// unmarshalNumbers is json.Unmarshal into any, numbers kept as text.
func unmarshalNumbers(data []byte) (any, error) {
	if !json.Valid(data) {
		return nil, errors.New("invalid")
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}
