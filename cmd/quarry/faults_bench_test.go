package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
)

// The fault benchmark of issue 10: 300 invoices through `quarry run` (a
// separate process, as a user runs it) against the fake Responses API with
// the fault mix the live service shows, side by side with a plain client
// written here: the openai-go SDK with its default retries and a
// concurrency limit, nothing else.
//
//	go test ./cmd/quarry/ -run '^$' -bench Faults -benchtime 1x [-faults.latency 200ms]
//
// Each document's k-th request draws its fault from a generator seeded with
// (document, k), so both clients meet the same faults in the same order.

const (
	faultDocs        = 300
	faultConcurrency = 16
)

// faultLatency is a model answer's latency; live answers take a second or
// more, which makes fixed costs (the CLI's start, the ledger) count less.
var faultLatency = flag.Duration("faults.latency", 20*time.Millisecond, "BenchmarkFaults: latency of a model answer")

const faultSchema = `{
	"type": "object",
	"properties": {
		"id": {"type": "string"},
		"total": {"type": "integer", "minimum": 0}
	},
	"required": ["id", "total"],
	"additionalProperties": false
}`

var faultDocID = regexp.MustCompile(`inv-[0-9]{4}`)

func faultDocText(i int) string {
	return fmt.Sprintf("Invoice inv-%04d\nVendor: Acme %d\nTotal due: %d EUR\n", i, i%37, 100+i)
}

// faultMix is the fake's handler: per request, 5% HTTP 500, 3% 503, 5% 429
// with plenty remaining, 2% connection resets, 2% bodies cut off after the
// response id, 2% answers cut at max_output_tokens (a runaway), 4% answers
// that break the schema, the rest good answers.
type faultMix struct {
	mu     sync.Mutex
	calls  map[string]int
	counts map[string]int // faults served, by kind
}

func newFaultMix() *faultMix {
	return &faultMix{calls: map[string]int{}, counts: map[string]int{}}
}

// docOf is the document a request is about, following re-asks that send
// only a correction back to the first request.
func docOf(r *extracttest.Request) string {
	for r.Previous != nil {
		r = r.Previous
	}
	return faultDocID.FindString(r.InputText())
}

func (f *faultMix) reply(r *extracttest.Request) extracttest.Reply {
	id := docOf(r)
	if id == "" {
		return extracttest.Status(400, "invalid_request_error", "", "no document in the request")
	}
	var i int
	fmt.Sscanf(id, "inv-%d", &i)
	f.mu.Lock()
	k := f.calls[id]
	f.calls[id]++
	f.mu.Unlock()
	x := rand.New(rand.NewPCG(uint64(i), uint64(k))).Float64()
	plenty := func(rep extracttest.Reply) extracttest.Reply {
		return rep.WithRateLimit(100_000, 99_990, 100_000_000, 99_990_000)
	}
	good := plenty(extracttest.Text(fmt.Sprintf(`{"id":"%s","total":%d}`, id, 100+i)).WithLatency(*faultLatency))
	kind, rep := "good", good
	switch {
	case x < 0.05:
		kind, rep = "500", plenty(extracttest.Status(500, "server_error", "server_error", "The server had an error while processing your request."))
	case x < 0.08:
		kind, rep = "503", plenty(extracttest.Status(503, "server_error", "", "Service unavailable."))
	case x < 0.13:
		kind, rep = "429", plenty(extracttest.Status(429, "requests", "rate_limit_exceeded", "Rate limit reached.").WithRetryAfter(100*time.Millisecond))
	case x < 0.15:
		kind, rep = "reset", extracttest.Drop()
	case x < 0.17:
		kind, rep = "cut", good.CutAfter(100+k*37)
	case x < 0.19:
		kind, rep = "incomplete", plenty(extracttest.Incomplete("max_output_tokens", fmt.Sprintf(`{"id":"%s","total":%s`, id, strings.Repeat(" \n", 300))).WithLatency(*faultLatency))
	case x < 0.23:
		kind, rep = "schema", plenty(extracttest.Text(fmt.Sprintf(`{"id":"%s","total":"%d EUR"}`, id, 100+i)).WithLatency(*faultLatency))
	}
	f.mu.Lock()
	f.counts[kind]++
	f.mu.Unlock()
	return rep
}

// billedPerDoc counts the answers the fake made per document.
func billedPerDoc(s *extracttest.Server) map[string]int {
	m := map[string]int{}
	for _, r := range s.Billed() {
		m[docOf(r)]++
	}
	return m
}

type faultRun struct {
	right  int
	wall   time.Duration
	billed map[string]int
	posts  int
	counts map[string]int
}

func BenchmarkFaults(b *testing.B) {
	dir := b.TempDir()
	for i := range faultDocs {
		if err := os.MkdirAll(filepath.Join(dir, "docs"), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "docs", fmt.Sprintf("inv-%04d.txt", i)), []byte(faultDocText(i)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "invoice.schema.json"), []byte(faultSchema), 0o644); err != nil {
		b.Fatal(err)
	}
	var q, p faultRun
	for n := 0; b.Loop(); n++ {
		q = runQuarryFaults(b, dir, n)
		p = runPlainFaults(b)
	}
	qLoss, pLoss := faultDocs-q.right, faultDocs-p.right
	b.ReportMetric(100*float64(q.right)/faultDocs, "quarry-right-%")
	b.ReportMetric(100*float64(p.right)/faultDocs, "plain-right-%")
	b.ReportMetric(float64(qLoss), "quarry-losses")
	b.ReportMetric(float64(pLoss), "plain-losses")
	b.ReportMetric(q.wall.Seconds(), "quarry-s")
	b.ReportMetric(p.wall.Seconds(), "plain-s")
	b.ReportMetric(q.wall.Seconds()/p.wall.Seconds(), "wall-ratio")
	b.ReportMetric(float64(q.posts)/faultDocs, "quarry-posts/doc")
	b.ReportMetric(float64(p.posts)/faultDocs, "plain-posts/doc")
	b.Logf("quarry: %d right, %v, %d POSTs; faults served %v", q.right, q.wall, q.posts, q.counts)
	b.Logf("plain: %d right, %v, %d POSTs; faults served %v", p.right, p.wall, p.posts, p.counts)
	if q.right*100 < 97*faultDocs {
		b.Errorf("quarry: %d of %d exactly right, want ≥ 97%%", q.right, faultDocs)
	}
	if 4*qLoss > pLoss {
		b.Errorf("quarry lost %d, the plain client %d: want ≤ ¼", qLoss, pLoss)
	}
	if q.wall.Seconds() > 1.5*p.wall.Seconds() {
		b.Errorf("quarry took %v, the plain client %v: want ≤ 1.5×", q.wall, p.wall)
	}
}

// runQuarryFaults runs `quarry run` over the documents, with store on, and
// checks every document's billed answers against its attempts.
func runQuarryFaults(b *testing.B, dir string, n int) faultRun {
	mix := newFaultMix()
	srv := extracttest.NewServer(mix.reply)
	defer srv.Close()
	out := fmt.Sprintf("q%d.jsonl", n)
	c := cmd{dir: dir, env: []string{"OPENAI_API_KEY=sk-bench"}}
	start := time.Now()
	r := c.quarry(b, "run", "--base-url", srv.URL, "--schema", "invoice.schema.json", "--in", "docs",
		"--out", out, "--concurrency", fmt.Sprint(faultConcurrency), "--store", "--run-dir", fmt.Sprintf("run-%d", n))
	wall := time.Since(start)
	if r.code != exitOK && r.code != exitFailures {
		b.Fatalf("quarry: exit code %d\n%s", r.code, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, out))
	if err != nil {
		b.Fatal(err)
	}
	billed := billedPerDoc(srv)
	res := faultRun{wall: wall, billed: billed, counts: mix.counts}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	seen := 0
	for sc.Scan() {
		var l struct {
			ID       string          `json:"id"`
			Status   string          `json:"status"`
			Value    json.RawMessage `json:"value"`
			Error    string          `json:"error"`
			Attempts int             `json:"attempts"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			b.Fatal(err)
		}
		seen++
		id := strings.TrimSuffix(l.ID, ".txt")
		if exactlyRight(id, l.Value) && l.Status == "ok" {
			res.right++
		} else {
			b.Logf("quarry: %s %s: %s", id, l.Status, l.Error)
		}
		// No double charge: every answer paid for was one attempt.
		if billed[id] != l.Attempts {
			b.Errorf("quarry: %s billed %d answers for %d attempts", id, billed[id], l.Attempts)
		}
	}
	if seen != faultDocs {
		b.Errorf("quarry: %d outcomes for %d documents", seen, faultDocs)
	}
	for _, rq := range srv.Requests() {
		if rq.Method == http.MethodPost {
			res.posts++
		}
	}
	return res
}

func exactlyRight(id string, value []byte) bool {
	var v struct {
		ID    string `json:"id"`
		Total int    `json:"total"`
	}
	var i int
	if _, err := fmt.Sscanf(id, "inv-%d", &i); err != nil {
		return false
	}
	return json.Unmarshal(value, &v) == nil && v.ID == id && v.Total == 100+i
}

// runPlainFaults is the plain client: the SDK with its defaults (two
// retries), the same strict schema, a concurrency limit.
func runPlainFaults(b *testing.B) faultRun {
	mix := newFaultMix()
	srv := extracttest.NewServer(mix.reply)
	defer srv.Close()
	spec, _, err := extract.JSONSchema("invoice", []byte(faultSchema))
	if err != nil {
		b.Fatal(err)
	}
	var schemaMap map[string]any
	if err := json.Unmarshal(spec.Schema, &schemaMap); err != nil {
		b.Fatal(err)
	}
	client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("sk-bench"))
	sem := make(chan struct{}, faultConcurrency)
	var mu sync.Mutex
	var wg sync.WaitGroup
	right := 0
	start := time.Now()
	for i := range faultDocs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			resp, err := client.Responses.New(b.Context(), responses.ResponseNewParams{
				Model:        "gpt-4.1",
				Instructions: param.NewOpt(extract.DefaultInstructions),
				Input:        responses.ResponseNewParamsInputUnion{OfString: param.NewOpt(faultDocText(i))},
				Text: responses.ResponseTextConfigParam{Format: responses.ResponseFormatTextConfigUnionParam{
					OfJSONSchema: &responses.ResponseFormatTextJSONSchemaConfigParam{
						Name: "invoice", Schema: schemaMap, Strict: param.NewOpt(true),
					}}},
			})
			if err != nil {
				return
			}
			if exactlyRight(fmt.Sprintf("inv-%04d", i), []byte(resp.OutputText())) {
				mu.Lock()
				right++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res := faultRun{right: right, wall: time.Since(start), billed: billedPerDoc(srv), counts: mix.counts}
	for _, rq := range srv.Requests() {
		if rq.Method == http.MethodPost {
			res.posts++
		}
	}
	return res
}
