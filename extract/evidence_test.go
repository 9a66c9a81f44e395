package extract_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/schema"
)

const evidenceDoc = "ACME Office Supplies\nInvoice no. INV-1\nDate: 2 January 2026\n" +
	"Widget   2 x 10.00\nTotal EUR 20.00\n"

// quoted wraps each leaf of the good invoice with a quote.
func quotedInvoice(total float64, totalQuote string) map[string]any {
	q := func(quote string, v any) map[string]any { return map[string]any{"quote": quote, "value": v} }
	return map[string]any{
		"vendor":         q("ACME Office Supplies", "Acme"),
		"invoice_number": q("Invoice no. INV-1", "INV-1"),
		"issue_date":     q("Date: 2 January 2026", "2026-01-02"),
		"due_date":       map[string]any{"quote": nil, "value": nil},
		"currency":       q("Total EUR 20.00", "EUR"),
		"total":          q(totalQuote, total),
		"lines": []any{map[string]any{
			"description": q("Widget   2 x 10.00", "Widget"),
			"quantity":    q("Widget   2 x 10.00", 2),
			"unit_price":  q("2 x 10.00", 10.0),
		}},
	}
}

func verdicts(items []evidence.Item) string {
	var out []string
	for _, it := range items {
		out = append(out, fmt.Sprintf("%s=%s", it.Pointer, it.Verdict))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestEvidenceOne(t *testing.T) {
	ex, srv := setup(t, extract.Extractor{Evidence: true}, extracttest.JSON(quotedInvoice(20, "Total EUR 20.00")))
	inv, res, err := extract.One[Invoice](t.Context(), ex, extract.Text(evidenceDoc))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Total != 20 || inv.Lines[0].Quantity != 2 || inv.Vendor != "Acme" {
		t.Errorf("value %+v", inv)
	}
	// "Acme" is in "ACME Office Supplies" (case aside); due_date is null: no item.
	want := "/currency=supported /invoice_number=supported /issue_date=supported /lines/0/description=supported " +
		"/lines/0/quantity=supported /lines/0/unit_price=supported /total=supported /vendor=supported"
	if got := verdicts(res.Evidence); got != want {
		t.Errorf("evidence\n got %s\nwant %s", got, want)
	}
	req := srv.Requests()[0]
	if !strings.Contains(string(req.Schema), `"quote"`) || strings.Contains(string(req.Schema), `"page"`) {
		t.Errorf("schema of an unpaged text: %s", req.Schema)
	}
	if !strings.Contains(req.Instructions, "copy the quote verbatim") {
		t.Errorf("instructions: %s", req.Instructions)
	}
}

func TestEvidencePaged(t *testing.T) {
	doc := "--- page 1 ---\n" + evidenceDoc
	ans := quotedInvoice(20, "Total EUR 20.00")
	var walk func(v any)
	walk = func(v any) { // add page 1 to each wrapper
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["quote"]; ok {
				x["page"] = 1
				if x["quote"] == nil {
					x["page"] = nil
				}
				return
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(ans)
	ex, srv := setup(t, extract.Extractor{Evidence: true}, extracttest.JSON(ans))
	_, res, err := extract.One[Invoice](t.Context(), ex, extract.Text(doc))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(srv.Requests()[0].Schema), `"page"`) {
		t.Error("the schema of a paged text asks for no page")
	}
	for _, it := range res.Evidence {
		if it.Page != 1 || it.Verdict != evidence.Supported {
			t.Errorf("%+v", it)
		}
	}
}

func TestEvidenceUnsupported(t *testing.T) {
	// The model read 20.00 but wrote 200.
	ex, _ := setup(t, extract.Extractor{Evidence: true}, extracttest.JSON(quotedInvoice(200, "Total EUR 20.00")))
	_, res, err := extract.One[Invoice](t.Context(), ex, extract.Text(evidenceDoc))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Attempts) != 1 {
		t.Errorf("%d attempts without EvidenceReask", len(res.Attempts))
	}
	it := byPointer(res.Evidence, "/total")
	if it.Verdict != evidence.Unsupported || !strings.Contains(it.Reason, "says 20.00, not 200") {
		t.Errorf("total: %+v", it)
	}
}

func TestEvidenceReask(t *testing.T) {
	ex, srv := setup(t, extract.Extractor{Evidence: true, EvidenceReask: true},
		extracttest.JSON(quotedInvoice(200, "Total EUR 20.00")),
		extracttest.JSON(quotedInvoice(20, "Total EUR 20.00")))
	inv, res, err := extract.One[Invoice](t.Context(), ex, extract.Text(evidenceDoc))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Total != 20 || len(res.Attempts) != 2 {
		t.Fatalf("total %v after %d attempts", inv.Total, len(res.Attempts))
	}
	if e := res.Attempts[0].Errors; len(e) != 1 || e[0].Pointer != "/total" {
		t.Errorf("first attempt's errors: %v", e)
	}
	if c := string(srv.Requests()[1].Input); !strings.Contains(c, `/total: evidence unsupported: the source text \"Total EUR 20.00\" says 20.00, not 200`) {
		t.Errorf("re-ask input: %s", c)
	}
	if got := evidence.Count(res.Evidence); got.Supported != 8 || got.Unsupported+got.NotFound != 0 {
		t.Errorf("final evidence %+v", got)
	}
}

// TestEvidenceReaskLastAttempt: the last attempt's answer is kept, flagged.
func TestEvidenceReaskLastAttempt(t *testing.T) {
	bad := extracttest.JSON(quotedInvoice(200, "Grand total 200"))
	ex, _ := setup(t, extract.Extractor{Evidence: true, EvidenceReask: true, MaxAttempts: 2}, bad, bad)
	inv, res, err := extract.One[Invoice](t.Context(), ex, extract.Text(evidenceDoc))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Total != 200 || len(res.Attempts) != 2 {
		t.Fatalf("total %v after %d attempts", inv.Total, len(res.Attempts))
	}
	if got := evidence.Count(res.Evidence); got.NotFound != 1 {
		t.Errorf("final evidence %+v", got)
	}
}

func TestEvidenceBadWrapper(t *testing.T) {
	bare := quotedInvoice(20, "Total EUR 20.00")
	bare["total"] = 20
	ex, srv := setup(t, extract.Extractor{Evidence: true}, extracttest.JSON(bare), extracttest.JSON(quotedInvoice(20, "Total EUR 20.00")))
	if _, res, err := extract.One[Invoice](t.Context(), ex, extract.Text(evidenceDoc)); err != nil || len(res.Attempts) != 2 {
		t.Fatalf("err %v after %d attempts", err, len(res.Attempts))
	}
	if c := string(srv.Requests()[1].Input); !strings.Contains(c, "/total: expected an object {quote, value}, got a number") {
		t.Errorf("re-ask input: %s", c)
	}
}

func TestEvidenceJSONSchema(t *testing.T) {
	spec, _, err := extract.JSONSchema("invoice", []byte(`{"type":"object","properties":{"total":{"type":"number"},"tags":{"type":"array","items":{"type":"string"}}},"required":["total"]}`))
	if err != nil {
		t.Fatal(err)
	}
	ans := map[string]any{"total": map[string]any{"quote": "Total EUR 20.00", "value": 20}, "tags": []any{map[string]any{"quote": "Widget", "value": "widget"}}}
	ex, _ := setup(t, extract.Extractor{Evidence: true}, extracttest.JSON(ans))
	v, res, err := ex.Extract(t.Context(), spec, extract.Text(evidenceDoc))
	if err != nil {
		t.Fatal(err)
	}
	if string(v) != `{"tags":["widget"],"total":20}` {
		t.Errorf("value %s", v)
	}
	if got := verdicts(res.Evidence); got != "/tags/0=supported /total=supported" {
		t.Errorf("evidence %s", got)
	}
}

func TestEvidenceStream(t *testing.T) {
	ex, _ := setup(t, extract.Extractor{Evidence: true})
	for _, err := range extract.Stream[Invoice](t.Context(), ex, extract.StreamOptions{}, extract.Text(evidenceDoc)) {
		if !errors.Is(err, extract.ErrEvidenceStream) {
			t.Errorf("err %v", err)
		}
	}
}

// TestEvidenceTooDeep: a schema at strict mode's nesting limit cannot take
// the quote wrappers; that fails before any request.
func TestEvidenceTooDeep(t *testing.T) {
	doc := `{"type":"number"}`
	for range 10 {
		doc = `{"type":"object","properties":{"a":` + doc + `},"required":["a"],"additionalProperties":false}`
	}
	spec := extract.Spec{Name: "deep", Schema: json.RawMessage(doc), Check: func([]byte) []*schema.FieldError { return nil }}
	ex, srv := setup(t, extract.Extractor{Evidence: true})
	_, _, err := ex.Extract(t.Context(), spec, extract.Text("x"))
	if err == nil || !strings.Contains(err.Error(), "max-nesting") {
		t.Errorf("err %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests", n)
	}
}

func byPointer(items []evidence.Item, p string) evidence.Item {
	for _, it := range items {
		if it.Pointer == p {
			return it
		}
	}
	return evidence.Item{}
}

// TestEvidenceImageUnchecked: a document sent only as an image has no text
// to check quotes against: its values are unchecked, not "not found".
func TestEvidenceImageUnchecked(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")
	ex, _ := setup(t, extract.Extractor{Evidence: true}, extracttest.JSON(quotedInvoice(20, "Total EUR 20.00")))
	_, res, err := extract.One[Invoice](t.Context(), ex, extract.Image(png))
	if err != nil {
		t.Fatal(err)
	}
	c := evidence.Count(res.Evidence)
	if c.Unchecked != len(res.Evidence) || c.Unchecked == 0 {
		t.Fatalf("counts %+v of %d items, want all unchecked", c, len(res.Evidence))
	}
	if r := res.Evidence[0].Reason; !strings.Contains(r, "no text to check") {
		t.Errorf("reason %q", r)
	}
}
