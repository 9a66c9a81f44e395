package extract

import "strings"

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
