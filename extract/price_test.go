package extract_test

import (
	"math"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/extract"
)

func TestPrices(t *testing.T) {
	p, ok := extract.DefaultPrices().Lookup("gpt-4.1-mini-2025-04-14")
	if !ok || p.Input != 0.40 {
		t.Fatalf("lookup of a dated mini snapshot = %+v, %v", p, ok)
	}
	if _, ok := extract.DefaultPrices().Lookup("my-local-llama"); ok {
		t.Error("unknown model found")
	}
	u := extract.Usage{InputTokens: 1_000_000, CachedTokens: 500_000, OutputTokens: 100_000}
	std := p.Cost(u, extract.TierStandard)
	want := 0.5*0.40 + 0.5*0.10 + 0.1*1.60
	if math.Abs(std-want) > 1e-9 {
		t.Errorf("standard cost = %v, want %v", std, want)
	}
	if b := p.Cost(u, extract.TierBatch); math.Abs(b-want/2) > 1e-9 {
		t.Errorf("batch cost = %v, want %v", b, want/2)
	}
	over, err := extract.DefaultPrices().ReadPrices(strings.NewReader(`{"my-local-llama": {"input": 0, "cached_input": 0, "output": 0}, "gpt-4.1": {"input": 1, "cached_input": 1, "output": 1}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := over.Lookup("gpt-4.1"); p.Input != 1 {
		t.Errorf("override lost: %+v", p)
	}
	if _, err := extract.DefaultPrices().ReadPrices(strings.NewReader(`{"x": {"inputs": 1}}`)); err == nil {
		t.Error("unknown key accepted")
	}
}
