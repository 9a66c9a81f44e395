// Command invoice extracts an invoice from a text file with Quarry.
//
//	go run ./examples/invoice [file.txt]
//
// With OPENAI_API_KEY set it calls OpenAI (or OPENAI_BASE_URL, for Azure
// OpenAI and other Responses-compatible servers). Without a key it says so
// and runs against extracttest, the in-process fake of the Responses API,
// which answers with a fixed invoice.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
)

// Line is one invoice line.
type Line struct {
	Description string  `json:"description"`
	Quantity    float64 `json:"quantity" validate:"gt=0"`
	UnitPrice   float64 `json:"unit_price" validate:"gte=0"`
}

// Invoice is the record extracted.
type Invoice struct {
	Vendor    string  `json:"vendor"`
	Number    string  `json:"invoice_number" jsonschema:"description=as printed on the invoice"`
	IssueDate string  `json:"issue_date" validate:"datetime=2006-01-02"`
	DueDate   *string `json:"due_date" validate:"omitnil,datetime=2006-01-02"`
	Currency  string  `json:"currency" validate:"oneof=USD EUR GBP INR PLN"`
	Total     float64 `json:"total" validate:"gte=0"`
	Lines     []Line  `json:"lines" validate:"min=1,dive"`
}

func main() {
	log.SetFlags(0)
	path := "examples/invoice/invoice.txt"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}

	var opts []option.RequestOption
	if os.Getenv("OPENAI_API_KEY") == "" {
		fmt.Fprintln(os.Stderr, "OPENAI_API_KEY is not set: running against the simulated model (extracttest), not OpenAI.")
		srv := extracttest.NewServer(func(*extracttest.Request) extracttest.Reply {
			due := "2026-04-02"
			return extracttest.JSON(Invoice{
				Vendor: "Northwind Trading Ltd", Number: "NW-2026-0142", IssueDate: "2026-03-03",
				DueDate: &due, Currency: "GBP", Total: 143,
				Lines: []Line{
					{Description: "Espresso beans, 1 kg", Quantity: 4, UnitPrice: 18.5},
					{Description: "Paper filters (pack of 100)", Quantity: 10, UnitPrice: 2.4},
					{Description: "Milk frother", Quantity: 1, UnitPrice: 45},
				},
			})
		})
		defer srv.Close()
		opts = append(opts, option.WithBaseURL(srv.URL), option.WithAPIKey("simulated"))
	}
	client := openai.NewClient(opts...)
	ex := &extract.Extractor{Client: &client.Responses}

	inv, res, err := extract.One[Invoice](context.Background(), ex, extract.Text(string(doc)))
	if err != nil {
		log.Fatal(err)
	}
	out, _ := json.MarshalIndent(inv, "", "  ")
	fmt.Println(string(out))
	fmt.Fprintf(os.Stderr, "model %s, %d attempt(s), %d input + %d output tokens\n",
		res.Model, len(res.Attempts), res.Usage.InputTokens, res.Usage.OutputTokens)
}
