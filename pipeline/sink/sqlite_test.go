package sink

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/seed0611af48/quarry/pipeline"
)

func openDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// query returns the rows of q as maps, values as database/sql gives them
// (int64, float64, string, nil).
func query(t testing.TB, db *sql.DB, q string, args ...any) []map[string]any {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		for i, c := range cols {
			m[c] = vals[i]
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func count(t testing.TB, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	return query(t, db, "SELECT count(*) AS n FROM "+q, args...)[0]["n"].(int64)
}

func writeSQLite(t testing.TB, path string, os []*pipeline.Outcome, opts Options) {
	t.Helper()
	s, err := Open(path, invoiceSchema(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, s, os, runInfo())
	if err := s.Close(nil); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}

// invoiceFromTables rebuilds the record of id from records and the child
// tables, as the JSON the JSONL output holds (date-times in UTC).
func invoiceFromTables(t *testing.T, db *sql.DB, id string) any {
	t.Helper()
	r := query(t, db, `SELECT * FROM records WHERE id = ?`, id)[0]
	if r["vendor"] == nil && r["total"] == nil {
		return nil
	}
	obj := func(prefix string, keys ...string) any {
		m := map[string]any{}
		null := true
		for _, k := range keys {
			m[k] = r[prefix+"."+k]
			null = null && m[k] == nil
		}
		if null {
			return nil
		}
		return m
	}
	var tags any
	if err := json.Unmarshal([]byte(r["tags"].(string)), &tags); err != nil {
		t.Fatal(err)
	}
	lines := []any{}
	for _, l := range query(t, db, `SELECT * FROM lines WHERE record_id = ? ORDER BY "index"`, id) {
		taxes := []any{}
		for _, x := range query(t, db, `SELECT name, rate FROM "lines.taxes" WHERE record_id = ? AND "lines.index" = ? ORDER BY "index"`, id, l["index"]) {
			taxes = append(taxes, map[string]any{"name": x["name"], "rate": x["rate"]})
		}
		lines = append(lines, map[string]any{"description": l["description"], "qty": float64(l["qty"].(int64)),
			"unit_price": l["unit_price"], "taxes": taxes})
	}
	return map[string]any{
		"vendor": r["vendor"], "address": obj("address", "street", "city"), "issued": r["issued"],
		"created_at": r["created_at"], "total": r["total"], "paid": r["paid"] == int64(1), "tags": tags,
		"lines": lines, "customer": obj("customer", "name", "vat_id"),
	}
}

func TestSQLiteMatchesJSONL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.sqlite")
	os := outcomes()
	os[0].Evidence = json.RawMessage(`[{"pointer":"/vendor","value":"Acme GmbH","quote":"ACME GmbH","page":1,"start":3,"end":12,` +
		`"match":"normalized","score":1,"verdict":"supported","boxes":[{"page":1,"x":10,"y":20,"w":30,"h":8}]},` +
		`{"pointer":"/total","value":-12.5,"quote":"","start":0,"end":0,"match":"none","score":0,"verdict":"not_found","reason":"no quote"}]`)
	writeSQLite(t, path, os, Options{})
	db := openDB(t, path)

	var ddl []string
	for _, r := range query(t, db, `SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type DESC, name`) {
		ddl = append(ddl, r["sql"].(string)+";")
	}
	golden(t, "sqlite.schema.sql", []byte(strings.Join(ddl, "\n")+"\n"))

	lines := jsonlLines(t, os)
	if n := count(t, db, "records"); n != int64(len(lines)) {
		t.Fatalf("%d records, %d JSONL lines", n, len(lines))
	}
	for _, line := range lines {
		id := line["id"].(string)
		t.Run(id, func(t *testing.T) {
			r := query(t, db, `SELECT * FROM records WHERE id = ?`, id)[0]
			usage := line["usage"].(map[string]any)
			num := func(v any) any {
				if f, ok := v.(float64); ok {
					return int64(f)
				}
				return v
			}
			want := map[string]any{
				"status": line["status"], "error": line["error"], "source": line["source"], "row": num(line["row"]),
				"page": num(line["page"]), "attempts": num(line["attempts"]), "model": line["model"],
				"input_tokens": num(usage["input_tokens"]), "output_tokens": num(usage["output_tokens"]),
				"cached_tokens": num(usage["cached_tokens"]), "reasoning_tokens": num(usage["reasoning_tokens"]),
				"started":   utcTimes(map[string]any{"t": line["started"]}, "t").(map[string]any)["t"],
				"raw_value": line["raw_value"], "unfit": nil, "simulated": int64(0),
			}
			got := map[string]any{}
			for k := range want {
				got[k] = r[k]
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("outcome columns (-jsonl +sqlite):\n%s", d)
			}
			if d := cmp.Diff(utcTimes(line["value"], "created_at"), invoiceFromTables(t, db, id)); d != "" {
				t.Errorf("record (-jsonl +sqlite):\n%s", d)
			}
		})
	}

	types := query(t, db, `SELECT typeof(total) AS total, typeof(paid) AS paid, typeof(issued) AS issued, typeof(row) AS row,
		(SELECT typeof(qty) FROM lines LIMIT 1) AS qty FROM records WHERE id = 'invoices.csv#row=1'`)[0]
	if d := cmp.Diff(map[string]any{"total": "real", "paid": "integer", "issued": "text", "row": "integer", "qty": "integer"}, types); d != "" {
		t.Errorf("storage classes (-want +got):\n%s", d)
	}
	if n := count(t, db, `errors`); n != 2 {
		t.Errorf("errors lists %d documents, want 2", n)
	}
	ev := query(t, db, `SELECT record_id, "index", pointer, value, page, match, score, verdict, reason, boxes FROM evidence ORDER BY "index"`)
	wantEv := []map[string]any{
		{"record_id": "invoices.csv#row=1", "index": int64(0), "pointer": "/vendor", "value": `"Acme GmbH"`, "page": int64(1),
			"match": "normalized", "score": 1.0, "verdict": "supported", "reason": nil, "boxes": `[{"page":1,"x":10,"y":20,"w":30,"h":8}]`},
		{"record_id": "invoices.csv#row=1", "index": int64(1), "pointer": "/total", "value": `-12.5`, "page": nil,
			"match": "none", "score": 0.0, "verdict": "not_found", "reason": "no quote", "boxes": nil},
	}
	if d := cmp.Diff(wantEv, ev); d != "" {
		t.Errorf("evidence (-want +got):\n%s", d)
	}
	run := query(t, db, `SELECT model, documents, ok, error, incomplete, input_tokens, cost_usd FROM runs`)
	if d := cmp.Diff([]map[string]any{{"model": "gpt-test", "documents": int64(4), "ok": int64(2), "error": int64(1),
		"incomplete": int64(1), "input_tokens": int64(2100), "cost_usd": nil}}, run); d != "" {
		t.Errorf("runs (-want +got):\n%s", d)
	}
	if got := query(t, db, `SELECT json_extract(input, '$.customer_ref') AS ref FROM records WHERE id = 'invoices.csv#row=2'`)[0]["ref"]; got != "C-8" {
		t.Errorf("input.customer_ref = %v", got)
	}
}

// TestSQLiteResume writes into the same database twice: rows are updated
// in place, child rows replaced, nothing duplicated; a document skipped
// without an earlier result does not overwrite its row.
func TestSQLiteResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.db")
	writeSQLite(t, path, outcomes(), Options{})

	again := outcomes()
	again[0].Value = json.RawMessage(`{"vendor":"Acme AG","address":{"street":"s","city":null},"issued":"2026-03-01","created_at":null,` +
		`"total":1,"paid":true,"tags":[],"lines":[{"description":"only","qty":3,"unit_price":1,"taxes":[{"name":"VAT","rate":0.2}]}],"customer":null}`)
	again[2] = &pipeline.Outcome{ID: "broken.pdf", Status: pipeline.StatusOK, Value: json.RawMessage(`{"vendor":"Fixed"}`), Attempts: 1}
	again[3] = &pipeline.Outcome{ID: "invoices.csv#row=2", Status: pipeline.StatusSkipped, Reason: "not sent: --limit"}
	again = append(again, &pipeline.Outcome{ID: "new.pdf", Status: pipeline.StatusSkipped, Reason: "not sent: budget"})
	s, err := Open(path, invoiceSchema(t), Options{Cost: func(u pipeline.Usage) (float64, bool) { return float64(u.InputTokens) / 1e6, true }})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, s, again, runInfo())

	db := openDB(t, path)
	if n := count(t, db, "records"); n != 5 {
		t.Errorf("%d records, want 5", n)
	}
	if n := count(t, db, "(SELECT id FROM records GROUP BY id HAVING count(*) > 1)"); n != 0 {
		t.Errorf("%d duplicate ids", n)
	}
	got := map[string]any{}
	for _, r := range query(t, db, `SELECT id, status, vendor FROM records`) {
		got[r["id"].(string)] = strings.TrimSpace(r["status"].(string) + " " + str(r["vendor"]))
	}
	want := map[string]any{
		"invoices.csv#row=1": "ok Acme AG", "scans/b.pdf#page=2": "ok +1", "broken.pdf": "ok Fixed",
		"invoices.csv#row=2": "incomplete", "new.pdf": "skipped",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
	if n := count(t, db, "lines"); n != 1 {
		t.Errorf("%d line rows, want 1 (the first run's two replaced)", n)
	}
	if n := count(t, db, `"lines.taxes"`); n != 1 {
		t.Errorf("%d tax rows, want 1", n)
	}
	runs := query(t, db, `SELECT run, cost_usd FROM runs ORDER BY run`)
	if len(runs) != 2 || runs[0]["cost_usd"] != nil || runs[1]["cost_usd"] != 0.0021 {
		t.Errorf("runs = %v, want two, the second with a cost", runs)
	}
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

func TestSQLiteSchemaChange(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.sqlite")
	writeSQLite(t, path, outcomes(), Options{})

	other := []byte(`{"type":"object","properties":{"vendor":{"type":"string"},"total":{"type":"integer"}}}`)
	_, err := NewSQLite(path, other, Options{})
	if !errors.Is(err, ErrSchemaChanged) || !strings.Contains(err.Error(), "out.sqlite") || !strings.Contains(err.Error(), "new file") {
		t.Errorf("another schema: err = %v, want ErrSchemaChanged naming the file and what to do", err)
	}
	if n := count(t, openDB(t, path), "records"); n != 4 {
		t.Errorf("the refused database has %d records, want its 4 untouched", n)
	}

	foreign := filepath.Join(dir, "foreign.db")
	if _, err := openDB(t, foreign).Exec(`CREATE TABLE customers (id INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := NewSQLite(foreign, invoiceSchema(t), Options{}); !errors.Is(err, ErrSchemaChanged) {
		t.Errorf("a database Quarry did not make: err = %v, want ErrSchemaChanged", err)
	}
}

// TestSQLiteReaderWhileWriting reads the database while a sink writes it:
// committed batches are visible, and the reader never blocks the writer.
func TestSQLiteReaderWhileWriting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.sqlite")
	s, err := newSQLite(path, invoiceSchema(t), Options{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return s.lastCommit } // no timed commits
	db := openDB(t, path)
	if mode := query(t, db, `PRAGMA journal_mode`)[0]["journal_mode"]; mode != "wal" {
		t.Errorf("journal_mode = %v, want wal", mode)
	}
	o := outcomes()[0]
	write := func(from, to int) {
		for i := from; i < to; i++ {
			c := *o
			c.ID = "doc" + itoa(i)
			if err := s.Write(&c); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(0, 25)
	tx, err := db.Begin() // a reader holding a snapshot open
	if err != nil {
		t.Fatal(err)
	}
	var seen int
	if err := tx.QueryRow(`SELECT count(*) FROM records`).Scan(&seen); err != nil {
		t.Fatal(err)
	}
	if seen != 20 {
		t.Errorf("reader sees %d records after 25 writes in batches of 10, want 20", seen)
	}
	write(25, 40)
	if err := s.Close(runInfo()); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	if n := count(t, db, "records"); n != 40 {
		t.Errorf("%d records after Close, want 40", n)
	}
}

func TestSQLiteUnfit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.sqlite")
	value := `{"vendor":12,"address":{"street":null,"city":"Oslo"},"issued":"2026-02-30","created_at":"yesterday",` +
		`"total":"12.50","paid":"yes","tags":"a","lines":[{"description":"x","qty":1.5,"unit_price":1,"taxes":[]}],` +
		`"customer":{"name":"Bob","vat_id":7}}`
	var logs bytes.Buffer
	writeSQLite(t, path, []*pipeline.Outcome{{ID: "bad", Status: pipeline.StatusInvalid, Value: json.RawMessage(value)}},
		Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	db := openDB(t, path)
	r := query(t, db, `SELECT vendor, "address.city", issued, created_at, total, paid, tags, "customer.name", "customer.vat_id", unfit, raw_value FROM records`)[0]
	want := map[string]any{
		"vendor": nil, "address.city": "Oslo", "issued": nil, "created_at": nil, "total": nil, "paid": nil, "tags": nil,
		"customer.name": "Bob", "customer.vat_id": nil,
		"unfit":     `["/vendor","/issued","/created_at","/total","/paid","/tags","/customer/vat_id","/lines/0/qty"]`,
		"raw_value": value2compact(t, value),
	}
	if d := cmp.Diff(want, r); d != "" {
		t.Errorf("record (-want +got):\n%s", d)
	}
	if l := query(t, db, `SELECT qty, description FROM lines`); len(l) != 1 || l[0]["qty"] != nil || l[0]["description"] != "x" {
		t.Errorf("lines = %v", l)
	}
	if !strings.Contains(logs.String(), "/lines/0/qty") {
		t.Errorf("no warning with the pointers:\n%s", logs.String())
	}
}

func TestSQLiteSchemas(t *testing.T) {
	tests := []struct {
		name, schema, value, q string
		want                   any
	}{
		{"scalar root", `{"type":"integer"}`, `42`, `SELECT value AS v FROM records`, int64(42)},
		{"table names taken", `{"type":"object","properties":{"runs":{"type":"array","items":{"type":"object","properties":{"index":{"type":"string"}}}}}}`,
			`{"runs":[{"index":"a"}]}`, `SELECT index_2 AS v FROM runs_2`, "a"},
		{"quotes in names", `{"type":"object","properties":{"a\"b":{"type":"boolean"}}}`, `{"a\"b":true}`, `SELECT "a""b" AS v FROM records`, int64(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.sqlite")
			s, err := NewSQLite(path, []byte(tt.schema), Options{})
			if err != nil {
				t.Fatal(err)
			}
			writeAll(t, s, []*pipeline.Outcome{{ID: "a", Status: pipeline.StatusOK, Value: json.RawMessage(tt.value)}}, runInfo())
			if got := query(t, openDB(t, path), tt.q)[0]["v"]; got != tt.want {
				t.Errorf("%s = %#v, want %#v", tt.q, got, tt.want)
			}
		})
	}
}
