package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"
)

// readParquetRows reads a Parquet output through parquet-go, keyed by id;
// DATE columns come back as days since 1970.
func readParquetRows(t *testing.T, dir, name string) (map[string]map[string]any, *parquet.Schema) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
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
	r := parquet.NewReader(f)
	defer r.Close()
	rows := map[string]map[string]any{}
	for range pf.NumRows() {
		m := map[string]any{}
		if err := r.Read(&m); err != nil {
			t.Fatal(err)
		}
		id := m["id"].(string)
		if _, dup := rows[id]; dup {
			t.Errorf("%s: %s appears twice", name, id)
		}
		rows[id] = m
	}
	return rows, pf.Schema()
}

// parquetRecord turns a row's invoice columns back into the JSON the JSONL
// output holds (dates as text, integers and doubles as JSON numbers).
func parquetRecord(t *testing.T, row map[string]any) any {
	t.Helper()
	rec := map[string]any{}
	for _, k := range []string{"vendor", "invoice_number", "issue_date", "due_date", "currency", "total", "lines"} {
		v := row[k]
		if d, ok := v.(int32); ok {
			v = time.Unix(int64(d)*86400, 0).UTC().Format(time.DateOnly)
		}
		rec[k] = v
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return jsonValue(t, b)
}

// TestRunSamplesParquet runs the sample documents into JSONL and Parquet,
// then exports the run to Parquet again: row counts, column types, nulls
// and nested values equal the JSONL output.
func TestRunSamplesParquet(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	args := append(strings.Fields(invoiceArgs), "--in", "testdata/samples", "--exclude", "tickets/**",
		"--out", "out/i.jsonl", "--out", "out/i.parquet")
	r := c.run(t, exitFailures, args...) // without --pdf-password the encrypted PDF fails
	runDir := runDirOf(t, r.stderr)
	c.run(t, exitOK, "export", "--run-dir", runDir, "--out", "exp/x.parquet")

	lines, all := readJSONL(t, dir, "out/i.jsonl")
	for _, name := range []string{"out/i.parquet", "exp/x.parquet"} {
		t.Run(name, func(t *testing.T) {
			rows, schema := readParquetRows(t, dir, name)
			if len(rows) != len(all) {
				t.Errorf("%d rows, %d JSONL lines", len(rows), len(all))
			}
			types := map[string]string{}
			for _, path := range [][]string{{"id"}, {"status"}, {"issue_date"}, {"due_date"}, {"currency"}, {"total"},
				{"lines", "list", "element", "quantity"}, {"tokens", "input"}, {"simulated"}} {
				col, ok := schema.Lookup(path...)
				if !ok {
					t.Fatalf("no column %v", path)
				}
				n := col.Node
				types[strings.Join(path, ".")] = map[bool]string{true: "optional ", false: ""}[n.Optional()] + n.Type().String()
			}
			want := map[string]string{
				"id": "STRING", "status": "STRING", "issue_date": "optional DATE", "due_date": "optional DATE",
				"currency": "optional STRING", "total": "optional DOUBLE", "lines.list.element.quantity": "DOUBLE",
				"tokens.input": "INT(64,true)", "simulated": "BOOLEAN",
			}
			if d := cmp.Diff(want, types); d != "" {
				t.Errorf("column types (-want +got):\n%s", d)
			}
			for id, l := range lines {
				row := rows[id]
				if row == nil {
					t.Errorf("%s: no row", id)
					continue
				}
				if row["status"] != l.Status || row["source"] != l.Source || row["attempts"] != int64(l.Attempts) {
					t.Errorf("%s: status %v source %v attempts %v; JSONL %s %s %d", id, row["status"], row["source"], row["attempts"], l.Status, l.Source, l.Attempts)
				}
				if l.Error != "" && row["error"] != l.Error {
					t.Errorf("%s: error %v, JSONL %q", id, row["error"], l.Error)
				}
				if string(l.Value) == "null" || len(l.Value) == 0 {
					if row["vendor"] != nil || row["lines"] != nil {
						t.Errorf("%s: no value in JSONL, but Parquet has vendor %v lines %v", id, row["vendor"], row["lines"])
					}
					continue
				}
				if d := cmp.Diff(jsonValue(t, l.Value), parquetRecord(t, row)); d != "" {
					t.Errorf("%s: record (-jsonl +parquet):\n%s", id, d)
				}
				if row["unfit"] != nil {
					t.Errorf("%s: unfit %v", id, row["unfit"])
				}
			}
		})
	}
}
