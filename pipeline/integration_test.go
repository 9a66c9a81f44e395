package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"iter"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// The acceptance test of the pipeline: the real extraction (extract over the
// openai-go client) against the fake Responses API, with faults scripted per
// document and per request, the Limiter wired into the client as the CLI
// does, a ledger and a collecting sink.

var integrationSeed = flag.Uint64("integration.seed", 1, "seed of TestIntegration's fault script")

const (
	integrationDocs        = 1000
	integrationConcurrency = 16
	integrationRetries     = 2 // option.WithMaxRetries: transport retries per request
	integrationAttempts    = 3 // extract.Extractor.MaxAttempts
	integrationRPM         = 600_000
	integrationTPM         = 100_000_000
	integrationMaxOutput   = 256 // extract.Extractor.MaxOutputTokens
)

// integrationSchema is the job's JSON Schema, as a user would write it for
// --schema.
const integrationSchema = `{
	"type": "object",
	"properties": {
		"id": {"type": "string"},
		"total": {"type": "integer", "minimum": 0}
	},
	"required": ["id", "total"],
	"additionalProperties": false
}`

var docIDPattern = regexp.MustCompile(`doc-[0-9]{4}`)

func integrationID(i int) string { return fmt.Sprintf("doc-%04d", i) }

func integrationText(i int) string {
	return fmt.Sprintf("Invoice %s\nVendor: Acme %d\nTotal due: %d EUR", integrationID(i), i%37, i)
}

// integrationDocuments yields n text documents.
func integrationDocuments(n int) iter.Seq[pipeline.Document] {
	return func(yield func(pipeline.Document) bool) {
		for i := range n {
			d := pipeline.Document{ID: integrationID(i), Source: "integration", Row: i + 1,
				Parts: []pipeline.Part{{Kind: pipeline.PartText, Text: integrationText(i)}}}
			if !yield(d) {
				return
			}
		}
	}
}

// What one scripted request gets.
type replyKind int

const (
	kindAnswer  replyKind = iota // a model answer (valid, invalid, refusal, truncated)
	kind429                      // rate limited
	kind5xx                      // server error
	kindDropped                  // connection closed without an answer
)

// docPlan is the script of one document: the reply to each of its requests,
// in order, and the outcome they must lead to.
type docPlan struct {
	replies []extracttest.Reply
	kinds   []replyKind
	// What each request must carry: max_output_tokens, and the invalid
	// answer it corrects ("" for no re-ask). budget and reask are the
	// values for the next request.
	budgets []int64
	reasks  []string
	budget  int64
	reask   string

	status   pipeline.Status
	attempts int            // model answers received (Outcome.Attempts)
	usage    pipeline.Usage // sum of the answers' usage
	value    string         // the valid answer, for StatusOK
}

func (p *docPlan) add(k replyKind, r extracttest.Reply) {
	p.replies, p.kinds = append(p.replies, r), append(p.kinds, k)
	p.budgets, p.reasks = append(p.budgets, p.budget), append(p.reasks, p.reask)
}

// answer adds a model answer with fixed usage.
func (p *docPlan) answer(i int, r extracttest.Reply) {
	in, out := int64(200+i%50), int64(20)
	p.add(kindAnswer, r.WithUsage(in, 0, out, 0))
	p.attempts++
	p.usage = p.usage.Add(pipeline.Usage{InputTokens: in, OutputTokens: out})
}

func validAnswer(i int) string {
	return fmt.Sprintf(`{"id":%q,"total":%d}`, integrationID(i), i)
}

// Replies for transport faults. Every 429 carries retry-after-ms: 1 and the
// x-ratelimit headers the API sends; the limits match the Limiter's
// configured pace, so they do not change it.
var (
	reply429 = extracttest.Status(http.StatusTooManyRequests, "requests", "rate_limit_exceeded",
		"Rate limit reached for requests").
		WithRetryAfter(time.Millisecond).
		WithHeaders(http.Header{
			"x-ratelimit-limit-requests":     {fmt.Sprint(integrationRPM)},
			"x-ratelimit-remaining-requests": {"0"},
			"x-ratelimit-reset-requests":     {"1ms"},
			"x-ratelimit-limit-tokens":       {fmt.Sprint(integrationTPM)},
			"x-ratelimit-remaining-tokens":   {"99000000"},
			"x-ratelimit-reset-tokens":       {"1ms"},
		})
	replies5xx = []extracttest.Reply{
		extracttest.Status(http.StatusInternalServerError, "server_error", "", "The server had an error while processing your request."),
		extracttest.Status(http.StatusBadGateway, "server_error", "", "Bad gateway."),
		extracttest.Status(http.StatusServiceUnavailable, "server_error", "", "The engine is currently overloaded."),
	}
)

// scriptDocument decides document i's requests from the seed: each request
// is a fault with probability 0.17, a 429 (10 in 17), a 5xx (5 in 17) or a
// dropped connection (2 in 17); more than integrationRetries faults in a row
// end the document in StatusError, as do those forced on 2% of the
// documents (before their first answer or their re-ask). The
// model answers are valid, invalid then corrected, invalid every time,
// refused, truncated then complete, or truncated twice.
func scriptDocument(seed uint64, i int) *docPlan {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	p := &docPlan{budget: integrationMaxOutput}
	id := integrationID(i)
	valid := answer{reply: extracttest.Text(validAnswer(i))}
	invalid := func() answer {
		var text string
		switch r.IntN(3) {
		case 0:
			text = fmt.Sprintf(`{"id":%q,"total":-%d}`, id, i+1) // breaks minimum
		case 1:
			text = fmt.Sprintf(`{"id":%q,"total":"%d EUR"}`, id, i) // wrong type
		default:
			text = fmt.Sprintf(`{"id":%q,"total":%d`, id, i) // cut JSON
		}
		return answer{reply: extracttest.Text(text), invalid: text}
	}
	truncated := answer{reply: extracttest.Incomplete("max_output_tokens", fmt.Sprintf(`{"id":%q,"to`, id)), truncated: true}

	var answers []answer
	status := pipeline.StatusOK
	forceFault := -1 // index of the answer preceded by more faults than retries
	switch u := r.Float64(); {
	case u < 0.02:
		answers, status = []answer{{reply: extracttest.Refusal("I'm sorry, I can't help with that.")}}, pipeline.StatusRefused
	case u < 0.04:
		answers, status = []answer{truncated, truncated}, pipeline.StatusIncomplete
	case u < 0.06:
		answers = []answer{truncated, valid}
	case u < 0.09:
		answers, status = []answer{invalid(), invalid(), invalid()}, pipeline.StatusInvalid
	case u < 0.12:
		answers = []answer{invalid(), invalid(), valid}
	case u < 0.16:
		answers = []answer{invalid(), valid}
	case u < 0.18:
		answers, forceFault = []answer{invalid(), valid}, r.IntN(2)
	default:
		answers = []answer{valid}
	}
	fault := func() {
		switch n := r.IntN(17); {
		case n < 10:
			p.add(kind429, reply429)
		case n < 15:
			p.add(kind5xx, replies5xx[r.IntN(len(replies5xx))])
		default:
			p.add(kindDropped, extracttest.Drop())
		}
	}
	for k, a := range answers {
		faults := 0
		for k == forceFault || r.Float64() < 0.17 {
			fault()
			if faults++; faults > integrationRetries {
				p.status = pipeline.StatusError
				return p // the client gives up: no more requests
			}
		}
		p.answer(i, a.reply)
		switch {
		case a.truncated:
			p.budget *= 2 // the same request again, with room to finish
		case a.invalid != "":
			p.reask = a.invalid
		}
	}
	p.status = status
	if status == pipeline.StatusOK {
		p.value = validAnswer(i)
	}
	return p
}

// validPlan scripts one valid answer.
func validPlan(i int) *docPlan {
	p := &docPlan{budget: integrationMaxOutput}
	p.answer(i, extracttest.Text(validAnswer(i)))
	p.status, p.value = pipeline.StatusOK, validAnswer(i)
	return p
}

// answer is one scripted model answer.
type answer struct {
	reply     extracttest.Reply
	invalid   string // the answer's text, when it fails validation
	truncated bool
}

// fakeAPI routes each request to its document's script, by the document ID
// in the request's text, and counts requests per document.
type fakeAPI struct {
	mu         sync.Mutex
	plans      map[string]*docPlan
	served     map[string]int
	byKind     map[replyKind]int
	total      int
	unexpected []string
	wrong      []string // requests that did not carry what the script expects
}

func (f *fakeAPI) handle(r *extracttest.Request) extracttest.Reply {
	text := r.InputText()
	id := docIDPattern.FindString(text)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.total++
	p := f.plans[id]
	k := f.served[id]
	f.served[id]++
	if p == nil || k >= len(p.replies) {
		f.unexpected = append(f.unexpected, fmt.Sprintf("request %d for %q (its request #%d)", r.Seq, id, k+1))
		return extracttest.Status(http.StatusInternalServerError, "server_error", "unscripted", "not in the script").
			WithHeaders(http.Header{"X-Should-Retry": {"false"}})
	}
	f.byKind[p.kinds[k]]++
	correcting := strings.Contains(text, "does not pass validation")
	switch {
	case r.MaxOutputTokens != p.budgets[k]:
		f.wrong = append(f.wrong, fmt.Sprintf("%s request #%d: max_output_tokens %d, want %d", id, k+1, r.MaxOutputTokens, p.budgets[k]))
	case p.reasks[k] == "" && correcting:
		f.wrong = append(f.wrong, fmt.Sprintf("%s request #%d: a correction where none is due: %q", id, k+1, text))
	case p.reasks[k] != "" && (!correcting || !strings.Contains(text, p.reasks[k])):
		f.wrong = append(f.wrong, fmt.Sprintf("%s request #%d: re-ask without the previous answer %s and what is wrong with it: %q", id, k+1, p.reasks[k], text))
	}
	return p.replies[k]
}

// script replaces the plans and clears the counters.
func (f *fakeAPI) script(plans map[string]*docPlan) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.plans, f.served, f.byKind, f.total, f.unexpected, f.wrong = plans, make(map[string]int), make(map[replyKind]int), 0, nil, nil
}

type counts struct {
	total      int
	byKind     map[replyKind]int
	served     map[string]int
	unexpected []string
	wrong      []string
}

func (f *fakeAPI) counts() counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	return counts{f.total, maps.Clone(f.byKind), maps.Clone(f.served), slices.Clone(f.unexpected), slices.Clone(f.wrong)}
}

// collectSink keeps every outcome it is given.
type collectSink struct {
	got    []pipeline.Outcome
	closed int
	info   pipeline.RunInfo
}

func (s *collectSink) Write(o *pipeline.Outcome) error {
	s.got = append(s.got, *o)
	return nil
}

func (s *collectSink) Close(info *pipeline.RunInfo) error {
	s.closed++
	if info != nil {
		s.info = *info
	}
	return nil
}

// integrationJob runs the job as cmd/quarry does: a Limiter per run wired
// into the extractor's request options, the ledger opened for the run.
type integrationJob struct {
	url  string
	spec extract.Spec
	dir  string
}

type runResult struct {
	totals  pipeline.Totals
	sink    *collectSink
	limiter pipeline.LimiterStats
}

func (j *integrationJob) run(t testing.TB, fingerprint string, retryFailed bool) runResult {
	t.Helper()
	ctx := t.Context()
	ledger, err := pipeline.OpenLedger(j.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ledger.Close()
	limiter := pipeline.NewLimiter(pipeline.LimiterOptions{RequestsPerMinute: integrationRPM, TokensPerMinute: integrationTPM})
	opts := []option.RequestOption{
		option.WithBaseURL(j.url), option.WithAPIKey("test"),
		option.WithMaxRetries(integrationRetries),
		// Dropped connections and 5xx without Retry-After back off
		// exponentially from 0.5 s; keep those waits tiny too.
		option.WithMaxRetryDelay(2 * time.Millisecond),
	}
	client := openai.NewClient(opts...)
	ex := &extract.Extractor{
		Client:          &client.Responses,
		Model:           "gpt-4.1-mini",
		MaxAttempts:     integrationAttempts,
		MaxOutputTokens: integrationMaxOutput, // a truncated answer is retried once with twice as much
		RequestOptions:  append(opts, option.WithMiddleware(limiter.Middleware)),
	}
	fn := func(ctx context.Context, doc pipeline.Document) pipeline.Result {
		return docextract.Result(ex.Extract(ctx, j.spec, docextract.Inputs(&doc)...))
	}
	sink := &collectSink{}
	totals, err := pipeline.Run(ctx, integrationDocuments(integrationDocs), fn, pipeline.Options{
		Concurrency: integrationConcurrency,
		Limiter:     limiter,
		Ledger:      ledger,
		Fingerprint: fingerprint,
		Sinks:       []pipeline.Sink{sink},
		RetryFailed: retryFailed,
		Total:       integrationDocs,
		Info:        &pipeline.RunInfo{Model: ex.Model, Schema: j.spec.Schema},
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if sink.closed != 1 {
		t.Errorf("sink closed %d times, want 1", sink.closed)
	}
	if diff := cmp.Diff(totals, sink.info.Totals); diff != "" {
		t.Errorf("RunInfo.Totals given to the sink differ from Run's totals (-run +sink):\n%s", diff)
	}
	return runResult{totals: totals, sink: sink, limiter: limiter.Stats()}
}

// outcomesByID checks that outcomes hold exactly one outcome per document,
// in input order, and returns them by ID.
func outcomesByID(t *testing.T, outs []pipeline.Outcome) map[string]pipeline.Outcome {
	t.Helper()
	if len(outs) != integrationDocs {
		t.Errorf("sink got %d outcomes, want %d", len(outs), integrationDocs)
	}
	m := make(map[string]pipeline.Outcome, len(outs))
	for k, o := range outs {
		if _, dup := m[o.ID]; dup {
			t.Errorf("two outcomes for %s", o.ID)
		}
		m[o.ID] = o
		if want := integrationID(k); o.ID != want || o.Seq != int64(k) {
			t.Errorf("outcome %d is %s (seq %d), want %s in input order", k, o.ID, o.Seq, want)
		}
	}
	return m
}

func readLedger(t *testing.T, dir string) map[string]pipeline.Outcome {
	t.Helper()
	m := make(map[string]pipeline.Outcome)
	for o, err := range pipeline.ReadLedger(dir) {
		if err != nil {
			t.Fatalf("ReadLedger: %v", err)
		}
		if _, dup := m[o.ID]; dup {
			t.Fatalf("ReadLedger yielded %s twice", o.ID)
		}
		m[o.ID] = o
	}
	return m
}

// compareOutcomes compares two outcomes as JSON would carry them.
var compareOutcomes = cmp.Options{
	cmp.FilterPath(func(p cmp.Path) bool { return p.Last().Type() != reflect.TypeFor[json.RawMessage]() },
		cmpopts.EquateEmpty()),
	cmp.Comparer(func(a, b json.RawMessage) bool {
		var ca, cb bytes.Buffer
		if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
			return bytes.Equal(a, b)
		}
		return bytes.Equal(ca.Bytes(), cb.Bytes())
	}),
}

func ledgerSize(t *testing.T, dir string) int64 {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, pipeline.LedgerFile))
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func TestIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 documents through the fake API")
	}
	seed := *integrationSeed
	t.Logf("seed %d (-integration.seed)", seed)
	spec, _, err := extract.JSONSchema("invoice", []byte(integrationSchema))
	if err != nil {
		t.Fatal(err)
	}
	api := &fakeAPI{}
	srv := extracttest.NewServer(api.handle)
	defer srv.Close()
	job := &integrationJob{url: srv.URL, spec: spec, dir: t.TempDir()}
	const fp1, fp2 = "job-v1", "job-v2"

	// The script, and what it must lead to.
	plans := make(map[string]*docPlan, integrationDocs)
	wantByStatus := make(map[pipeline.Status]int)
	wantKinds := make(map[replyKind]int)
	var wantUsage pipeline.Usage
	wantRequests := 0
	for i := range integrationDocs {
		p := scriptDocument(seed, i)
		plans[integrationID(i)] = p
		wantByStatus[p.status]++
		wantUsage = wantUsage.Add(p.usage)
		wantRequests += len(p.replies)
		for _, k := range p.kinds {
			wantKinds[k]++
		}
	}
	t.Logf("script: %d requests (%d 429, %d 5xx, %d dropped), outcomes %v",
		wantRequests, wantKinds[kind429], wantKinds[kind5xx], wantKinds[kindDropped], wantByStatus)
	for _, st := range []pipeline.Status{pipeline.StatusOK, pipeline.StatusInvalid, pipeline.StatusRefused, pipeline.StatusIncomplete, pipeline.StatusError} {
		if wantByStatus[st] == 0 {
			t.Fatalf("the script has no %s document: change the seed", st)
		}
	}

	// Run 1: everything goes through the faults.
	api.script(plans)
	first := job.run(t, fp1, false)
	got := api.counts()
	if len(got.unexpected) > 0 {
		t.Errorf("%d requests not in the script, first: %s", len(got.unexpected), got.unexpected[0])
	}
	for _, w := range got.wrong {
		t.Error(w)
	}
	sinkOut := outcomesByID(t, first.sink.got)
	for id, p := range plans {
		o, ok := sinkOut[id]
		if !ok {
			t.Errorf("%s: no outcome", id)
			continue
		}
		if n := got.served[id]; n != len(p.replies) {
			t.Errorf("%s: the server saw %d requests, want %d", id, n, len(p.replies))
		}
		if o.Status != p.status || o.Attempts != p.attempts {
			t.Errorf("%s: %s after %d attempts (%s), want %s after %d", id, o.Status, o.Attempts, o.Reason, p.status, p.attempts)
		}
		if o.Usage != p.usage {
			t.Errorf("%s: usage %+v, want %+v", id, o.Usage, p.usage)
		}
		if string(o.Value) != p.value {
			t.Errorf("%s: value %s, want %s", id, o.Value, p.value)
		}
		if (o.Status == pipeline.StatusOK) != (o.Reason == "") {
			t.Errorf("%s: %s with reason %q", id, o.Status, o.Reason)
		}
		if o.Fingerprint != fp1 || o.Hash == "" || o.Finished.Before(o.Started) {
			t.Errorf("%s: fingerprint %q, hash %q, started %v, finished %v", id, o.Fingerprint, o.Hash, o.Started, o.Finished)
		}
	}

	// The ledger says what the sink got.
	ledgerOut := readLedger(t, job.dir)
	if len(ledgerOut) != len(sinkOut) {
		t.Errorf("ledger holds %d documents, the sink got %d", len(ledgerOut), len(sinkOut))
	}
	for id, o := range sinkOut {
		if diff := cmp.Diff(o, ledgerOut[id], compareOutcomes); diff != "" {
			t.Errorf("%s: ledger differs from sink (-sink +ledger):\n%s", id, diff)
		}
	}

	// Totals agree with the script, the server and the Limiter.
	tot := first.totals
	if diff := cmp.Diff(wantByStatus, tot.ByStatus); diff != "" {
		t.Errorf("Totals.ByStatus (-want +got):\n%s", diff)
	}
	if tot.Documents != integrationDocs || tot.Usage != wantUsage {
		t.Errorf("Totals: %d documents, usage %+v; want %d, %+v", tot.Documents, tot.Usage, integrationDocs, wantUsage)
	}
	if tot.Requests != got.total || got.total != wantRequests {
		t.Errorf("requests: Totals %d, server %d, script %d", tot.Requests, got.total, wantRequests)
	}
	if tot.RateLimited == 0 || tot.RateLimited != got.byKind[kind429] || int64(tot.RateLimited) != first.limiter.RateLimited {
		t.Errorf("429s: Totals.RateLimited %d, server sent %d, Limiter observed %d",
			tot.RateLimited, got.byKind[kind429], first.limiter.RateLimited)
	}
	// The first attempt of a document is paid by Limiter.Wait, every later
	// one by the middleware: one Limiter request per HTTP request.
	if first.limiter.Requests != int64(got.total) {
		t.Errorf("Limiter let %d requests through, the server saw %d", first.limiter.Requests, got.total)
	}
	if first.limiter.Pauses == 0 {
		t.Errorf("Limiter never paused after %d 429s", first.limiter.RateLimited)
	}
	t.Logf("run 1: %v, %d requests, %d rate limited, %d pauses, wall %v",
		tot.ByStatus, tot.Requests, tot.RateLimited, first.limiter.Pauses, tot.Wall)

	// Run 2, the same job: nothing is sent, every outcome is replayed.
	size := ledgerSize(t, job.dir)
	api.script(nil)
	second := job.run(t, fp1, false)
	if got := api.counts(); got.total != 0 {
		t.Errorf("re-run sent %d requests, want 0", got.total)
	}
	for id, o := range outcomesByID(t, second.sink.got) {
		prev := sinkOut[id]
		if o.Status != pipeline.StatusSkipped || o.EarlierStatus != prev.Status || o.EarlierReason != prev.Reason {
			t.Errorf("%s: re-run gave %s (earlier %q), want skipped, earlier %s", id, o.Status, o.EarlierStatus, prev.Status)
		}
		if diff := cmp.Diff(prev, *o.Replayed(), compareOutcomes); diff != "" {
			t.Errorf("%s: replayed outcome differs from run 1's (-run1 +replayed):\n%s", id, diff)
		}
	}
	if want := (pipeline.Totals{Documents: integrationDocs, ByStatus: map[pipeline.Status]int{pipeline.StatusSkipped: integrationDocs}}); !cmp.Equal(second.totals, want, cmpopts.IgnoreFields(pipeline.Totals{}, "Wall")) {
		t.Errorf("re-run totals %+v, want %+v", second.totals, want)
	}
	if second.limiter.Requests != 0 {
		t.Errorf("re-run: the Limiter let %d requests through", second.limiter.Requests)
	}
	if s := ledgerSize(t, job.dir); s != size {
		t.Errorf("re-run wrote to the ledger: %d bytes, was %d", s, size)
	}

	// Run 3, RetryFailed: only the failures are sent again (and now succeed).
	retry := make(map[string]*docPlan)
	for i := range integrationDocs {
		if id := integrationID(i); plans[id].status != pipeline.StatusOK {
			retry[id] = validPlan(i)
		}
	}
	api.script(retry)
	third := job.run(t, fp1, true)
	got = api.counts()
	if got.total != len(retry) || len(got.unexpected)+len(got.wrong) > 0 {
		t.Errorf("RetryFailed sent %d requests (unscripted: %q, wrong: %q), want %d, one per failure", got.total, got.unexpected, got.wrong, len(retry))
	}
	for id, o := range outcomesByID(t, third.sink.got) {
		switch prev := sinkOut[id]; {
		case retry[id] != nil && o.Status != pipeline.StatusOK:
			t.Errorf("%s: retried (was %s), got %s: %s", id, prev.Status, o.Status, o.Reason)
		case retry[id] == nil && (o.Status != pipeline.StatusSkipped || o.EarlierStatus != pipeline.StatusOK):
			t.Errorf("%s: was ok, got %s (earlier %q), want skipped", id, o.Status, o.EarlierStatus)
		}
	}
	if want := map[pipeline.Status]int{pipeline.StatusOK: len(retry), pipeline.StatusSkipped: integrationDocs - len(retry)}; !cmp.Equal(third.totals.ByStatus, want) {
		t.Errorf("RetryFailed totals %v, want %v", third.totals.ByStatus, want)
	}
	for id, o := range readLedger(t, job.dir) {
		if o.Status != pipeline.StatusOK {
			t.Errorf("%s: ledger says %s after RetryFailed", id, o.Status)
		}
	}

	// Run 4, another fingerprint: everything is extracted again.
	again := make(map[string]*docPlan, integrationDocs)
	for i := range integrationDocs {
		again[integrationID(i)] = validPlan(i)
	}
	api.script(again)
	fourth := job.run(t, fp2, false)
	got = api.counts()
	if got.total != integrationDocs || len(got.unexpected)+len(got.wrong) > 0 {
		t.Errorf("new fingerprint sent %d requests (%d unscripted, %d wrong), want %d", got.total, len(got.unexpected), len(got.wrong), integrationDocs)
	}
	for id, o := range outcomesByID(t, fourth.sink.got) {
		if o.Status != pipeline.StatusOK || o.Fingerprint != fp2 {
			t.Errorf("%s: new fingerprint gave %s under %q, want ok under %q", id, o.Status, o.Fingerprint, fp2)
		}
	}
	for id, o := range readLedger(t, job.dir) {
		if o.Fingerprint != fp2 || o.Status != pipeline.StatusOK {
			t.Errorf("%s: ledger's latest is %s under %q, want ok under %q", id, o.Status, o.Fingerprint, fp2)
		}
	}
}
