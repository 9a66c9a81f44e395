package extract_test

import (
	"context"
	"fmt"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
)

func ExampleStreamItems() {
	type Item struct {
		Name  string  `json:"name"`
		Price float64 `json:"price" validate:"gte=0"`
	}
	srv := extracttest.NewServer(nil)
	defer srv.Close()
	srv.Enqueue(extracttest.JSON(map[string]any{"items": []any{
		map[string]any{"name": "tea", "price": 3.5},
		map[string]any{"name": "cake", "price": 4},
	}}).WithChunkSize(8)) // the answer arrives 8 bytes at a time

	client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("test"))
	ex := &extract.Extractor{Client: &client.Responses}
	for item, err := range extract.StreamItems[Item](context.Background(), ex, extract.StreamOptions{}, extract.Text("tea 3.50, cake 4.00")) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Printf("%s %.2f\n", item.Name, item.Price)
	}
	// Output:
	// tea 3.50
	// cake 4.00
}
