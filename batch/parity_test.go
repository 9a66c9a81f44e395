package batch

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// jsonlSink keeps each outcome as a JSON line, as the JSONL sink writes it.
type jsonlSink struct{ lines []string }

func (s *jsonlSink) Write(o *pipeline.Outcome) error {
	b, err := json.Marshal(o)
	s.lines = append(s.lines, string(b))
	return err
}

func (s *jsonlSink) Close(*pipeline.RunInfo) error { return nil }

// comparable drops what differs between runs: times, response IDs.
type comparable struct {
	Seq      int64
	ID       string
	Status   pipeline.Status
	Reason   string
	Value    json.RawMessage
	Attempts int
	Usage    pipeline.Usage
	Model    string
	Row      int
}

func normalize(t *testing.T, lines []string) []comparable {
	t.Helper()
	var out []comparable
	for _, l := range lines {
		var c comparable
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// TestSameAsSync runs 20 documents through pipeline.Run with synchronous
// calls and through batch.Run against the same handler, and compares the
// outcomes: values, statuses, reasons, attempts, usage.
func TestSameAsSync(t *testing.T) {
	h := func(r *extracttest.Request) extracttest.Reply {
		var i int
		fmt.Sscanf(r.InputText(), "doc %d", &i)
		switch i {
		case 3:
			return extracttest.Refusal("I can't help with that.")
		case 5:
			return extracttest.Status(400, "invalid_request_error", "context_length_exceeded", "Too long.").
				WithHeaders(map[string][]string{"X-Should-Retry": {"false"}})
		case 8:
			return extracttest.Incomplete("content_filter", `{"doc"`)
		case 11:
			return extracttest.Failed("server_error", "The model failed.")
		case 13: // never valid
			return extracttest.JSON(rec{Doc: "13", N: -13}).WithUsage(50, 0, 5, 0)
		}
		return handler(every20)(r)
	}
	f := newFixture(t, h)
	spec := f.spec
	sync := &jsonlSink{}
	fn := func(ctx context.Context, doc pipeline.Document) pipeline.Result {
		value, res, err := f.ex.Extract(ctx, spec, docextract.Inputs(&doc)...)
		r := docextract.Result(value, res, err)
		r.Requests = 0
		return r
	}
	if _, err := pipeline.Run(t.Context(), docs(20), fn, pipeline.Options{Concurrency: 4, Sinks: []pipeline.Sink{sync}}); err != nil {
		t.Fatal(err)
	}
	l := openLedger(t, t.TempDir())
	async := &jsonlSink{}
	_, err := Run(t.Context(), docs(20), Job{Extractor: f.ex, Spec: spec, Ledger: l, Fingerprint: "fp", Sinks: []pipeline.Sink{async}},
		Options{API: NewAPI(newClient(f.s)), TempDir: t.TempDir(), Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	want, got := normalize(t, sync.lines), normalize(t, async.lines)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("batch outcomes differ from sync (-sync +batch):\n%s", diff)
	}
	statuses := map[pipeline.Status]int{}
	for _, c := range got {
		statuses[c.Status]++
	}
	if statuses[pipeline.StatusOK] != 15 || statuses[pipeline.StatusInvalid] != 1 || statuses[pipeline.StatusError] != 2 {
		t.Errorf("statuses %v", statuses)
	}
}
