package sink

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/seed0611af48/quarry/pipeline"
)

// FuzzParquet checks that any schema and any value (valid or not for the
// schema) write a Parquet file that reads back with one row, never a panic.
func FuzzParquet(f *testing.F) {
	schema, err := os.ReadFile(filepath.Join("testdata", "invoice.schema.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(schema, []byte(`{"vendor":"a","lines":[{"taxes":[{"rate":1}]}]}`), []byte(`[{"pointer":"/a","page":"x"}]`), uint8(0))
	f.Add(schema, []byte(`{"vendor":1,"issued":"2026-02-30","lines":[null,{"qty":1e400}],"tags":[1,"a"]}`), []byte(`{}`), uint8(5))
	f.Add([]byte(`{"$ref":"#"}`), []byte(`{}`), []byte(`[]`), uint8(3))
	f.Add([]byte(`{"type":"object","properties":{"a":{"$ref":"#"}}}`), []byte(`{"a":{"a":{"a":1}}}`), []byte(nil), uint8(2))
	f.Add([]byte(`{"anyOf":[{"$ref":"#/$defs/x"},{"type":"null"}],"$defs":{"x":{"type":"array","items":{"$ref":"#/$defs/x"}}}}`), []byte(`[[[]]]`), []byte(nil), uint8(1))
	f.Add([]byte(`{"type":["integer","null"]}`), []byte(`9223372036854775808`), []byte(nil), uint8(0))
	f.Add([]byte(`{"type":"string","format":"date-time"}`), []byte(`"0000-01-01T00:00:00Z"`), []byte(nil), uint8(0))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, schema, value, evidence []byte, depth uint8) {
		path := filepath.Join(t.TempDir(), "f.parquet")
		s, err := newParquet(path, schema, Options{MaxDepth: int(depth%8) + 1, Logger: log}, 2)
		if err != nil {
			return
		}
		o := &pipeline.Outcome{ID: "x", Status: pipeline.StatusOK, Value: json.RawMessage(value), Evidence: json.RawMessage(evidence)}
		for range 3 {
			if err := s.Write(o); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(nil); err != nil {
			t.Fatal(err)
		}
		if f := readParquet(t, path); len(f.rows) != 3 {
			t.Fatalf("%d rows, want 3", len(f.rows))
		}
	})
}

// FuzzSQLite checks that any schema and any value make a database that
// holds one record, never a panic or a failed insert.
func FuzzSQLite(f *testing.F) {
	schema, err := os.ReadFile(filepath.Join("testdata", "invoice.schema.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(schema, []byte(`{"vendor":1,"issued":"2026-02-30","lines":[null,{"qty":1e400,"taxes":[{"rate":"x"}]}],"tags":[1,"a"]}`), []byte(`[{"page":"x"},1]`), uint8(0))
	f.Add([]byte(`{"type":"object","properties":{"a":{"$ref":"#"},"a.b":{"type":"array","items":{"$ref":"#"}}}}`), []byte(`{"a":{"a":{}},"a.b":[{"a.b":[{}]}]}`), []byte(nil), uint8(3))
	f.Add([]byte(`{"type":"object","properties":{"":{"type":"integer"},"\"":{"type":"boolean"},"index":{"type":"array","items":{"type":"object","properties":{"index":{"type":"number"}}}}}}`), []byte(`{"":9223372036854775807,"\"":true,"index":[{"index":-0.0}]}`), []byte(nil), uint8(1))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, schema, value, evidence []byte, depth uint8) {
		path := filepath.Join(t.TempDir(), "f.sqlite")
		s, err := NewSQLite(path, schema, Options{MaxDepth: int(depth%8) + 1, Logger: log})
		if err != nil {
			if errors.Is(err, ErrSchema) {
				return
			}
			t.Fatal(err)
		}
		o := &pipeline.Outcome{ID: "x", Status: pipeline.StatusOK, Value: json.RawMessage(value), Evidence: json.RawMessage(evidence)}
		for range 2 {
			if err := s.Write(o); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(nil); err != nil {
			t.Fatal(err)
		}
		if n := count(t, openDB(t, path), "records"); n != 1 {
			t.Fatalf("%d records, want 1", n)
		}
	})
}
