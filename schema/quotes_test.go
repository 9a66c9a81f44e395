package schema_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/seed0611af48/quarry/schema"
)

type quotedParty struct {
	Name string `json:"name"`
}

type quotedLine struct {
	Description string `json:"description"`
	Quantity    int    `json:"quantity"`
}

type quotedInvoice struct {
	Number string       `json:"number"`
	Total  float64      `json:"total"`
	Due    *string      `json:"due"`
	Vendor *quotedParty `json:"vendor"`
	Lines  []quotedLine `json:"lines"`
	Tags   []string     `json:"tags"`
}

func TestQuoted(t *testing.T) {
	s, err := schema.For[quotedInvoice]()
	if err != nil {
		t.Fatal(err)
	}
	for _, paged := range []bool{false, true} {
		q, err := schema.Quoted(s.JSON, paged)
		if err != nil {
			t.Fatal(err)
		}
		if f := schema.Lint(q); len(f) > 0 {
			t.Fatalf("paged=%v: the quoted schema is not strict: %v\n%s", paged, f, q)
		}
		if got := strings.Count(string(q), `"quote"`); got != 2*7 { // in properties and required, per leaf
			t.Errorf("paged=%v: %d quote keywords, want 14 (7 leaves):\n%s", paged, got, q)
		}
		if got := strings.Contains(string(q), `"page"`); got != paged {
			t.Errorf("paged=%v: has page = %v", paged, got)
		}
	}
}

func TestUnquote(t *testing.T) {
	s, err := schema.For[quotedInvoice]()
	if err != nil {
		t.Fatal(err)
	}
	answer := `{"number":{"quote":"Invoice INV-7","page":1,"value":"INV-7"},` +
		`"total":{"quote":"Total 12.50","page":2,"value":12.50},` +
		`"due":{"quote":null,"page":null,"value":null},` +
		`"vendor":{"name":{"quote":"ACME Ltd","page":1,"value":"ACME"}},` +
		`"lines":[{"description":{"quote":"2 x pens","page":1,"value":"pens"},"quantity":{"quote":"2 x pens","page":1,"value":2}}],` +
		`"tags":[{"quote":"urgent","page":1,"value":"urgent"}]}`
	plain, quotes, errs := schema.Unquote(s.JSON, []byte(answer), true)
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	var inv quotedInvoice
	if err := s.Decode(plain, &inv); err != nil {
		t.Fatalf("the plain answer does not decode: %v\n%s", err, plain)
	}
	if inv.Total != 12.5 || inv.Lines[0].Quantity != 2 || inv.Vendor.Name != "ACME" || inv.Due != nil {
		t.Errorf("decoded %+v", inv)
	}
	want := []schema.Quote{
		{Pointer: "/number", Value: json.RawMessage(`"INV-7"`), Quote: "Invoice INV-7", Page: 1},
		{Pointer: "/total", Value: json.RawMessage(`12.50`), Quote: "Total 12.50", Page: 2},
		{Pointer: "/due", Value: json.RawMessage(`null`)},
		{Pointer: "/vendor/name", Value: json.RawMessage(`"ACME"`), Quote: "ACME Ltd", Page: 1},
		{Pointer: "/lines/0/description", Value: json.RawMessage(`"pens"`), Quote: "2 x pens", Page: 1},
		{Pointer: "/lines/0/quantity", Value: json.RawMessage(`2`), Quote: "2 x pens", Page: 1},
		{Pointer: "/tags/0", Value: json.RawMessage(`"urgent"`), Quote: "urgent", Page: 1},
	}
	if diff := cmp.Diff(want, quotes); diff != "" {
		t.Errorf("quotes (-want +got):\n%s", diff)
	}
	// A null object stays null.
	nullVendor := strings.Replace(answer, `{"name":{"quote":"ACME Ltd","page":1,"value":"ACME"}}`, "null", 1)
	if _, _, errs := schema.Unquote(s.JSON, []byte(nullVendor), true); len(errs) > 0 {
		t.Errorf("null vendor: %v", errs)
	}
}

func TestUnquoteErrors(t *testing.T) {
	s, err := schema.For[quotedParty]()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, answer, want string }{
		{"bare value", `{"name":"ACME"}`, `/name: expected an object {quote, value}, got a string`},
		{"no quote", `{"name":{"value":"ACME"}}`, `/name/quote: missing field "quote"`},
		{"no value", `{"name":{"quote":"x"}}`, `/name/value: missing field "value"`},
		{"page when unpaged", `{"name":{"quote":"x","page":1,"value":"ACME"}}`, `/name/page: unknown field "page"`},
		{"quote a number", `{"name":{"quote":3,"value":"ACME"}}`, `/name/quote: expected a string or null, got a number`},
		{"not JSON", `{"name":`, `not valid JSON`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, errs := schema.Unquote(s.JSON, []byte(c.answer), false)
			if len(errs) == 0 || !strings.Contains(errs[0].Error(), c.want) {
				t.Fatalf("errors %v, want %q", errs, c.want)
			}
		})
	}
}

func FuzzUnquote(f *testing.F) {
	s, err := schema.For[quotedInvoice]()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(`{"number":{"quote":"a","value":"b"},"total":{"quote":null,"value":1},"due":{"quote":null,"value":null},"vendor":null,"lines":[],"tags":[]}`)
	f.Add(`{"lines":[{"description":7}]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, answer string) {
		plain, quotes, errs := schema.Unquote(s.JSON, []byte(answer), false)
		if len(errs) == 0 && !json.Valid(plain) {
			t.Fatalf("plain answer not JSON: %s", plain)
		}
		for _, q := range quotes {
			if !json.Valid(q.Value) {
				t.Fatalf("quote value not JSON: %s", q.Value)
			}
		}
	})
}
