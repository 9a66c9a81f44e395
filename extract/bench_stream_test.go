package extract_test

import (
	"fmt"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
)

// bigInvoice is an answer of about 100 KB: an invoice with many lines.
func bigInvoice() map[string]any {
	v := goodInvoice()
	lines := make([]any, 1400)
	for i := range lines {
		lines[i] = map[string]any{"description": fmt.Sprintf("Item number %d, blue", i), "quantity": i%7 + 1, "unit_price": float64(i%50) + 0.25}
	}
	v["lines"] = lines
	return v
}

// BenchmarkStream100KB streams a 100 KB answer in 16-byte deltas through
// Stream (partial values included) and compares with One on the same answer.
func BenchmarkStream100KB(b *testing.B) {
	reply := extracttest.JSON(bigInvoice()).WithChunkSize(16)
	srv := extracttest.NewServer(func(*extracttest.Request) extracttest.Reply { return reply })
	defer srv.Close()
	client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("test"))
	ex := &extract.Extractor{Client: &client.Responses}
	ctx := b.Context()
	b.Run("One", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := extract.One[Invoice](ctx, ex, extract.Text("doc")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Stream", func(b *testing.B) {
		b.ReportAllocs()
		partials := 0
		for b.Loop() {
			for p, err := range extract.Stream[Invoice](ctx, ex, extract.StreamOptions{}, extract.Text("doc")) {
				if err != nil {
					b.Fatal(err)
				}
				partials++
				_ = p
			}
		}
		b.ReportMetric(float64(partials)/float64(b.N), "partials/op")
	})
}

// BenchmarkStreamItems100KB streams the same 1,400 lines as a list root
// through StreamItems (each element decoded once) and compares with Many.
func BenchmarkStreamItems100KB(b *testing.B) {
	reply := extracttest.JSON(map[string]any{"items": bigInvoice()["lines"]}).WithChunkSize(16)
	srv := extracttest.NewServer(func(*extracttest.Request) extracttest.Reply { return reply })
	defer srv.Close()
	client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("test"))
	ex := &extract.Extractor{Client: &client.Responses}
	ctx := b.Context()
	b.Run("Many", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := extract.Many[Line](ctx, ex, extract.Text("doc")); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("StreamItems", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range extract.StreamItems[Line](ctx, ex, extract.StreamOptions{}, extract.Text("doc")) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != 1400 {
				b.Fatalf("%d items", n)
			}
		}
	})
}
