package extract_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/schema"
)

// Types whose validate tags are mistakes: each must be refused when its
// schema is built, before any request, and nothing may panic.
type badParam struct {
	N int `json:"n" validate:"gte=abc"`
}

type badRule struct {
	N int `json:"n" validate:"no_such_rule"`
}

type badInner struct {
	Q int `json:"q" validate:"omitempty,lte=x1"`
}

type badDeep struct {
	Lines []badInner `json:"lines"`
}

func TestBadValidateTagsFailBeforeRequest(t *testing.T) {
	reply := extracttest.JSON(map[string]any{"n": 5})
	t.Run("One gte=abc", func(t *testing.T) {
		ex, srv := setup(t, extract.Extractor{}, reply)
		_, _, err := extract.One[badParam](t.Context(), ex, extract.Text("doc"))
		wantTagError(t, err, "badParam.N", "gte=abc")
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})
	t.Run("One nested omitempty,lte=x1", func(t *testing.T) {
		ex, srv := setup(t, extract.Extractor{}, extracttest.JSON(map[string]any{"lines": []any{map[string]any{"q": 3}}}))
		_, _, err := extract.One[badDeep](t.Context(), ex, extract.Text("doc"))
		wantTagError(t, err, "badDeep.Lines[].Q", "lte=x1")
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})
	t.Run("Stream no_such_rule", func(t *testing.T) {
		ex, srv := setup(t, extract.Extractor{}, reply)
		var err error
		for _, e := range extract.Stream[badRule](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
			if e != nil {
				err = e
			}
		}
		wantTagError(t, err, "badRule.N", "no_such_rule")
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})
	t.Run("StreamItems no_such_rule", func(t *testing.T) {
		ex, srv := setup(t, extract.Extractor{}, extracttest.JSON(map[string]any{"items": []any{map[string]any{"n": 5}}}))
		var err error
		for _, e := range extract.StreamItems[badRule](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
			if e != nil {
				err = e
			}
		}
		wantTagError(t, err, "[]badRule[].N", "no_such_rule")
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})
}

func wantTagError(t *testing.T, err error, path, rule string) {
	t.Helper()
	var te *schema.TagError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *schema.TagError", err)
	}
	if te.Path != path || te.Rule != rule {
		t.Errorf("TagError{Path: %q, Rule: %q}, want {%q, %q}; %v", te.Path, te.Rule, path, rule, err)
	}
}

// Item 3: validation at every depth, with the pointers of the JSON.

type EBase struct {
	ID string `json:"id" validate:"required"`
}

type withBase struct {
	EBase
	Name string `json:"name"`
}

type period struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

func (p period) Validate() error {
	if p.End < p.Start {
		return &schema.FieldError{Pointer: "/end", Message: "must not be before start"}
	}
	return nil
}

type schedule struct {
	Main   period   `json:"main"`
	Others []period `json:"others"`
	Maybe  *period  `json:"maybe"`
	Lines  []Line   `json:"lines"`
}

func TestValidateEveryDepth(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want []string // pointer: message prefix
	}{
		{"promoted field", &withBase{}, []string{"/id: is required"}},
		{"slice of structs without dive", &schedule{Lines: []Line{{Quantity: 1}, {Quantity: 0}}},
			[]string{"/lines/1/quantity: must be >= 1"}},
		{"nested Validate", &schedule{Main: period{2, 1}, Others: []period{{1, 2}, {5, 3}}, Maybe: &period{9, 8}},
			[]string{"/main/end: must not be before start", "/others/1/end: must not be before start", "/maybe/end: must not be before start"}},
		{"list root", &[]withBase{{EBase{"a"}, "x"}, {}}, []string{"/items/1/id: is required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := ""
			if tc.name == "list root" {
				base = "/items"
			}
			var got []string
			for _, fe := range schema.Validate(tc.v, base) {
				msg, _, _ := strings.Cut(fe.Message, " (")
				got = append(got, fe.Pointer+": "+msg)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// Item 5: extracttest.JSON serves what a strict server would.

type contact struct {
	Name  string   `json:"name"`
	Email string   `json:"email,omitempty"`
	Phone *string  `json:"phone,omitempty"`
	Tags  []string `json:"tags"`
	Home  *period  `json:"home"`
	Met   []period `json:"met,omitzero"`
	Base  EBase    `json:"base,omitzero"`
}

func TestFakeJSONServesEveryProperty(t *testing.T) {
	ex, srv := setup(t, extract.Extractor{MaxAttempts: 1}, extracttest.JSON(contact{Name: "Ann", Base: EBase{ID: "b"}}))
	c, res, err := extract.One[contact](t.Context(), ex, extract.Text("doc"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Ann" || c.Base.ID != "b" || c.Tags == nil && false {
		t.Errorf("value = %+v", c)
	}
	want := `{"name":"Ann","email":null,"phone":null,"tags":[],"home":null,"met":null,"base":{"id":"b"}}`
	if res.Raw != want {
		t.Errorf("served %s\nwant   %s", res.Raw, want)
	}
	_ = srv
}

// Item 6: corrections speak JSON.

type lineList struct {
	Lines []Line `json:"lines" validate:"min=1"`
	Note  string `json:"note" validate:"oneof=a b"`
}

func TestCorrectionSpeaksJSON(t *testing.T) {
	errs := schema.Validate(&lineList{Lines: []Line{}, Note: "c\"d"}, "")
	got := extract.CorrectionForTest(errs)
	for _, want := range []string{"/lines: must have at least 1 items (got [])", `/note: must be one of the allowed values (got "c\"d"); allowed: a, b`} {
		if !strings.Contains(got, want) {
			t.Errorf("correction lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "extract_test.") || strings.Contains(got, "{}") {
		t.Errorf("Go syntax in the correction:\n%s", got)
	}
}

// Item 4: limits are enforced before any request.

type deep1 struct {
	D deep2 `json:"d"`
}
type deep2 struct {
	D deep3 `json:"d"`
}
type deep3 struct {
	D deep4 `json:"d"`
}
type deep4 struct {
	D deep5 `json:"d"`
}
type deep5 struct {
	D deep6 `json:"d"`
}
type deep6 struct {
	D deep7 `json:"d"`
}
type deep7 struct {
	D deep8 `json:"d"`
}
type deep8 struct {
	D deep9 `json:"d"`
}
type deep9 struct {
	D deep10 `json:"d"`
}
type deep10 struct {
	D deep11 `json:"d"`
}
type deep11 struct {
	D deep12 `json:"d"`
}
type deep12 struct {
	X int `json:"x"`
}

// specOf builds a Spec for a type made at run time.
func specOf(t *testing.T, typ reflect.Type) extract.Spec {
	t.Helper()
	s, err := schema.Reflect(typ)
	if err != nil {
		t.Fatal(err)
	}
	return extract.Spec{Name: s.Name, Schema: s.JSON, Check: func([]byte) []*schema.FieldError { return nil }}
}

func TestLimitsEnforcedBeforeRequest(t *testing.T) {
	many := make([]reflect.StructField, 5001)
	for i := range many {
		many[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[int]()}
	}
	values := make([]string, 1200)
	for i := range values {
		values[i] = fmt.Sprintf("v%d", i)
	}
	enum := []reflect.StructField{{Name: "E", Type: reflect.TypeFor[string](), Tag: reflect.StructTag(`json:"e" validate:"oneof=` + strings.Join(values, " ") + `"`)}}
	tests := []struct {
		name string
		call func(ex *extract.Extractor) error
		rule string
	}{
		{"12 levels", func(ex *extract.Extractor) error {
			_, _, err := extract.One[deep1](t.Context(), ex, extract.Text("doc"))
			return err
		}, schema.RuleMaxNesting},
		{"5001 properties", func(ex *extract.Extractor) error {
			_, _, err := ex.Extract(t.Context(), specOf(t, reflect.StructOf(many)), extract.Text("doc"))
			return err
		}, schema.RuleMaxProperties},
		{"1200 enum values", func(ex *extract.Extractor) error {
			_, _, err := ex.Extract(t.Context(), specOf(t, reflect.StructOf(enum)), extract.Text("doc"))
			return err
		}, schema.RuleMaxEnumValues},
		{"12 levels streamed", func(ex *extract.Extractor) error {
			for _, err := range extract.Stream[deep1](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
				if err != nil {
					return err
				}
			}
			return nil
		}, schema.RuleMaxNesting},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex, srv := setup(t, extract.Extractor{MaxAttempts: 1}, extracttest.Text(`{}`))
			err := tc.call(ex)
			var le *schema.LintError
			if !errors.As(err, &le) || len(le.Findings) == 0 || le.Findings[0].Rule != tc.rule {
				t.Fatalf("err = %v, want a *schema.LintError with %s", err, tc.rule)
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
			// A server with other limits: the option sends anyway.
			ex.IgnoreSchemaLimits = true
			tc.call(ex)
			if n := len(srv.Requests()); n != 1 {
				t.Errorf("with IgnoreSchemaLimits, %d requests sent, want 1", n)
			}
		})
	}
}

// Item 6: Retry-After, unsupported parameters, fenced answers.

func TestAPIErrorRetryAfter(t *testing.T) {
	limited := extracttest.Status(429, "requests", "rate_limit_exceeded", "slow down").WithRetryAfter(2 * time.Millisecond)
	ex, _ := setup(t, extract.Extractor{}, limited, limited, limited)
	_, _, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc"))
	var ae *extract.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 429 {
		t.Fatalf("err = %v", err)
	}
	if ae.RetryAfter != 2*time.Millisecond {
		t.Errorf("RetryAfter = %v, want 2ms", ae.RetryAfter)
	}
}

func TestUnsupportedParameterDroppedAndRemembered(t *testing.T) {
	temp := 0.2
	tests := []struct {
		name  string
		ex    extract.Extractor
		param string
		key   string
	}{
		{"temperature", extract.Extractor{Model: "my-gpt5", Temperature: &temp}, "temperature", "temperature"},
		{"reasoning", extract.Extractor{Model: "o3-proxy", ReasoningEffort: "low"}, "reasoning.effort", "reasoning"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			unsupported := extracttest.Status(400, "invalid_request_error", "unsupported_parameter",
				"Unsupported parameter: '"+tc.param+"' is not supported with this model.").WithParam(tc.param)
			ex, srv := setup(t, tc.ex, unsupported, extracttest.JSON(goodInvoice()), extracttest.JSON(goodInvoice()))
			if _, _, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc")); err != nil {
				t.Fatal(err)
			}
			if _, _, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc")); err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			if len(reqs) != 3 {
				t.Fatalf("%d requests, want 3", len(reqs))
			}
			for i, r := range reqs {
				_, has := body(t, r)[tc.key]
				if has != (i == 0) {
					t.Errorf("request %d: %s sent = %v", i+1, tc.key, has)
				}
			}
		})
	}
}

func TestFencedAnswerUnwrapped(t *testing.T) {
	good, _ := json.Marshal(goodInvoice())
	tests := []struct {
		name, text, note string
	}{
		{"json fence", "```json\n" + string(good) + "\n```", "```json fence"},
		{"bare fence", "```\n" + string(good) + "\n```\n", "``` fence"},
		{"BOM", "\ufeff" + string(good), "byte order mark"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex, _ := setup(t, extract.Extractor{}, extracttest.Text(tc.text))
			inv, res, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc"))
			if err != nil {
				t.Fatal(err)
			}
			if inv.Vendor != "Acme" || len(res.Attempts) != 1 {
				t.Fatalf("value %+v after %d attempts", inv, len(res.Attempts))
			}
			if !strings.Contains(res.Attempts[0].Note, tc.note) {
				t.Errorf("attempt note = %q, want it to mention %q", res.Attempts[0].Note, tc.note)
			}
		})
	}
}

// Item 7: examples on a call, inputs by reference.

func exampleInvoice() Invoice {
	return Invoice{Vendor: "Example Ltd", Number: "E-1", IssueDate: "2025-05-01", Currency: "GBP", Total: 3,
		Lines: []Line{{Description: "Pen", Quantity: 3, UnitPrice: 1}}}
}

func TestExamplesOnACall(t *testing.T) {
	ex, srv := setup(t, extract.Extractor{}, extracttest.JSON(goodInvoice()))
	_, _, err := extract.One[Invoice](t.Context(), ex,
		extract.Example(exampleInvoice(), extract.Text("EXAMPLE LTD invoice E-1 ...")),
		extract.Text("ACME invoice INV-1"))
	if err != nil {
		t.Fatal(err)
	}
	var input []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	}
	if err := json.Unmarshal(srv.Requests()[0].Input, &input); err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, m := range input {
		roles = append(roles, m.Role)
	}
	if diff := cmp.Diff([]string{"user", "assistant", "user"}, roles); diff != "" {
		t.Fatalf("roles (-want +got):\n%s", diff)
	}
	var answer string
	json.Unmarshal(input[1].Content, &answer)
	want := `{"vendor":"Example Ltd","invoice_number":"E-1","issue_date":"2025-05-01","due_date":null,"currency":"GBP","total":3,"lines":[{"description":"Pen","quantity":3,"unit_price":1}]}`
	if answer != want {
		t.Errorf("example answer %s\nwant %s", answer, want)
	}
	if !strings.Contains(string(input[0].Content), "EXAMPLE LTD") || !strings.Contains(string(input[2].Content), "ACME") {
		t.Errorf("messages out of order: %s", srv.Requests()[0].Input)
	}
}

func TestBadExampleFailsBeforeRequest(t *testing.T) {
	bad := exampleInvoice()
	bad.Currency = "DOGE"
	bad.Lines[0].Quantity = 0
	ex, srv := setup(t, extract.Extractor{}, extracttest.JSON(goodInvoice()))
	_, _, err := extract.One[Invoice](t.Context(), ex, extract.Example(bad, extract.Text("example")), extract.Text("doc"))
	var ee *extract.ExampleError
	if !errors.As(err, &ee) || ee.Index != 0 || !errors.Is(err, extract.ErrInput) {
		t.Fatalf("err = %v, want an *extract.ExampleError", err)
	}
	var ptrs []string
	for _, fe := range ee.Errors {
		ptrs = append(ptrs, fe.Pointer)
	}
	if diff := cmp.Diff([]string{"/currency", "/lines/0/quantity"}, ptrs); diff != "" {
		t.Errorf("pointers (-want +got):\n%s", diff)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	// A list type's example is wrapped like its answers.
	ex2, _ := setup(t, extract.Extractor{}, extracttest.JSON(map[string]any{"items": []any{}}))
	if _, _, err := extract.Many[Line](t.Context(), ex2, extract.Example([]Line{{Description: "x", Quantity: 1}}, extract.Text("ex")), extract.Text("doc")); err != nil {
		t.Errorf("Many with an example: %v", err)
	}
}

func TestInputsByReference(t *testing.T) {
	ex, srv := setup(t, extract.Extractor{}, extracttest.JSON(goodInvoice()))
	_, _, err := extract.One[Invoice](t.Context(), ex,
		extract.FileID("file-abc123"), extract.FileURL("https://example.com/inv.pdf"),
		extract.ImageURL("https://example.com/scan.png"), extract.ImageFileID("file-img9"))
	if err != nil {
		t.Fatal(err)
	}
	var input []struct {
		Content []map[string]any `json:"content"`
	}
	if err := json.Unmarshal(srv.Requests()[0].Input, &input); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"type": "input_file", "file_id": "file-abc123"},
		{"type": "input_file", "file_url": "https://example.com/inv.pdf"},
		{"type": "input_image", "image_url": "https://example.com/scan.png", "detail": "auto"},
		{"type": "input_image", "file_id": "file-img9", "detail": "auto"},
	}
	if diff := cmp.Diff(want, input[0].Content); diff != "" {
		t.Errorf("content parts (-want +got):\n%s", diff)
	}
	for _, in := range []extract.Input{extract.FileID(""), extract.FileURL("file:///etc/passwd"), extract.ImageURL("inv.png")} {
		if _, _, err := extract.One[Invoice](t.Context(), ex, in); !errors.Is(err, extract.ErrInput) {
			t.Errorf("bad reference: err = %v, want ErrInput", err)
		}
	}
}

func TestStoreReaskDoesNotResendFile(t *testing.T) {
	ex, srv := setup(t, extract.Extractor{Store: true}, extracttest.JSON(badInvoice()), extracttest.JSON(goodInvoice()))
	if _, _, err := extract.One[Invoice](t.Context(), ex, extract.FileID("file-abc123"),
		extract.Example(exampleInvoice(), extract.Text("example"))); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[1].PreviousResponseID == "" {
		t.Fatalf("%d requests; the re-ask should name the previous response", len(reqs))
	}
	if in := string(reqs[1].Input); strings.Contains(in, "file-abc123") || strings.Contains(in, "Example Ltd") {
		t.Errorf("the store-mode re-ask re-sent the file or the examples: %s", in)
	}
}

// What the schema states from jsonschema tags is checked too, at every depth.
type kwItem struct {
	Kind string `json:"kind" jsonschema:"enum=a,enum=b"`
	N    int    `json:"n" jsonschema:"minimum=5"`
}

type kwDoc struct {
	Items []kwItem `json:"items"`
	Code  string   `json:"code" jsonschema:"pattern=^[A-Z]{3}$"`
}

func TestSchemaKeywordsChecked(t *testing.T) {
	s, err := schema.For[kwDoc]()
	if err != nil {
		t.Fatal(err)
	}
	var v kwDoc
	errs := extract.Decode(s, []byte(`{"items":[{"kind":"a","n":5},{"kind":"c","n":1}],"code":"abc"}`), &v)
	var got []string
	for _, fe := range errs {
		got = append(got, fe.Pointer)
	}
	slices.Sort(got)
	if diff := cmp.Diff([]string{"/code", "/items/1/kind", "/items/1/n"}, got); diff != "" {
		t.Errorf("pointers (-want +got):\n%s\n%v", diff, errs)
	}
}
