package simulated

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/extract"
)

// TestModelQuotes: asked for evidence, the Model quotes the lines that state
// each value, with their pages; a wrong expected value gets the line of the
// nearest number, and Quarry flags it.
func TestModelQuotes(t *testing.T) {
	type line struct {
		Item string  `json:"item"`
		Qty  int     `json:"qty"`
		Unit float64 `json:"unit_price"`
	}
	type invoice struct {
		Vendor string  `json:"vendor"`
		Date   string  `json:"date"`
		Total  float64 `json:"total"`
		Lines  []line  `json:"lines"`
	}
	doc := "--- page 1 ---\nGlobex Ltd\nDate: 3 April 2025\nPens   2   1.50\nPaper  1   4.00\n--- page 2 ---\nSubtotal 7.00\nTotal due: 7.00\n"
	m := New(Options{Expected: func(Doc) (json.RawMessage, bool) {
		return json.RawMessage(`{"vendor":"Globex Ltd","date":"2025-04-03","total":7.7,` +
			`"lines":[{"item":"Pens","qty":2,"unit_price":1.5},{"item":"Paper","qty":1,"unit_price":4}]}`), true
	}})
	defer m.Close()
	client := openai.NewClient(option.WithBaseURL(m.URL), option.WithAPIKey("simulated"))
	ex := &extract.Extractor{Client: m.For(&client.Responses, Doc{Source: "d"}), Evidence: true}
	_, res, err := extract.One[invoice](context.Background(), ex, extract.Text(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		quote   string
		page    int
		verdict evidence.Verdict
	}{
		"/vendor":             {"Globex Ltd", 1, evidence.Supported},
		"/date":               {"Date: 3 April 2025", 1, evidence.Supported},
		"/total":              {"Total due: 7.00", 2, evidence.Unsupported}, // 7.7 is wrong; nearest number, labelled
		"/lines/0/item":       {"Pens   2   1.50", 1, evidence.Supported},
		"/lines/0/qty":        {"Pens   2   1.50", 1, evidence.Supported},
		"/lines/0/unit_price": {"Pens   2   1.50", 1, evidence.Supported},
		"/lines/1/qty":        {"Paper  1   4.00", 1, evidence.Supported},
	}
	got := map[string]evidence.Item{}
	for _, it := range res.Evidence {
		got[it.Pointer] = it
	}
	for p, w := range want {
		it := got[p]
		if it.Quote != w.quote || it.Page != w.page || it.Verdict != w.verdict {
			t.Errorf("%s: %q page %d %s, want %q page %d %s", p, it.Quote, it.Page, it.Verdict, w.quote, w.page, w.verdict)
		}
	}
}
