package extract_test

import (
	"context"
	"fmt"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
)

func ExampleExtractor_evidence() {
	type Receipt struct {
		Shop  string  `json:"shop"`
		Total float64 `json:"total"`
	}
	doc := "--- page 1 ---\nCorner Café\n2 x espresso  5.60\n--- page 2 ---\nTOTAL EUR 5.60\n"

	// With Evidence each value is asked for with its quote and page; this
	// fake model misreads the total.
	srv := extracttest.NewServer(nil)
	defer srv.Close()
	srv.Enqueue(extracttest.JSON(map[string]any{
		"shop":  map[string]any{"quote": "Corner Café", "page": 1, "value": "Corner Café"},
		"total": map[string]any{"quote": "TOTAL EUR 5.60", "page": 2, "value": 6.5},
	}))
	client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("test"))
	ex := &extract.Extractor{Client: &client.Responses, Evidence: true}

	r, res, err := extract.One[Receipt](context.Background(), ex, extract.Text(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %.2f\n", r.Shop, r.Total)
	for _, e := range res.Evidence {
		fmt.Printf("%s: page %d [%d,%d) %s %s\n", e.Pointer, e.Page, e.Start, e.End, e.Match, e.Verdict)
		if e.Reason != "" {
			fmt.Println("  ", e.Reason)
		}
	}
	// Output:
	// Corner Café 6.50
	// /shop: page 1 [0,11) exact supported
	// /total: page 2 [0,14) exact unsupported
	//    the source text "TOTAL EUR 5.60" says 5.60, not 6.5
}
