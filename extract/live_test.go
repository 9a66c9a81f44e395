//go:build live

// Live tests call the real OpenAI API: go test -tags live ./extract/
// They need OPENAI_API_KEY (and OPENAI_BASE_URL for another server) and cost
// a few cents. They never run in CI.

package extract_test

import (
	"os"
	"testing"

	"github.com/openai/openai-go/v3"

	"github.com/seed0611af48/quarry/extract"
)

const liveInvoice = `NORTHWIND TRADING LTD
Invoice no.: NW-2026-0142    Issue date: 3 March 2026    Due date: 2 April 2026
Espresso beans, 1 kg     4 x 18.50
Paper filters            10 x 2.40
Total due: GBP 98.00`

func liveExtractor(t *testing.T, model string) *extract.Extractor {
	if os.Getenv("OPENAI_API_KEY") == "" {
		t.Skip("OPENAI_API_KEY is not set")
	}
	client := openai.NewClient()
	return &extract.Extractor{Client: &client.Responses, Model: model}
}

func TestLiveOne(t *testing.T) {
	for _, model := range []string{"gpt-4.1-mini", "o4-mini"} {
		t.Run(model, func(t *testing.T) {
			ex := liveExtractor(t, model)
			inv, res, err := extract.One[Invoice](t.Context(), ex, extract.Text(liveInvoice))
			if err != nil {
				t.Fatal(err)
			}
			if inv.Number != "NW-2026-0142" || inv.Currency != "GBP" || len(inv.Lines) != 2 {
				t.Errorf("invoice = %+v", inv)
			}
			t.Logf("%s: %d attempts, usage %+v", res.Model, len(res.Attempts), res.Usage)
		})
	}
}

func TestLiveStream(t *testing.T) {
	ex := liveExtractor(t, "gpt-4.1-mini")
	var final extract.Partial[Invoice]
	n := 0
	for p, err := range extract.Stream[Invoice](t.Context(), ex, extract.StreamOptions{}, extract.Text(liveInvoice)) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		final = p
	}
	if !final.Final || final.Value.Total != 98 {
		t.Errorf("final = %+v after %d partials", final, n)
	}
}
