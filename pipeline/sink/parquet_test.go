package sink

import (
	"bufio"
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/seed0611af48/quarry/pipeline"
)

// pqFile is a Parquet file read back through parquet-go.
type pqFile struct {
	schema    *parquet.Schema
	rowGroups int
	rows      []map[string]any // normalised: see pqNormalise
	meta      map[string]string
}

func readParquet(t testing.TB, path string) pqFile {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	out := pqFile{schema: pf.Schema(), rowGroups: len(pf.RowGroups()), meta: map[string]string{}}
	for _, kv := range pf.Metadata().KeyValueMetadata {
		out.meta[kv.Key] = kv.Value
	}
	r := parquet.NewReader(f)
	defer r.Close()
	for {
		m := map[string]any{}
		if err := r.Read(&m); err != nil {
			break
		}
		out.rows = append(out.rows, pqNormalise(out.schema, m).(map[string]any))
	}
	if int64(len(out.rows)) != pf.NumRows() {
		t.Fatalf("read %d rows, file says %d", len(out.rows), pf.NumRows())
	}
	return out
}

// pqNormalise makes a value read from Parquet comparable with decoded
// JSON: numbers float64, dates "YYYY-MM-DD", timestamps RFC 3339 in UTC.
func pqNormalise(n parquet.Node, v any) any {
	if v == nil {
		return nil
	}
	if !n.Leaf() {
		if _, ok := logical(n).(*format.ListType); ok {
			elem := n.Fields()[0].Fields()[0]
			out := []any{}
			for _, e := range v.([]any) {
				out = append(out, pqNormalise(elem, e))
			}
			return out
		}
		m := v.(map[string]any)
		for _, f := range n.Fields() {
			m[f.Name()] = pqNormalise(f, m[f.Name()])
		}
		return m
	}
	switch logical(n).(type) {
	case *format.DateType:
		return time.Unix(int64(v.(int32))*86400, 0).UTC().Format(time.DateOnly)
	case *format.TimestampType:
		return time.UnixMicro(v.(int64)).UTC().Format(time.RFC3339Nano)
	case *format.JsonType:
		return v // parquet-go decodes JSON columns itself
	}
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	}
	return v
}

func logical(n parquet.Node) format.LogicalTypeValue {
	if lt := n.Type().LogicalType(); lt != nil {
		return lt.Value
	}
	return nil
}

// jsonlLines writes outcomes as JSONL and decodes every line.
func jsonlLines(t testing.TB, os []*pipeline.Outcome) []map[string]any {
	t.Helper()
	var buf bytes.Buffer
	writeAll(t, NewJSONL(&buf, Options{}), os, runInfo())
	var lines []map[string]any
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, m)
	}
	return lines
}

// utcTimes rewrites the date-time strings at the given top-level record
// fields to UTC, as Parquet TIMESTAMP columns store them.
func utcTimes(v any, fields ...string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for _, f := range fields {
		if s, ok := m[f].(string); ok {
			if tm, err := time.Parse(time.RFC3339Nano, s); err == nil {
				m[f] = tm.UTC().Format(time.RFC3339Nano)
			}
		}
	}
	return m
}

var invoiceFields = []string{"vendor", "address", "issued", "created_at", "total", "paid", "tags", "lines", "customer"}

func writeParquet(t testing.TB, os []*pipeline.Outcome, opts Options) pqFile {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.parquet")
	s, err := Open(path, invoiceSchema(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, s, os, runInfo())
	if err := s.Close(nil); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	return readParquet(t, path)
}

func TestParquetSchema(t *testing.T) {
	f := writeParquet(t, outcomes(), Options{Simulated: true})
	golden(t, "parquet.schema.txt", []byte(f.schema.String()))
	if got := f.meta["quarry.schema"]; !json.Valid([]byte(got)) || !strings.Contains(got, `"lines"`) {
		t.Errorf("quarry.schema metadata = %.80q", got)
	}
	var run pipeline.RunInfo
	if err := json.Unmarshal([]byte(f.meta["quarry.run"]), &run); err != nil || run.Model != "gpt-test" || run.Totals.Documents != 4 {
		t.Errorf("quarry.run metadata = %q (%v)", f.meta["quarry.run"], err)
	}
	// Enum strings are dictionary-encoded.
	for _, path := range [][]string{{"status"}, {"model"}} {
		leaf, ok := f.schema.Lookup(path...)
		if !ok {
			t.Fatalf("no column %v", path)
		}
		if enc := leaf.Node.Encoding(); enc == nil || enc.Encoding() != parquet.RLEDictionary.Encoding() {
			t.Errorf("%v: encoding %v, want RLE_DICTIONARY", path, enc)
		}
	}
}

// TestParquetMatchesJSONL reads the Parquet file back and compares every
// row with the JSONL line of the same outcome.
func TestParquetMatchesJSONL(t *testing.T) {
	os := outcomes()
	os[0].Evidence = json.RawMessage(`[{"pointer":"/vendor","value":"Acme GmbH","quote":"ACME GmbH","page":1,"start":3,"end":12,` +
		`"match":"normalized","score":1,"verdict":"supported","boxes":[{"page":1,"x":10,"y":20,"w":30,"h":8}]},` +
		`{"pointer":"/total","value":-12.5,"quote":"","start":0,"end":0,"match":"none","score":0,"verdict":"not_found","reason":"no quote"}]`)
	f := writeParquet(t, os, Options{})
	lines := jsonlLines(t, os)
	if len(f.rows) != len(lines) {
		t.Fatalf("%d Parquet rows, %d JSONL lines", len(f.rows), len(lines))
	}
	for i, row := range f.rows {
		line := lines[i]
		t.Run(line["id"].(string), func(t *testing.T) {
			usage := line["usage"].(map[string]any)
			want := map[string]any{
				"id": line["id"], "status": line["status"], "error": line["error"], "source": line["source"],
				"row": line["row"], "page": line["page"], "attempts": line["attempts"], "model": line["model"],
				"started": line["started"], "finished": line["finished"],
				"tokens": map[string]any{"input": usage["input_tokens"], "cached": usage["cached_tokens"],
					"output": usage["output_tokens"], "reasoning": usage["reasoning_tokens"]},
				"raw_value": line["raw_value"],
			}
			got := map[string]any{}
			for k := range want {
				got[k] = row[k]
			}
			for _, k := range []string{"started", "finished"} {
				want[k] = utcTimes(map[string]any{k: want[k]}, k).(map[string]any)[k]
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("outcome columns (-jsonl +parquet):\n%s", diff)
			}

			value := utcTimes(line["value"], "created_at")
			record := map[string]any{}
			nulls := true
			for _, k := range invoiceFields {
				record[k] = row[k]
				nulls = nulls && row[k] == nil
			}
			if value == nil {
				if !nulls {
					t.Errorf("record fields = %v, want all null", record)
				}
			} else if diff := cmp.Diff(value, any(record)); diff != "" {
				t.Errorf("record (-jsonl +parquet):\n%s", diff)
			}

			var ev any
			if len(os[i].Evidence) > 0 {
				if err := json.Unmarshal(os[i].Evidence, &ev); err != nil {
					t.Fatal(err)
				}
				// Fields evidence.Item leaves out when empty are null columns.
				for _, it := range ev.([]any) {
					for _, k := range []string{"page", "reason", "boxes"} {
						if _, ok := it.(map[string]any)[k]; !ok {
							it.(map[string]any)[k] = nil
						}
					}
				}
			}
			if diff := cmp.Diff(ev, row["evidence"]); diff != "" {
				t.Errorf("evidence (-outcome +parquet):\n%s", diff)
			}
			if row["unfit"] != nil {
				t.Errorf("unfit = %v, want null", row["unfit"])
			}
		})
	}
	if diff := cmp.Diff([]any{
		map[string]any{"name": "customer_ref", "value": "C-7"},
		map[string]any{"name": "note", "value": "@SUM(A1)"},
	}, f.rows[0]["input"]); diff != "" {
		t.Errorf("input (-want +got):\n%s", diff)
	}
}

// TestParquetUnfit writes values that do not fit their columns: they become
// null at the nearest nullable field, with their pointers and the raw
// record kept.
func TestParquetUnfit(t *testing.T) {
	value := `{"vendor":12,"address":{"street":null,"city":"Oslo"},"issued":"2026-02-30",` +
		`"created_at":"yesterday","total":"12.50","paid":"yes","tags":["a",null],` +
		`"lines":[{"description":"x","qty":1.5,"unit_price":1,"taxes":[]}],` +
		`"customer":{"name":"Bob","vat_id":7}}`
	o := &pipeline.Outcome{ID: "bad", Status: pipeline.StatusInvalid, Reason: "schema", Value: json.RawMessage(value)}
	var logs bytes.Buffer
	f := writeParquet(t, []*pipeline.Outcome{o}, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if !strings.Contains(logs.String(), "record=bad") || !strings.Contains(logs.String(), "/lines/0/qty") {
		t.Errorf("no warning naming the record and pointers:\n%s", logs.String())
	}
	row := f.rows[0]
	for _, k := range invoiceFields {
		if k == "customer" {
			continue
		}
		if row[k] != nil {
			t.Errorf("%s = %v, want null", k, row[k])
		}
	}
	if diff := cmp.Diff(map[string]any{"name": "Bob", "vat_id": nil}, row["customer"]); diff != "" {
		t.Errorf("customer (-want +got):\n%s", diff)
	}
	want := []any{"/vendor", "/address/street", "/issued", "/created_at", "/total", "/paid", "/tags/1", "/lines/0/qty", "/customer/vat_id"}
	if diff := cmp.Diff(want, row["unfit"]); diff != "" {
		t.Errorf("unfit (-want +got):\n%s", diff)
	}
	if row["raw_value"] != value2compact(t, value) {
		t.Errorf("raw_value = %v", row["raw_value"])
	}
}

func value2compact(t *testing.T, s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestParquetRowGroups checks that rows are flushed in row groups.
func TestParquetRowGroups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.parquet")
	s, err := newParquet(path, invoiceSchema(t), Options{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	o := outcomes()[0]
	for i := range 250 {
		c := *o
		c.ID = "doc" + itoa(i)
		if err := s.Write(&c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(runInfo()); err != nil {
		t.Fatal(err)
	}
	f := readParquet(t, path)
	if f.rowGroups != 3 || len(f.rows) != 250 {
		t.Errorf("%d row groups, %d rows; want 3, 250", f.rowGroups, len(f.rows))
	}
	want := f.rows[0]
	for i, row := range f.rows {
		want["id"] = "doc" + itoa(i) // rows are written in batches that reuse their buffers
		if d := cmp.Diff(want, row); d != "" {
			t.Fatalf("row %d (-want +got):\n%s", i, d)
		}
	}
}

// TestParquetSchemas lays out schemas that are not plain objects.
func TestParquetSchemas(t *testing.T) {
	tests := []struct {
		name, schema, value string
		col                 string
		want                any
	}{
		{"scalar root", `{"type":"integer"}`, `42`, "value", 42.0},
		{"array root", `{"type":"array","items":{"type":"string"}}`, `["a","b"]`, "value", []any{"a", "b"}},
		{"recursive", `{"type":"object","properties":{"n":{"type":["integer","null"]},"next":{"anyOf":[{"$ref":"#"},{"type":"null"}]}}}`,
			`{"n":1,"next":{"n":2,"next":null}}`, "next", map[string]any{"n": 2.0, "next": nil}},
		{"open object", `{"type":"object","properties":{"extra":{"type":"object"}}}`, `{"extra":{"b":[1,{"c":null}]}}`,
			"extra", map[string]any{"b": []any{1.0, map[string]any{"c": nil}}}},
		{"mixed types", `{"type":"object","properties":{"x":{"type":["string","number"]}}}`, `{"x":3}`, "x", 3.0},
		{"name taken", `{"type":"object","properties":{"id":{"type":"string"},"ID":{"type":"string"}}}`, `{"id":"a","ID":"b"}`, "ID_3", "b"},
		{"enum", `{"type":"object","properties":{"c":{"type":"string","enum":["x","y"]}}}`, `{"c":"y"}`, "c", "y"},
		{"deep", `{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"array","items":{"type":"array","items":{"type":"integer"}}}}}}}`,
			`{"a":{"b":[[1,2],[],[3]]}}`, "a", map[string]any{"b": []any{[]any{1.0, 2.0}, []any{}, []any{3.0}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.parquet")
			s, err := NewParquet(path, []byte(tt.schema), Options{})
			if err != nil {
				t.Fatal(err)
			}
			writeAll(t, s, []*pipeline.Outcome{{ID: "a", Status: pipeline.StatusOK, Value: json.RawMessage(tt.value)}}, runInfo())
			f := readParquet(t, path)
			if diff := cmp.Diff(tt.want, f.rows[0][tt.col]); diff != "" {
				t.Errorf("%s (-want +got):\n%s\nrow: %v", tt.col, diff, f.rows[0])
			}
			if f.rows[0]["unfit"] != nil {
				t.Errorf("unfit = %v", f.rows[0]["unfit"])
			}
		})
	}
}

func TestParquetBadSchema(t *testing.T) {
	_, err := NewParquet(filepath.Join(t.TempDir(), "x.parquet"), []byte(`[`), Options{})
	if err == nil || !strings.Contains(err.Error(), "bad schema") {
		t.Errorf("err = %v, want a bad schema error", err)
	}
}

func TestParquetWriteAfterClose(t *testing.T) {
	s, err := NewParquet(filepath.Join(t.TempDir(), "x.parquet"), invoiceSchema(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(outcomes()[0]); err != ErrClosed {
		t.Errorf("Write after Close = %v, want ErrClosed", err)
	}
}

func TestParquetFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes are not Unix permissions on Windows")
	}
	path := filepath.Join(t.TempDir(), "x.parquet")
	s, err := NewParquet(path, invoiceSchema(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(nil); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o644 {
		t.Errorf("mode = %v, want -rw-r--r-- like the other outputs", got)
	}
}
