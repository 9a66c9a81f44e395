package sink_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/sink"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

var exampleSchema = []byte(`{"type":"object","additionalProperties":false,"properties":{
	"vendor":{"type":"string"},
	"issued":{"type":"string","format":"date"},
	"lines":{"type":"array","items":{"type":"object","additionalProperties":false,
		"properties":{"sku":{"type":"string"},"qty":{"type":"integer"}}}}}}`)

var exampleOutcome = &pipeline.Outcome{ID: "a.pdf", Status: pipeline.StatusOK, Source: "a.pdf", Attempts: 1,
	Value: json.RawMessage(`{"vendor":"Acme","issued":"2026-03-01","lines":[{"sku":"X","qty":2},{"sku":"Y","qty":"two"}]}`)}

func ExampleNewParquet() {
	dir, _ := os.MkdirTemp("", "sink-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "out.parquet")

	s, err := sink.NewParquet(path, exampleSchema, sink.Options{Logger: discard})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = s.Write(exampleOutcome)
	if err := s.Close(nil); err != nil {
		fmt.Println(err)
		return
	}

	rows, err := parquet.ReadFile[struct {
		ID     string `parquet:"id"`
		Vendor string `parquet:"vendor"`
		Issued int32  `parquet:"issued"` // DATE: days since 1970-01-01
		Lines  []struct {
			SKU string `parquet:"sku"`
			Qty int64  `parquet:"qty"`
		} `parquet:"lines,list"`
		Unfit []string `parquet:"unfit,list"`
	}](path)
	if err != nil {
		fmt.Println(err)
		return
	}
	// "two" does not fit the required INT64 qty: the nearest nullable
	// field, lines, is null; unfit says why (raw_value keeps the record).
	r := rows[0]
	fmt.Println(r.ID, r.Vendor, r.Issued, r.Lines, r.Unfit)
	// Output:
	// a.pdf Acme 20513 [] [/lines/1/qty]
}

func ExampleNewSQLite() {
	dir, _ := os.MkdirTemp("", "sink-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "out.sqlite")

	for range 2 { // a second run updates the rows in place
		s, err := sink.NewSQLite(path, exampleSchema, sink.Options{Logger: discard})
		if err != nil {
			fmt.Println(err)
			return
		}
		_ = s.Write(exampleOutcome)
		if err := s.Close(&pipeline.RunInfo{Model: "gpt-4.1"}); err != nil {
			fmt.Println(err)
			return
		}
	}

	db, _ := sql.Open("sqlite", path)
	defer db.Close()
	rows, _ := db.Query(`SELECT r.vendor, r.issued, l."index", l.sku, l.qty, r.unfit
		FROM records r JOIN lines l ON l.record_id = r.id ORDER BY l."index"`)
	defer rows.Close()
	for rows.Next() {
		var vendor, issued, sku, unfit string
		var index int
		var qty sql.NullInt64
		_ = rows.Scan(&vendor, &issued, &index, &sku, &qty, &unfit)
		fmt.Println(vendor, issued, index, sku, qty.Int64, qty.Valid, unfit)
	}
	var runs int
	_ = db.QueryRow(`SELECT count(*) FROM runs`).Scan(&runs)
	fmt.Println("runs:", runs)
	// Output:
	// Acme 2026-03-01 0 X 2 true ["/lines/1/qty"]
	// Acme 2026-03-01 1 Y 0 false ["/lines/1/qty"]
	// runs: 2
}
