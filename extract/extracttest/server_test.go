package extracttest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract/extracttest"
)

// newClient returns an openai-go client for s that does not retry unless opts say so.
func newClient(s *extracttest.Server, opts ...option.RequestOption) *openai.Client {
	base := []option.RequestOption{option.WithBaseURL(s.URL), option.WithAPIKey("test"), option.WithMaxRetries(0)}
	c := openai.NewClient(append(base, opts...)...)
	return &c
}

func newParams(input string) responses.ResponseNewParams {
	return responses.ResponseNewParams{
		Model: "gpt-4o-mini",
		Input: responses.ResponseNewParamsInputUnion{OfString: param.NewOpt(input)},
	}
}

func TestReplies(t *testing.T) {
	tests := []struct {
		name  string
		reply extracttest.Reply
		check func(t *testing.T, r *responses.Response)
	}{
		{
			name:  "json",
			reply: extracttest.JSON(map[string]any{"total": 42.5, "currency": "EUR"}),
			check: func(t *testing.T, r *responses.Response) {
				if got, want := r.OutputText(), `{"currency":"EUR","total":42.5}`; got != want {
					t.Errorf("OutputText = %q, want %q", got, want)
				}
				if r.Status != responses.ResponseStatusCompleted {
					t.Errorf("Status = %q", r.Status)
				}
				if r.Usage.InputTokens <= 0 || r.Usage.OutputTokens <= 0 ||
					r.Usage.TotalTokens != r.Usage.InputTokens+r.Usage.OutputTokens {
					t.Errorf("estimated usage = %+v", r.Usage)
				}
				if len(r.Output) != 1 || r.Output[0].Type != "message" || !strings.HasPrefix(r.Output[0].ID, "msg_") {
					t.Errorf("Output = %s", r.RawJSON())
				}
				if r.Model != "gpt-4o-mini" || r.Object != "response" || r.CreatedAt == 0 {
					t.Errorf("Model, Object, CreatedAt = %q, %q, %v", r.Model, r.Object, r.CreatedAt)
				}
			},
		},
		{
			name:  "text with usage and model",
			reply: extracttest.Text(`{"total": 4`).WithUsage(1200, 1024, 90, 64).WithModel("gpt-5-2025-08-07"),
			check: func(t *testing.T, r *responses.Response) {
				if got := r.OutputText(); got != `{"total": 4` {
					t.Errorf("OutputText = %q", got)
				}
				u := r.Usage
				got := []int64{u.InputTokens, u.InputTokensDetails.CachedTokens, u.OutputTokens, u.OutputTokensDetails.ReasoningTokens, u.TotalTokens}
				if diff := cmp.Diff([]int64{1200, 1024, 90, 64, 1290}, got); diff != "" {
					t.Errorf("usage (-want +got):\n%s", diff)
				}
				if r.Model != "gpt-5-2025-08-07" {
					t.Errorf("Model = %q", r.Model)
				}
				// Reasoning tokens bring a reasoning item before the message.
				if len(r.Output) != 2 || r.Output[0].Type != "reasoning" || r.Output[1].Type != "message" {
					t.Errorf("Output = %s", r.RawJSON())
				}
			},
		},
		{
			name:  "refusal",
			reply: extracttest.Refusal("I can't help with that."),
			check: func(t *testing.T, r *responses.Response) {
				if r.Status != responses.ResponseStatusCompleted || r.OutputText() != "" {
					t.Errorf("Status, OutputText = %q, %q", r.Status, r.OutputText())
				}
				part, ok := r.Output[0].AsMessage().Content[0].AsAny().(responses.ResponseOutputRefusal)
				if !ok || part.Refusal != "I can't help with that." {
					t.Errorf("content = %#v", r.Output[0].AsMessage().Content[0].AsAny())
				}
			},
		},
		{
			name:  "incomplete",
			reply: extracttest.Incomplete("max_output_tokens", `{"lines":[{"sku":"A`),
			check: func(t *testing.T, r *responses.Response) {
				if r.Status != responses.ResponseStatusIncomplete || r.IncompleteDetails.Reason != "max_output_tokens" {
					t.Errorf("Status, Reason = %q, %q", r.Status, r.IncompleteDetails.Reason)
				}
				if r.OutputText() != `{"lines":[{"sku":"A` || r.Output[0].Status != "incomplete" {
					t.Errorf("OutputText, item status = %q, %q", r.OutputText(), r.Output[0].Status)
				}
			},
		},
		{
			name:  "incomplete without text",
			reply: extracttest.Incomplete("content_filter", ""),
			check: func(t *testing.T, r *responses.Response) {
				if r.IncompleteDetails.Reason != "content_filter" || len(r.Output) != 0 {
					t.Errorf("Reason, Output = %q, %s", r.IncompleteDetails.Reason, r.RawJSON())
				}
			},
		},
		{
			name:  "failed",
			reply: extracttest.Failed("server_error", "The model failed."),
			check: func(t *testing.T, r *responses.Response) {
				if r.Status != responses.ResponseStatusFailed || r.Error.Code != "server_error" || r.Error.Message != "The model failed." {
					t.Errorf("Status, Error = %q, %+v", r.Status, r.Error)
				}
				if len(r.Output) != 0 {
					t.Errorf("Output = %s", r.RawJSON())
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := extracttest.NewServer(nil)
			defer s.Close()
			s.Enqueue(tt.reply)
			client := newClient(s)
			r, err := client.Responses.New(t.Context(), newParams("Invoice 42"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(r.ID, "resp_") || len(r.ID) != len("resp_")+50 {
				t.Errorf("ID = %q", r.ID)
			}
			tt.check(t, r)
		})
	}
}

func TestRetryAfter(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(
		extracttest.Status(429, "requests", "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini").
			WithRetryAfter(time.Millisecond).
			WithHeaders(http.Header{"x-ratelimit-remaining-requests": {"0"}}),
		extracttest.JSON(map[string]int{"n": 1}),
	)
	var mu sync.Mutex
	var seen []http.Header
	client := newClient(s, option.WithMaxRetries(2), option.WithMiddleware(
		func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
			res, err := next(req)
			if err == nil {
				mu.Lock()
				seen = append(seen, res.Header.Clone())
				mu.Unlock()
			}
			return res, err
		}))
	r, err := client.Responses.New(t.Context(), newParams("x"))
	if err != nil {
		t.Fatal(err)
	}
	if r.OutputText() != `{"n":1}` {
		t.Errorf("OutputText = %q", r.OutputText())
	}
	if n := len(s.Requests()); n != 2 {
		t.Errorf("%d requests recorded, want 2", n)
	}
	if len(seen) != 2 {
		t.Fatalf("middleware saw %d answers", len(seen))
	}
	h := seen[0]
	if h.Get("Retry-After-Ms") != "1" || h.Get("Retry-After") != "1" || h.Get("X-Ratelimit-Remaining-Requests") != "0" {
		t.Errorf("429 headers = %v", h)
	}
	if !strings.HasPrefix(seen[1].Get("X-Request-Id"), "req_") {
		t.Errorf("x-request-id = %q", seen[1].Get("X-Request-Id"))
	}
}

func TestStatusError(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Status(400, "invalid_request_error", "invalid_json_schema",
		"Invalid schema for response_format 'invoice'").WithParam("text.format.schema"))
	_, err := newClient(s).Responses.New(t.Context(), newParams("x"))
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *openai.Error", err)
	}
	got := []any{apiErr.StatusCode, apiErr.Code, apiErr.Message, apiErr.Type, apiErr.Param}
	want := []any{400, "invalid_json_schema", "Invalid schema for response_format 'invoice'", "invalid_request_error", "text.format.schema"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error fields (-want +got):\n%s", diff)
	}
}

func TestDrop(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Drop())
	_, err := newClient(s).Responses.New(t.Context(), newParams("x"))
	var apiErr *openai.Error
	if err == nil || errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want a connection error", err)
	}
}

func TestNoReply(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	_, err := newClient(s, option.WithMaxRetries(2)).Responses.New(t.Context(), newParams("x"))
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Code != "extracttest_no_reply" {
		t.Fatalf("err = %v", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("%d requests, want 1 (no retry)", n)
	}
}

// post sends body to the server with the standard library and returns the status and
// the decoded error body.
func post(t *testing.T, url, body string) (int, map[string]any) {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out struct {
		Error map[string]any `json:"error"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	return res.StatusCode, out.Error
}

func TestMalformedRequests(t *testing.T) {
	s := extracttest.NewServer(func(*extracttest.Request) extracttest.Reply {
		t.Error("handler called for a malformed request")
		return extracttest.Text("")
	})
	defer s.Close()
	tests := []struct {
		name, path, body string
		status           int
		param, code      any
	}{
		{"bad json", "/responses", `{"model":`, 400, nil, nil},
		{"not an object", "/responses", `[1]`, 400, nil, nil},
		{"no model", "/responses", `{"input":"x"}`, 400, "model", "missing_required_parameter"},
		{"no input", "/responses", `{"model":"m"}`, 400, "input", "missing_required_parameter"},
		{"schema without name", "/responses", `{"model":"m","input":"x","text":{"format":{"type":"json_schema","schema":{}}}}`, 400, "text.format.name", "missing_required_parameter"},
		{"name without schema", "/responses", `{"model":"m","input":"x","text":{"format":{"type":"json_schema","name":"n"}}}`, 400, "text.format.schema", "missing_required_parameter"},
		{"unknown path", "/chat/completions", `{}`, 404, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, e := post(t, s.URL+tt.path, tt.body)
			if status != tt.status || e["type"] != "invalid_request_error" || e["message"] == "" {
				t.Errorf("status %d, error %v", status, e)
			}
			if e["param"] != tt.param || e["code"] != tt.code {
				t.Errorf("param, code = %v, %v; want %v, %v", e["param"], e["code"], tt.param, tt.code)
			}
		})
	}
	if n := len(s.Requests()); n != len(tests) {
		t.Errorf("%d requests recorded, want %d", n, len(tests))
	}
}

func TestRequestFields(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.JSON(map[string]string{"zeta": "z", "alpha": "a"}))
	const format = `{"format":{"type":"json_schema","name":"invoice","strict":true,"schema":{"type":"object","properties":{"zeta":{"type":"string"},"alpha":{"type":"string"}},"required":["zeta","alpha"],"additionalProperties":false}}}`
	p := responses.ResponseNewParams{
		Model:              "gpt-4o-mini",
		Instructions:       param.NewOpt("Extract the invoice."),
		PreviousResponseID: param.NewOpt("resp_prev"),
		Store:              param.NewOpt(false),
		MaxOutputTokens:    param.NewOpt[int64](2000),
		Metadata:           map[string]string{"doc": "a.pdf"},
		Text:               param.Override[responses.ResponseTextConfigParam](json.RawMessage(format)),
		Input: responses.ResponseNewParamsInputUnion{OfInputItemList: responses.ResponseInputParam{
			responses.ResponseInputItemParamOfMessage("system text", responses.EasyInputMessageRoleSystem),
			responses.ResponseInputItemParamOfMessage(responses.ResponseInputMessageContentListParam{
				responses.ResponseInputContentParamOfInputText("page one"),
				responses.ResponseInputContentParamOfInputText("page two"),
			}, responses.EasyInputMessageRoleUser),
		}},
	}
	r, err := newClient(s).Responses.New(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	req := reqs[0]
	got := map[string]any{
		"Seq": req.Seq, "Method": req.Method, "Path": req.Path, "Model": req.Model,
		"Instructions": req.Instructions, "PreviousResponseID": req.PreviousResponseID,
		"Store": req.Store, "Stream": req.Stream, "Background": req.Background,
		"MaxOutputTokens": req.MaxOutputTokens, "Metadata": req.Metadata,
		"InputText": req.InputText(), "Schema": string(req.Schema),
		"Authorization": req.Header.Get("Authorization"),
	}
	want := map[string]any{
		"Seq": 0, "Method": "POST", "Path": "/v1/responses", "Model": "gpt-4o-mini",
		"Instructions": "Extract the invoice.", "PreviousResponseID": "resp_prev",
		"Store": false, "Stream": false, "Background": false,
		"MaxOutputTokens": int64(2000), "Metadata": map[string]string{"doc": "a.pdf"},
		"InputText":     "system text\npage one\npage two",
		"Schema":        `{"type":"object","properties":{"zeta":{"type":"string"},"alpha":{"type":"string"}},"required":["zeta","alpha"],"additionalProperties":false}`,
		"Authorization": "Bearer test",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	var f struct {
		Type string `json:"type"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal(req.Text, &f); err != nil || f.Type != "json_schema" || f.Name != "invoice" {
		t.Errorf("Text = %s (%v)", req.Text, err)
	}

	// The response echoes the request's settings, the schema in its own key order.
	if r.Instructions.OfString != "Extract the invoice." || r.PreviousResponseID != "resp_prev" ||
		gjsonBool(r.RawJSON(), "store") || r.MaxOutputTokens != 2000 || r.Metadata["doc"] != "a.pdf" {
		t.Errorf("echo: %s", r.RawJSON())
	}
	if raw := r.Text.Format.RawJSON(); strings.Index(raw, "zeta") > strings.Index(raw, "alpha") {
		t.Errorf("schema key order lost in echo: %s", raw)
	}
}

func TestHandlerRouting(t *testing.T) {
	s := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		doc, ok := strings.CutPrefix(r.InputText(), "doc ")
		if !ok {
			return extracttest.Reply{} // fall back to the queue
		}
		return extracttest.JSON(map[string]string{"doc": doc})
	})
	defer s.Close()
	s.Enqueue(extracttest.Text("from the queue"))
	client := newClient(s)

	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			want := fmt.Sprintf(`{"doc":"%d"}`, i)
			r, err := client.Responses.New(t.Context(), newParams(fmt.Sprintf("doc %d", i)))
			if err == nil && r.OutputText() != want {
				err = fmt.Errorf("doc %d: got %q", i, r.OutputText())
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	r, err := client.Responses.New(t.Context(), newParams("something else"))
	if err != nil || r.OutputText() != "from the queue" {
		t.Errorf("fallback: %v, %v", r, err)
	}
	if s.Pending() != 0 {
		t.Errorf("Pending = %d", s.Pending())
	}
	for i, req := range s.Requests() {
		if req.Seq != i {
			t.Errorf("Requests()[%d].Seq = %d", i, req.Seq)
		}
	}
}

func TestLatencyHonoursContext(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Text("late").WithLatency(time.Hour))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := newClient(s).Responses.New(ctx, newParams("x"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
}

func TestStoredAndBackground(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	client := newClient(s)
	ctx := t.Context()

	// A stored response can be retrieved.
	s.Enqueue(extracttest.Text("stored"))
	r, err := client.Responses.New(ctx, newParams("x"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := client.Responses.Get(ctx, r.ID, responses.ResponseGetParams{})
	if err != nil || got.ID != r.ID || got.OutputText() != "stored" {
		t.Fatalf("Get: %v, %v", got, err)
	}

	// A background response is queued, then in_progress for 2 polls, then completed.
	s.Enqueue(extracttest.JSON([]int{1, 2}).WithPolls(2))
	p := newParams("x")
	p.Background = param.NewOpt(true)
	r, err = client.Responses.New(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	statuses := []responses.ResponseStatus{r.Status}
	for range 3 {
		got, err := client.Responses.Get(ctx, r.ID, responses.ResponseGetParams{})
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, got.Status)
		if got.Status == responses.ResponseStatusCompleted && got.OutputText() != "[1,2]" {
			t.Errorf("OutputText = %q", got.OutputText())
		}
		if !got.Background {
			t.Error("background = false")
		}
	}
	want := []responses.ResponseStatus{"queued", "in_progress", "in_progress", "completed"}
	if diff := cmp.Diff(want, statuses); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}

	// Cancel is idempotent.
	s.Enqueue(extracttest.Text("never"))
	r, err = client.Responses.New(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		c, err := client.Responses.Cancel(ctx, r.ID)
		if err != nil || c.Status != responses.ResponseStatusCancelled {
			t.Fatalf("Cancel: %v, %v", c, err)
		}
	}
	if got, _ := client.Responses.Get(ctx, r.ID, responses.ResponseGetParams{}); got.Status != responses.ResponseStatusCancelled {
		t.Errorf("after cancel: %q", got.Status)
	}

	_, err = client.Responses.Get(ctx, "resp_unknown", responses.ResponseGetParams{})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Errorf("unknown id: %v", err)
	}
}

// gjsonBool returns the boolean top-level field name of the JSON object raw.
func gjsonBool(raw, name string) bool {
	var m map[string]json.RawMessage
	_ = json.Unmarshal([]byte(raw), &m)
	return string(m[name]) == "true"
}
