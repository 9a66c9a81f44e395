package sink

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed0611af48/quarry/pipeline"
)

// benchSchema has 20 fields: strings, numbers, integers, booleans, dates.
func benchSchema() ([]byte, []string) {
	var props, names []string
	kinds := []string{`{"type":"string"}`, `{"type":"number"}`, `{"type":"integer"}`,
		`{"type":"string","format":"date"}`, `{"type":"boolean"}`}
	for i := range 20 {
		name := fmt.Sprintf("f%02d", i)
		names = append(names, name)
		props = append(props, fmt.Sprintf("%q:%s", name, kinds[i%len(kinds)]))
	}
	return []byte(`{"type":"object","additionalProperties":false,"properties":{` + strings.Join(props, ",") + `}}`), names
}

func benchValue(i int, names []string) json.RawMessage {
	var b strings.Builder
	b.WriteByte('{')
	for j, name := range names {
		if j > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:", name)
		switch j % 5 {
		case 0:
			fmt.Fprintf(&b, `"vendor %d, street %d, some text"`, i, j)
		case 1:
			fmt.Fprintf(&b, "%d.%02d", i*7%100000, j)
		case 2:
			fmt.Fprintf(&b, "%d", i*j)
		case 3:
			fmt.Fprintf(&b, `"2026-%02d-%02d"`, 1+i%12, 1+i%28)
		case 4:
			fmt.Fprintf(&b, "%t", i%2 == 0)
		}
	}
	b.WriteByte('}')
	return json.RawMessage(b.String())
}

// peakMem samples the heap while a benchmark runs.
type peakMem struct {
	stop       chan struct{}
	wg         sync.WaitGroup
	heap, sys  uint64
	sampleTick time.Duration
}

func startPeak() *peakMem {
	runtime.GC()
	p := &peakMem{stop: make(chan struct{}), sampleTick: 5 * time.Millisecond}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(p.sampleTick)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			p.heap = max(p.heap, m.HeapInuse)
			p.sys = max(p.sys, m.Sys)
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func (p *peakMem) report(b *testing.B) {
	close(p.stop)
	p.wg.Wait()
	b.ReportMetric(float64(p.heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(p.sys)/(1<<20), "peak-sys-MB")
}

func benchExport(b *testing.B, ext string, rows int) {
	schema, names := benchSchema()
	outs := make([]json.RawMessage, 1000) // values repeat; ids differ
	for i := range outs {
		outs[i] = benchValue(i, names)
	}
	b.ReportAllocs()
	peak := startPeak()
	for range b.N {
		path := filepath.Join(b.TempDir(), "out"+ext)
		s, err := Open(path, schema, Options{})
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
	}
	peak.report(b)
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkXLSX100k(b *testing.B) { benchExport(b, ".xlsx", 100_000) }
func BenchmarkCSV100k(b *testing.B)  { benchExport(b, ".csv", 100_000) }
func BenchmarkJSONL100k(b *testing.B) {
	benchExport(b, ".jsonl", 100_000)
}
