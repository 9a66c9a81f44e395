package pipeline_test

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/docextract"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// TestTransient429s runs 200 documents through pipeline.Run, the adaptive
// Limiter wired into the client as the CLI does, extract and extracttest.
// Every fifth document's first request is answered 429 while the headers
// show plenty remaining: each is retried by the client after its tiny
// Retry-After, nobody else waits, the pace is not lowered, and every
// document ends ok with one billed answer.
func TestTransient429s(t *testing.T) {
	const docs = 200
	spec, _, err := extract.JSONSchema("invoice", []byte(integrationSchema))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := map[int]int{}
	srv := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		id := docIDPattern.FindString(r.InputText())
		i, _ := strconv.Atoi(id[len("doc-"):])
		mu.Lock()
		calls[i]++
		n := calls[i]
		mu.Unlock()
		if i%5 == 0 && n == 1 {
			return extracttest.Status(429, "requests", "rate_limit_exceeded", "Rate limit reached.").
				WithRetryAfter(time.Millisecond).WithRateLimit(100_000, 90_000, 100_000_000, 90_000_000)
		}
		return extracttest.Text(validAnswer(i)).WithRateLimit(100_000, 90_000, 100_000_000, 90_000_000)
	})
	defer srv.Close()
	limiter := pipeline.NewLimiter(pipeline.LimiterOptions{})
	opts := []option.RequestOption{option.WithBaseURL(srv.URL), option.WithAPIKey("test"), option.WithMaxRetries(2)}
	client := openai.NewClient(opts...)
	ex := &extract.Extractor{Client: &client.Responses, Model: "gpt-4.1-mini",
		RequestOptions: append(opts, option.WithMiddleware(limiter.Middleware))}
	var rmu sync.Mutex
	requests := 0
	fn := func(ctx context.Context, doc pipeline.Document) pipeline.Result {
		value, res, err := ex.Extract(ctx, spec, docextract.Inputs(&doc)...)
		rmu.Lock()
		requests += res.Requests
		rmu.Unlock()
		return docextract.Result(value, res, err)
	}
	totals, err := pipeline.Run(t.Context(), integrationDocuments(docs), fn, pipeline.Options{Concurrency: 8, Limiter: limiter})
	if err != nil {
		t.Fatal(err)
	}
	st := limiter.Stats()
	if totals.ByStatus[pipeline.StatusOK] != docs {
		t.Errorf("statuses %v", totals.ByStatus)
	}
	if st.RateLimited != docs/5 || st.Transient != docs/5 || st.Pauses != 0 {
		t.Errorf("limiter: %d 429s, %d transient, %d pauses; want %d, %d, 0", st.RateLimited, st.Transient, st.Pauses, docs/5, docs/5)
	}
	// The pace learnt from the headers (100,000 a minute) was not cut.
	if st.RequestsPerMinute < 100_000 {
		t.Errorf("pace %.0f/min, want the server's 100000", st.RequestsPerMinute)
	}
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	if want := docs + docs/5; posts != want || requests != want || len(srv.Billed()) != docs {
		t.Errorf("%d POSTs, %d counted in Results, %d billed; want %d, %d, %d", posts, requests, len(srv.Billed()), want, want, docs)
	}
}
