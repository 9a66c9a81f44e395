package batch

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/schema"
)

// rec is what the tests extract: N must not be negative.
type rec struct {
	Doc string `json:"doc"`
	N   int    `json:"n" validate:"gte=0"`
}

func recSpec(t testing.TB) extract.Spec {
	t.Helper()
	s, err := schema.For[rec]()
	if err != nil {
		t.Fatal(err)
	}
	return extract.Spec{Name: s.Name, Schema: s.JSON, Check: func(answer []byte) []*schema.FieldError {
		var v rec
		return extract.Decode(s, answer, &v)
	}}
}

// docs yields n documents "doc-0000"... whose text is "doc <i>".
func docs(n int) iter.Seq[pipeline.Document] {
	return func(yield func(pipeline.Document) bool) {
		for i := range n {
			d := pipeline.Document{ID: fmt.Sprintf("doc-%04d", i), Source: "test", Row: i + 1,
				Parts: []pipeline.Part{{Kind: pipeline.PartText, Text: fmt.Sprintf("doc %d", i)}}}
			if !yield(d) {
				return
			}
		}
	}
}

const reask = "Your previous answer does not pass validation"

// handler answers {"doc": "<i>", "n": i} to "doc <i>"; documents whose
// number bad(i) holds first get n = -1 (invalid), then a good answer when
// re-asked.
func handler(bad func(i int) bool) extracttest.Handler {
	return func(r *extracttest.Request) extracttest.Reply {
		text := r.InputText()
		var i int
		if _, err := fmt.Sscanf(text, "doc %d", &i); err != nil {
			return extracttest.Status(400, "invalid_request_error", "", "no document")
		}
		if bad != nil && bad(i) && !strings.Contains(text, reask) {
			return extracttest.JSON(rec{Doc: fmt.Sprint(i), N: -1}).WithUsage(100, 0, 10, 0)
		}
		return extracttest.JSON(rec{Doc: fmt.Sprint(i), N: i}).WithUsage(100, 0, 10, 0)
	}
}

func every20(i int) bool { return i%20 == 7 }

func newClient(s *extracttest.Server) *openai.Client {
	c := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"), option.WithMaxRetries(0))
	return &c
}

// memSink keeps what it receives.
type memSink struct {
	mu     sync.Mutex
	got    []pipeline.Outcome
	closed int
}

func (s *memSink) Write(o *pipeline.Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, *o)
	return nil
}

func (s *memSink) Close(*pipeline.RunInfo) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed++
	return nil
}

func (s *memSink) outcomes() []pipeline.Outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// byID indexes outcomes by document ID, failing on a duplicate.
func byID(t *testing.T, os []pipeline.Outcome) map[string]pipeline.Outcome {
	t.Helper()
	m := make(map[string]pipeline.Outcome, len(os))
	for _, o := range os {
		if _, dup := m[o.ID]; dup {
			t.Fatalf("two outcomes for %s", o.ID)
		}
		m[o.ID] = o
	}
	return m
}

func openLedger(t *testing.T, dir string) *pipeline.Ledger {
	t.Helper()
	l, err := pipeline.OpenLedger(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// fixture is one fake server, one ledger directory and a job over them.
type fixture struct {
	s    *extracttest.Server
	dir  string
	spec extract.Spec
	ex   *extract.Extractor
}

func newFixture(t *testing.T, h extracttest.Handler) *fixture {
	t.Helper()
	s := extracttest.NewServer(h)
	t.Cleanup(s.Close)
	return &fixture{s: s, dir: t.TempDir(), spec: recSpec(t),
		ex: &extract.Extractor{Model: "gpt-4.1-mini", Client: &newClient(s).Responses}}
}

// run runs a batch job over src with a fresh ledger handle and sink.
func (f *fixture) run(t *testing.T, ctx context.Context, src iter.Seq[pipeline.Document], opts Options) (*memSink, pipeline.Totals, error) {
	t.Helper()
	l, err := pipeline.OpenLedger(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	sink := &memSink{}
	if opts.API == nil {
		opts.API = NewAPI(newClient(f.s))
	}
	if opts.Sleep == nil {
		opts.Sleep = func(context.Context, time.Duration) error { return nil }
	}
	if opts.TempDir == "" {
		opts.TempDir = t.TempDir()
	}
	job := Job{Extractor: f.ex, Spec: f.spec, Ledger: l, Fingerprint: "fp-1", Sinks: []pipeline.Sink{sink}}
	tot, err := Run(ctx, src, job, opts)
	return sink, tot, err
}

func responsesGetParams() responses.ResponseGetParams { return responses.ResponseGetParams{} }

func jsonUnmarshal(b []byte, v any) { _ = json.Unmarshal(b, v) }

func equal(a, b []string) bool { return slices.Equal(a, b) }
