package extract

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Price is what a model costs, in US dollars per million tokens.
type Price struct {
	Input       float64 `json:"input"`
	CachedInput float64 `json:"cached_input"`
	Output      float64 `json:"output"`
}

// Prices maps model names (or name prefixes, matched longest first, so
// "gpt-4.1" prices "gpt-4.1-2025-04-14") to standard-tier prices.
type Prices map[string]Price

// ReadPrices reads a price table from JSON ({"model": {"input": 2, "cached_input": 0.5, "output": 8}})
// and lays it over p: entries in the file win.
func (p Prices) ReadPrices(r io.Reader) (Prices, error) {
	var extra Prices
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&extra); err != nil {
		return nil, fmt.Errorf("extract: price table: %w", err)
	}
	out := make(Prices, len(p)+len(extra))
	for k, v := range p {
		out[k] = v
	}
	for k, v := range extra {
		if v.Input < 0 || v.CachedInput < 0 || v.Output < 0 {
			return nil, fmt.Errorf("extract: price table: negative price for %q", k)
		}
		out[k] = v
	}
	return out, nil
}

// Lookup finds a model's price: an exact name, else the longest prefix
// followed by "-" (a dated snapshot). ok is false for unknown models.
func (p Prices) Lookup(model string) (Price, bool) {
	m := strings.ToLower(model)
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:]
	}
	if pr, ok := p[m]; ok {
		return pr, true
	}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		if strings.HasPrefix(m, k+"-") {
			return p[k], true
		}
	}
	return Price{}, false
}

// Tier discounts: the Batch API and the flex service tier cost half.
const (
	TierStandard = "standard"
	TierBatch    = "batch"
	TierFlex     = "flex"
)

// Cost prices usage: uncached input, cached input and output tokens
// (reasoning tokens are billed as output and are part of OutputTokens).
func (pr Price) Cost(u Usage, tier string) float64 {
	uncached := u.InputTokens - u.CachedTokens
	if uncached < 0 {
		uncached = 0
	}
	c := (float64(uncached)*pr.Input + float64(u.CachedTokens)*pr.CachedInput + float64(u.OutputTokens)*pr.Output) / 1e6
	if tier == TierBatch || tier == TierFlex {
		c /= 2
	}
	return c
}
