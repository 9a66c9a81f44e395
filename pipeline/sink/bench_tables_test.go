package sink

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/pipeline"
)

// BenchmarkParquet100k and BenchmarkSQLite100k write the same 100,000
// records × 20 fields as BenchmarkXLSX100k, BenchmarkCSV100k and
// BenchmarkJSONL100k.
func BenchmarkParquet100k(b *testing.B) { benchExport(b, ".parquet", 100_000) }
func BenchmarkSQLite100k(b *testing.B)  { benchExport(b, ".sqlite", 100_000) }

// BenchmarkChildren100k writes 100,000 records × 20 fields, each with 3
// line items of 3 fields (300,000 child rows), to every format, and
// reports the size of what was written.
func BenchmarkChildren100k(b *testing.B) {
	for _, ext := range []string{".jsonl", ".csv", ".xlsx", ".parquet", ".sqlite"} {
		b.Run(strings.TrimPrefix(ext, "."), func(b *testing.B) { benchChildren(b, ext, 100_000) })
	}
}

func benchChildren(b *testing.B, ext string, rows int) {
	schema, names := benchSchema()
	schema = []byte(strings.TrimSuffix(string(schema), "}}") +
		`,"lines":{"type":"array","items":{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer"},"price":{"type":"number"}}}}}}`)
	outs := make([]json.RawMessage, 1000)
	for i := range outs {
		v := string(benchValue(i, names))
		outs[i] = json.RawMessage(strings.TrimSuffix(v, "}") + fmt.Sprintf(
			`,"lines":[{"sku":"A-%d","qty":%d,"price":%d.5},{"sku":"B","qty":1,"price":2},{"sku":"C","qty":3,"price":0.25}]}`, i, i%7, i))
	}
	b.ReportAllocs()
	peak := startPeak()
	var size int64
	for range b.N {
		dir := b.TempDir()
		s, err := Open(filepath.Join(dir, "out"+ext), schema, Options{})
		if err != nil {
			b.Fatal(err)
		}
		o := &pipeline.Outcome{Status: pipeline.StatusOK, Source: "bench.csv"}
		for i := range rows {
			o.ID = "bench.csv#row=" + itoa(i+1)
			o.Row = i + 1
			o.Value = outs[i%len(outs)]
			if err := s.Write(o); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Close(&pipeline.RunInfo{}); err != nil {
			b.Fatal(err)
		}
		size = dirSize(b, dir)
	}
	peak.report(b)
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			n += fi.Size()
		}
	}
	return n
}
