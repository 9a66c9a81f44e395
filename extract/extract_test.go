package extract_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/schema"
)

type Line struct {
	Description string  `json:"description"`
	Quantity    int     `json:"quantity" validate:"gte=1"`
	UnitPrice   float64 `json:"unit_price" validate:"gte=0"`
}

type Invoice struct {
	Vendor    string  `json:"vendor"`
	Number    string  `json:"invoice_number" jsonschema:"description=as printed on the invoice"`
	IssueDate string  `json:"issue_date" validate:"datetime=2006-01-02"`
	DueDate   *string `json:"due_date" validate:"omitnil,datetime=2006-01-02"`
	Currency  string  `json:"currency" validate:"oneof=USD EUR GBP INR PLN"`
	Total     float64 `json:"total" validate:"gte=0"`
	Lines     []Line  `json:"lines" validate:"min=1,dive"`
}

func goodInvoice() map[string]any {
	return map[string]any{
		"vendor": "Acme", "invoice_number": "INV-1", "issue_date": "2026-01-02", "due_date": nil,
		"currency": "EUR", "total": 20.0,
		"lines": []any{map[string]any{"description": "Widget", "quantity": 2, "unit_price": 10.0}},
	}
}

func badInvoice() map[string]any {
	v := goodInvoice()
	v["currency"] = "DOGE"
	v["lines"] = []any{map[string]any{"description": "Widget", "quantity": 2, "unit_price": -10.0}}
	return v
}

// setup returns an extractor talking to a fresh fake server.
func setup(t *testing.T, ex extract.Extractor, replies ...extracttest.Reply) (*extract.Extractor, *extracttest.Server) {
	t.Helper()
	srv := extracttest.NewServer(nil)
	t.Cleanup(srv.Close)
	srv.Enqueue(replies...)
	client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("sk-test-secret-key-123"), option.WithMaxRetries(2))
	ex.Client = &client.Responses
	return &ex, srv
}

// body decodes a recorded request body.
func body(t *testing.T, r *extracttest.Request) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("request body: %v", err)
	}
	return m
}

func TestOneFirstAttempt(t *testing.T) {
	ex, srv := setup(t, extract.Extractor{Instructions: "Extract the invoice."},
		extracttest.JSON(goodInvoice()).WithUsage(100, 40, 30, 0))
	inv, res, err := extract.One[Invoice](t.Context(), ex, extract.Text("ACME invoice INV-1"))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Vendor != "Acme" || len(inv.Lines) != 1 || inv.Lines[0].UnitPrice != 10 || inv.DueDate != nil {
		t.Errorf("value = %+v", inv)
	}
	if len(res.Attempts) != 1 || res.Requests != 1 || len(res.ResponseIDs) != 1 {
		t.Errorf("attempts %d, requests %d, ids %v", len(res.Attempts), res.Requests, res.ResponseIDs)
	}
	if want := (extract.Usage{InputTokens: 100, CachedTokens: 40, OutputTokens: 30}); res.Usage != want {
		t.Errorf("usage = %+v, want %+v", res.Usage, want)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	b := body(t, reqs[0])
	format := b["text"].(map[string]any)["format"].(map[string]any)
	if format["type"] != "json_schema" || format["strict"] != true || format["name"] != "Invoice" {
		t.Errorf("text.format = %v", format)
	}
	if b["store"] != false || b["instructions"] != "Extract the invoice." || b["model"] != extract.DefaultModel {
		t.Errorf("store %v, instructions %v, model %v", b["store"], b["instructions"], b["model"])
	}
	// The schema keeps struct field order: the model writes keys in that order.
	raw := string(reqs[0].Schema)
	if i, j := strings.Index(raw, `"vendor"`), strings.Index(raw, `"lines"`); i < 0 || j < i {
		t.Errorf("schema property order lost: %s", raw)
	}
	input := b["input"].([]any)
	if len(input) != 1 || input[0].(map[string]any)["role"] != "user" {
		t.Fatalf("input = %v", input)
	}
	part := input[0].(map[string]any)["content"].([]any)[0].(map[string]any)
	if part["type"] != "input_text" || part["text"] != "ACME invoice INV-1" {
		t.Errorf("document part = %v", part)
	}
}

func TestReaskFixesOnSecondAttempt(t *testing.T) {
	for _, store := range []bool{false, true} {
		name := "store=false"
		if store {
			name = "store=true"
		}
		t.Run(name, func(t *testing.T) {
			ex, srv := setup(t, extract.Extractor{Store: store},
				extracttest.JSON(badInvoice()), extracttest.JSON(goodInvoice()))
			inv, res, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc"))
			if err != nil {
				t.Fatal(err)
			}
			if inv.Currency != "EUR" || len(res.Attempts) != 2 {
				t.Fatalf("currency %q after %d attempts", inv.Currency, len(res.Attempts))
			}
			var ptrs []string
			for _, e := range res.Attempts[0].Errors {
				ptrs = append(ptrs, e.Pointer)
			}
			if diff := cmp.Diff([]string{"/currency", "/lines/0/unit_price"}, ptrs); diff != "" {
				t.Errorf("first attempt's errors (-want +got):\n%s", diff)
			}
			reqs := srv.Requests()
			second := body(t, reqs[1])
			input := second["input"].([]any)
			last := input[len(input)-1].(map[string]any)
			correction, _ := last["content"].(string)
			for _, want := range []string{"/lines/0/unit_price", "must be >= 0", "/currency", "USD, EUR, GBP, INR, PLN"} {
				if !strings.Contains(correction, want) {
					t.Errorf("correction lacks %q:\n%s", want, correction)
				}
			}
			if store {
				if second["previous_response_id"] != res.ResponseIDs[0] || len(input) != 1 {
					t.Errorf("store mode: previous_response_id %v, %d input items", second["previous_response_id"], len(input))
				}
				if second["instructions"] == nil {
					t.Error("store mode: instructions are not carried over by the server and must be re-sent")
				}
				return
			}
			if second["previous_response_id"] != nil || len(input) != 3 {
				t.Fatalf("store=false: previous_response_id %v, %d input items", second["previous_response_id"], len(input))
			}
			prevAnswer := input[1].(map[string]any)
			if prevAnswer["role"] != "assistant" || !strings.Contains(prevAnswer["content"].(string), "DOGE") {
				t.Errorf("previous answer item = %v", prevAnswer)
			}
			if input[0].(map[string]any)["role"] != "user" {
				t.Errorf("the document must come first: %v", input[0])
			}
		})
	}
}

func TestServerIgnoringStrictMode(t *testing.T) {
	missing := goodInvoice()
	delete(missing, "total")
	missing["surprise"] = true
	ex, srv := setup(t, extract.Extractor{MaxAttempts: 2},
		extracttest.JSON(missing), extracttest.Text(`{"vendor": 42`))
	_, res, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc"))
	var ie *extract.InvalidError
	if !errors.Is(err, extract.ErrInvalid) || !errors.As(err, &ie) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	if len(ie.Attempts) != 2 || len(srv.Requests()) != 2 || res.Raw != `{"vendor": 42` {
		t.Fatalf("attempts %d, requests %d, raw %q", len(ie.Attempts), len(srv.Requests()), res.Raw)
	}
	got := map[string]bool{}
	for _, e := range ie.Attempts[0].Errors {
		got[e.Pointer] = true
	}
	if !got["/total"] || !got["/surprise"] {
		t.Errorf("first attempt errors = %v; want /total (missing) and /surprise (unknown)", ie.Attempts[0].Errors)
	}
	if len(ie.Attempts[1].Errors) == 0 {
		t.Error("truncated JSON on attempt 2 gave no error")
	}
}

func TestOutcomes(t *testing.T) {
	tests := []struct {
		name     string
		replies  []extracttest.Reply
		is       error
		requests int
		check    func(t *testing.T, err error, res *extract.Result)
	}{
		{
			name: "refusal is not retried", replies: []extracttest.Reply{extracttest.Refusal("I can't help with that.")},
			is: extract.ErrRefused, requests: 1,
			check: func(t *testing.T, err error, res *extract.Result) {
				var re *extract.RefusalError
				if !errors.As(err, &re) || re.Message != "I can't help with that." || res.Refusal != re.Message {
					t.Errorf("refusal = %v / %q", err, res.Refusal)
				}
			},
		},
		{
			name: "content filter", replies: []extracttest.Reply{extracttest.Incomplete("content_filter", `{"vendor":`)},
			is: extract.ErrContentFilter, requests: 1,
		},
		{
			name: "failed response", replies: []extracttest.Reply{extracttest.Failed("server_error", "The model crashed.")},
			is: extract.ErrFailed, requests: 1,
			check: func(t *testing.T, err error, res *extract.Result) {
				var re *extract.ResponseError
				if !errors.As(err, &re) || re.Code != "server_error" {
					t.Errorf("err = %v", err)
				}
			},
		},
		{
			name: "truncated twice", replies: []extracttest.Reply{
				extracttest.Incomplete("max_output_tokens", `{"vendor":"Ac`),
				extracttest.Incomplete("max_output_tokens", `{"vendor":"Acme","invoice_`),
			},
			is: extract.ErrIncomplete, requests: 2,
		},
		{
			name: "429 then success through the client's retry", replies: []extracttest.Reply{
				extracttest.Status(429, "requests", "rate_limit_exceeded", "Rate limit reached").WithRetryAfter(time.Millisecond),
				extracttest.JSON(goodInvoice()),
			},
			requests: 2,
			check: func(t *testing.T, err error, res *extract.Result) {
				if res.Requests != 2 || res.RateLimited != 1 || len(res.Attempts) != 1 {
					t.Errorf("requests %d, 429s %d, attempts %d", res.Requests, res.RateLimited, len(res.Attempts))
				}
			},
		},
		{
			name: "401 does not leak the key", replies: []extracttest.Reply{
				extracttest.Status(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided: sk-test-***-123."),
			},
			requests: 1,
			check: func(t *testing.T, err error, res *extract.Result) {
				var ae *extract.APIError
				if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "invalid_api_key" {
					t.Fatalf("err = %v", err)
				}
				if strings.Contains(err.Error(), "sk-test-secret-key-123") {
					t.Errorf("the API key leaked into the error: %v", err)
				}
				var oe *openai.Error
				if !errors.As(err, &oe) {
					t.Error("APIError does not unwrap to *openai.Error")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, srv := setup(t, extract.Extractor{MaxOutputTokens: 100}, tt.replies...)
			_, res, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc"))
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want %v", err, tt.is)
			}
			if tt.is == nil && tt.check == nil && err != nil {
				t.Fatal(err)
			}
			if n := len(srv.Requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			if tt.check != nil {
				tt.check(t, err, res)
			}
		})
	}
}

func TestTruncatedRetriedWithLargerBudget(t *testing.T) {
	ex, srv := setup(t, extract.Extractor{MaxOutputTokens: 200},
		extracttest.Incomplete("max_output_tokens", `{"vendor":"Ac`), extracttest.JSON(goodInvoice()))
	_, res, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].MaxOutputTokens != 200 || reqs[1].MaxOutputTokens != 400 {
		t.Fatalf("budgets: %d requests, %v", len(reqs), []int64{reqs[0].MaxOutputTokens})
	}
	if len(res.Attempts) != 2 || res.Attempts[0].Status != "incomplete" {
		t.Errorf("attempts = %+v", res.Attempts)
	}
}

func TestInvalidJSONSchemaReported(t *testing.T) {
	ex, _ := setup(t, extract.Extractor{},
		extracttest.Status(400, "invalid_request_error", "invalid_json_schema", "Invalid schema for response_format 'x': In context=(), 'additionalProperties' is required to be supplied and to be false."))
	spec := extract.Spec{
		Name:   "x",
		Schema: json.RawMessage(`{"type":"object","properties":{"a":{"type":"string"}}}`),
		Check:  func([]byte) []*schema.FieldError { return nil },
	}
	_, _, err := ex.Extract(t.Context(), spec, extract.Text("doc"))
	var ae *extract.APIError
	if !errors.As(err, &ae) || ae.Code != "invalid_json_schema" {
		t.Fatalf("err = %v", err)
	}
	if len(ae.Findings) == 0 || !strings.Contains(err.Error(), "additionalProperties") {
		t.Errorf("the error should show the schema findings: %v", err)
	}
}

func TestReasoningModelOmitsSampling(t *testing.T) {
	temp := 0.2
	for _, tt := range []struct {
		model     string
		reasoning bool
	}{{"gpt-4.1", false}, {"o4-mini", true}, {"gpt-5-mini", true}, {"gpt-5-chat-latest", false}} {
		t.Run(tt.model, func(t *testing.T) {
			ex, srv := setup(t, extract.Extractor{Model: tt.model, Temperature: &temp, ReasoningEffort: "low"}, extracttest.JSON(goodInvoice()))
			if _, _, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc")); err != nil {
				t.Fatal(err)
			}
			b := body(t, srv.Requests()[0])
			_, hasTemp := b["temperature"]
			_, hasReasoning := b["reasoning"]
			if hasTemp == tt.reasoning || hasReasoning != tt.reasoning {
				t.Errorf("temperature sent %v, reasoning sent %v", hasTemp, hasReasoning)
			}
		})
	}
}

func TestManyUnwrapsList(t *testing.T) {
	ex, srv := setup(t, extract.Extractor{}, extracttest.JSON(map[string]any{"items": []any{
		map[string]any{"description": "a", "quantity": 1, "unit_price": 1.5},
		map[string]any{"description": "b", "quantity": 0, "unit_price": 2},
	}}), extracttest.JSON(map[string]any{"items": []any{
		map[string]any{"description": "a", "quantity": 1, "unit_price": 1.5},
		map[string]any{"description": "b", "quantity": 3, "unit_price": 2},
	}}))
	lines, res, err := extract.Many[Line](t.Context(), ex, extract.Text("doc"))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[1].Quantity != 3 {
		t.Errorf("lines = %+v", lines)
	}
	if e := res.Attempts[0].Errors; len(e) != 1 || e[0].Pointer != "/items/1/quantity" {
		t.Errorf("first attempt errors = %v", e)
	}
	if !strings.Contains(string(srv.Requests()[0].Schema), `"items"`) {
		t.Error("list schema not wrapped in an object")
	}
}

type Checked struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

func (c Checked) Validate() error {
	if c.End < c.Start {
		return &schema.FieldError{Pointer: "/end", Message: "must not be before start"}
	}
	return nil
}

func TestValidateMethod(t *testing.T) {
	ex, _ := setup(t, extract.Extractor{MaxAttempts: 1}, extracttest.JSON(map[string]any{"start": 5, "end": 1}))
	_, _, err := extract.One[Checked](t.Context(), ex, extract.Text("doc"))
	var ie *extract.InvalidError
	if !errors.As(err, &ie) || len(ie.Errors()) != 1 || ie.Errors()[0].Pointer != "/end" {
		t.Fatalf("err = %v", err)
	}
}

func TestInputs(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	pdf := []byte("%PDF-1.4\n%test\n")
	ex, srv := setup(t, extract.Extractor{}, extracttest.JSON(goodInvoice()))
	if _, _, err := extract.One[Invoice](t.Context(), ex, extract.Text("see attached"), extract.Image(png), extract.PDF(pdf, "inv.pdf")); err != nil {
		t.Fatal(err)
	}
	content := body(t, srv.Requests()[0])["input"].([]any)[0].(map[string]any)["content"].([]any)
	if len(content) != 3 {
		t.Fatalf("content = %v", content)
	}
	img, file := content[1].(map[string]any), content[2].(map[string]any)
	if img["type"] != "input_image" || !strings.HasPrefix(img["image_url"].(string), "data:image/png;base64,") || img["detail"] != "auto" {
		t.Errorf("image part = %v", img)
	}
	if file["type"] != "input_file" || file["filename"] != "inv.pdf" || !strings.HasPrefix(file["file_data"].(string), "data:application/pdf;base64,") {
		t.Errorf("file part = %v", file)
	}

	for name, in := range map[string]extract.Input{
		"not an image": extract.Image([]byte("hello")),
		"not a pdf":    extract.PDF([]byte("hello"), "x.pdf"),
		"too large":    extract.PDF(append([]byte("%PDF-"), make([]byte, extract.MaxFileBytes)...), "big.pdf"),
		"missing file": extract.PDFFile("/nonexistent/x.pdf"),
	} {
		t.Run(name, func(t *testing.T) {
			_, res, err := extract.One[Invoice](t.Context(), ex, in)
			if !errors.Is(err, extract.ErrInput) || res != nil {
				t.Errorf("err = %v, res = %v", err, res)
			}
		})
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("bad inputs were sent: %d requests", n)
	}
}

func TestJSONSchemaSpec(t *testing.T) {
	doc := []byte(`{
	  "type": "object",
	  "properties": {
	    "name": {"type": "string", "minLength": 3},
	    "age": {"type": "integer", "minimum": 0}
	  },
	  "required": ["name"]
	}`)
	spec, _, err := extract.JSONSchema("person", doc)
	if err != nil {
		t.Fatal(err)
	}
	if f := schema.Lint(spec.Schema); len(f) > 0 {
		t.Fatalf("strict schema has findings: %v", f)
	}
	tests := []struct {
		answer string
		ptrs   []string
	}{
		{`{"name":"Alice","age":null}`, nil},
		{`{"name":"Al","age":3}`, []string{"/name"}},
		{`{"name":"Alice"}`, []string{""}},
		{`{"name":"Alice","age":-1,"x":1}`, []string{""}},
	}
	for _, tt := range tests {
		var got []string
		for _, e := range spec.Check([]byte(tt.answer)) {
			got = append(got, e.Pointer)
		}
		if len(got) == 0 != (len(tt.ptrs) == 0) {
			t.Errorf("%s: errors at %v, want %v", tt.answer, got, tt.ptrs)
		}
	}
}
