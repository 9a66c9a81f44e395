//go:build unix

package pipeline_test

import (
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// BenchmarkIntegration runs 1,000 small documents end to end: pipeline.Run
// with 16 workers, the Limiter middleware, a ledger and a sink, over
// extract and the openai-go client against extracttest, every answer valid
// at the first attempt. The fake server runs in the same process, so CPU
// and allocations per document include its share (HTTP serving, JSON).
//
//	go test ./pipeline/ -run '^$' -bench Integration -benchtime 1x
func BenchmarkIntegration(b *testing.B) {
	spec, _, err := extract.JSONSchema("invoice", []byte(integrationSchema))
	if err != nil {
		b.Fatal(err)
	}
	srv := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		id := docIDPattern.FindString(r.InputText())
		i, err := strconv.Atoi(id[len("doc-"):])
		if err != nil {
			panic("no document ID in request " + strconv.Itoa(r.Seq))
		}
		return extracttest.Text(validAnswer(i)).WithUsage(200, 0, 20, 0)
	})
	defer srv.Close()

	var wall, cpu time.Duration
	var mallocs, bytes uint64
	docs := 0
	for b.Loop() {
		b.StopTimer()
		job := &integrationJob{url: srv.URL, spec: spec, dir: b.TempDir()}
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		c0, t0 := cpuTime(), time.Now()
		b.StartTimer()

		res := job.run(b, "bench", false)

		b.StopTimer()
		wall += time.Since(t0)
		cpu += cpuTime() - c0
		runtime.ReadMemStats(&m1)
		mallocs += m1.Mallocs - m0.Mallocs
		bytes += m1.TotalAlloc - m0.TotalAlloc
		docs += res.totals.Documents
		if ok := res.totals.ByStatus[pipeline.StatusOK]; ok != integrationDocs {
			b.Fatalf("%d documents ok, want %d: %v", ok, integrationDocs, res.totals.ByStatus)
		}
		b.StartTimer()
	}
	n := float64(docs)
	b.ReportMetric(n/wall.Seconds(), "docs/s")
	b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-µs/doc")
	b.ReportMetric(float64(mallocs)/n, "allocs/doc")
	b.ReportMetric(float64(bytes)/n, "B/doc")
}

// cpuTime is the process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
