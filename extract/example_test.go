package extract_test

import (
	"context"
	"fmt"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
)

func ExampleOne() {
	type Receipt struct {
		Shop  string  `json:"shop"`
		Total float64 `json:"total" validate:"gte=0"`
	}

	// A fake Responses API: the first answer breaks validation, the second is right.
	srv := extracttest.NewServer(nil)
	defer srv.Close()
	srv.Enqueue(
		extracttest.JSON(map[string]any{"shop": "Corner Café", "total": -4.5}),
		extracttest.JSON(map[string]any{"shop": "Corner Café", "total": 4.5}),
	)

	client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("test"))
	ex := &extract.Extractor{Client: &client.Responses}

	r, res, err := extract.One[Receipt](context.Background(), ex, extract.Text("Corner Café ... TOTAL 4.50"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %.2f after %d attempts\n", r.Shop, r.Total, len(res.Attempts))
	fmt.Println("first attempt:", res.Attempts[0].Errors[0])
	// Output:
	// Corner Café: 4.50 after 2 attempts
	// first attempt: /total: must be >= 0 (got -4.5) (allowed: >= 0)
}
