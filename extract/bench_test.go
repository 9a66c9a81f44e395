package extract_test

import (
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
)

// Record20 is a 20-field record, as a typical extraction target.
type Record20 struct {
	F01 string   `json:"f01"`
	F02 string   `json:"f02"`
	F03 string   `json:"f03" validate:"oneof=a b c"`
	F04 string   `json:"f04" validate:"datetime=2006-01-02"`
	F05 *string  `json:"f05"`
	F06 int      `json:"f06" validate:"gte=0"`
	F07 int      `json:"f07"`
	F08 float64  `json:"f08" validate:"gte=0,lte=100"`
	F09 float64  `json:"f09"`
	F10 bool     `json:"f10"`
	F11 string   `json:"f11"`
	F12 string   `json:"f12" validate:"email"`
	F13 []string `json:"f13" validate:"max=5"`
	F14 string   `json:"f14"`
	F15 int64    `json:"f15"`
	F16 *float64 `json:"f16"`
	F17 string   `json:"f17"`
	F18 string   `json:"f18"`
	F19 bool     `json:"f19"`
	F20 string   `json:"f20"`
}

// BenchmarkOneRoundTrip measures one extraction of a 20-field struct through
// the real openai-go client and the extracttest server on loopback: request
// building, HTTP, response decoding, strict decode and validation.
func BenchmarkOneRoundTrip(b *testing.B) {
	answer := map[string]any{
		"f01": "x", "f02": "y", "f03": "b", "f04": "2026-01-02", "f05": nil, "f06": 3, "f07": -4,
		"f08": 55.5, "f09": 1.25, "f10": true, "f11": "s", "f12": "a@example.com", "f13": []string{"p", "q"},
		"f14": "t", "f15": 1234567890123, "f16": 2.5, "f17": "u", "f18": "v", "f19": false, "f20": "w",
	}
	srv := extracttest.NewServer(func(*extracttest.Request) extracttest.Reply { return extracttest.JSON(answer) })
	defer srv.Close()
	client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("test"))
	ex := &extract.Extractor{Client: &client.Responses}
	doc := extract.Text("Invoice INV-1 from Example Ltd, issued 2 January 2026, total 55.50 EUR.")
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := extract.One[Record20](ctx, ex, doc); err != nil {
			b.Fatal(err)
		}
	}
}
