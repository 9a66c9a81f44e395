package main

import (
	"database/sql"
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

// TestRunSamplesSQLite runs the sample documents into JSONL and SQLite,
// resumes the run and exports it into the same database: rows equal the
// JSONL output, nothing is duplicated, and a run with another schema is
// refused before any request.
func TestRunSamplesSQLite(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	args := append(strings.Fields(invoiceArgs), "--in", "testdata/samples", "--exclude", "tickets/**",
		"--pdf-password", "user", "--out", "out/i.jsonl", "--out", "out/i.sqlite")
	r := c.run(t, exitOK, args...)
	c.run(t, exitOK, args...) // resumed: everything skipped, rows replayed
	c.run(t, exitOK, "export", "--run-dir", runDirOf(t, r.stderr), "--out", "out/i.sqlite")

	db, err := sql.Open("sqlite", filepath.Join(dir, "out/i.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lines, all := readJSONL(t, dir, "out/i.jsonl")
	var n, ids, lineRows, runs int
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT id), (SELECT count(*) FROM lines), (SELECT count(*) FROM runs) FROM records`).
		Scan(&n, &ids, &lineRows, &runs); err != nil {
		t.Fatal(err)
	}
	wantLines := 0
	for _, l := range lines {
		var v struct{ Lines []any }
		if err := json.Unmarshal(l.Value, &v); err != nil {
			t.Fatal(err)
		}
		wantLines += len(v.Lines)
	}
	if n != len(all) || ids != len(all) || lineRows != wantLines || runs != 3 {
		t.Errorf("%d records (%d ids), %d line rows, %d runs; want %d, %d, %d, 3 (run, resume, export)", n, ids, lineRows, runs, len(all), len(all), wantLines)
	}

	rows, err := db.Query(`SELECT id, status, vendor, invoice_number, issue_date, due_date, currency, total, simulated,
		(SELECT json_group_array(json_object('description', description, 'quantity', quantity, 'unit_price', unit_price))
		 FROM (SELECT * FROM lines WHERE record_id = records.id ORDER BY "index"))
		FROM records`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, status, vendor, number, issued, currency, lineJSON string
		var due sql.NullString
		var total float64
		var simulated int
		if err := rows.Scan(&id, &status, &vendor, &number, &issued, &due, &currency, &total, &simulated, &lineJSON); err != nil {
			t.Fatal(err)
		}
		rec := map[string]any{"vendor": vendor, "invoice_number": number, "issue_date": issued, "due_date": nil,
			"currency": currency, "total": total, "lines": jsonValue(t, []byte(lineJSON))}
		if due.Valid {
			rec["due_date"] = due.String
		}
		b, _ := json.Marshal(rec)
		l := lines[id]
		if status != l.Status || simulated != 1 {
			t.Errorf("%s: status %s simulated %d, JSONL %s", id, status, simulated, l.Status)
		}
		if d := cmp.Diff(jsonValue(t, l.Value), jsonValue(t, b)); d != "" {
			t.Errorf("%s: record (-jsonl +sqlite):\n%s", id, d)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}

	other := c.run(t, exitFatal, "run", "--mock", "--schema", "vendor, total number", "--in", "testdata/samples/notes", "--out", "out/i.sqlite")
	if !strings.Contains(other.stderr, "out/i.sqlite was made for another record schema") || strings.Contains(other.stderr, "requests") {
		t.Errorf("a run with another schema into the database: stderr does not say why, or requests were sent:\n%s", other.stderr)
	}
}
