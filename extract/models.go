package extract

import (
	"maps"
	"strings"
)

// This file is the one home of what Quarry knows about OpenAI's models: the
// default model, which models reason, their context windows and their prices.

// DefaultModel is the model used when Extractor.Model is empty.
const DefaultModel = "gpt-4.1"

// ContextWindow is a model's context window in tokens (input and output
// together), or 0 when the model is unknown.
func ContextWindow(model string) int {
	m := strings.ToLower(model)
	switch {
	case strings.HasPrefix(m, "gpt-4.1"):
		return 1_047_576
	case strings.HasPrefix(m, "gpt-5"):
		return 400_000
	case strings.HasPrefix(m, "o3"), strings.HasPrefix(m, "o4"), strings.HasPrefix(m, "o1"):
		return 200_000
	case strings.HasPrefix(m, "gpt-4o"):
		return 128_000
	}
	return 0
}

// isReasoningModel reports whether a model name belongs to a reasoning model
// (o1, o3, o4-mini, the gpt-5 family except its chat variants), which takes
// reasoning.effort and rejects temperature and top_p.
func isReasoningModel(model string) bool {
	m := strings.ToLower(model)
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:]
	}
	switch {
	case strings.HasPrefix(m, "gpt-5") && strings.Contains(m, "chat"):
		return false
	case strings.HasPrefix(m, "gpt-5"), strings.HasPrefix(m, "codex"):
		return true
	case len(m) >= 2 && m[0] == 'o' && m[1] >= '1' && m[1] <= '9':
		return true
	}
	return false
}

// DefaultPrices returns OpenAI's published standard-tier prices as of late
// 2026, a fresh copy each call. They change: lay your own over them with
// ReadPrices when it matters.
func DefaultPrices() Prices { return maps.Clone(defaultPrices) }

var defaultPrices = Prices{
	"gpt-4.1":      {Input: 2.00, CachedInput: 0.50, Output: 8.00},
	"gpt-4.1-mini": {Input: 0.40, CachedInput: 0.10, Output: 1.60},
	"gpt-4.1-nano": {Input: 0.10, CachedInput: 0.025, Output: 0.40},
	"gpt-4o":       {Input: 2.50, CachedInput: 1.25, Output: 10.00},
	"gpt-4o-mini":  {Input: 0.15, CachedInput: 0.075, Output: 0.60},
	"o3":           {Input: 2.00, CachedInput: 0.50, Output: 8.00},
	"o4-mini":      {Input: 1.10, CachedInput: 0.275, Output: 4.40},
	"gpt-5":        {Input: 1.25, CachedInput: 0.125, Output: 10.00},
	"gpt-5-mini":   {Input: 0.25, CachedInput: 0.025, Output: 2.00},
	"gpt-5-nano":   {Input: 0.05, CachedInput: 0.005, Output: 0.40},
}
