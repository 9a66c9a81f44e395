package eval

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Values compared here are decoded by encoding/json with UseNumber:
// map[string]any, []any, json.Number, string, bool and nil.

// CompareValues compares one expected value with one extracted value under
// rule r: whether they are equal under the rule, and whether they are
// equal byte for byte as well (for text, the "exact" figure reported beside
// the normalised one). Both are JSON values as encoding/json decodes them
// with UseNumber.
func CompareValues(r Rule, expected, got any) (equal, exact bool) {
	exact = jsonEqual(expected, got)
	if exact || expected == nil || got == nil {
		return exact, exact // equal values are equal under every rule; null equals only null
	}
	switch r.Mode {
	case ModeIgnore:
		return true, exact
	case ModeText:
		es, ok1 := expected.(string)
		gs, ok2 := got.(string)
		if ok1 && ok2 {
			return normalizeText(es) == normalizeText(gs), exact
		}
	case ModeNumber:
		e, ok1 := number(expected)
		g, ok2 := number(got)
		if ok1 && ok2 {
			return numbersEqual(r, e, g), exact
		}
	case ModeDate:
		es, ok1 := expected.(string)
		gs, ok2 := got.(string)
		if ok1 && ok2 {
			if eq, ok := datesEqual(es, gs); ok {
				return eq, exact
			}
		}
	}
	return exact, exact
}

func numbersEqual(r Rule, e, g float64) bool {
	tol := r.Tolerance
	if r.Relative {
		tol *= math.Abs(e)
	}
	// A little slack for binary fractions: 0.1+0.2 within 0.3±0.
	return math.Abs(e-g) <= tol+1e-9*math.Max(1, math.Max(math.Abs(e), math.Abs(g)))
}

// number reads a JSON number, or a string holding one ("1,234.50", "$12").
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case string:
		s := strings.Map(func(r rune) rune {
			switch {
			case r == ',' || r == ' ' || r == '\u00a0' || r == '_':
				return -1
			case unicode.Is(unicode.Sc, r):
				return -1
			}
			return r
		}, x)
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	}
	return 0, false
}

// normalizeText lowercases s, turns punctuation and symbols into spaces
// and collapses runs of space: "ACME  Corp." and "Acme Corp" are equal.
func normalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// jsonEqual compares two decoded JSON values; numbers by value.
func jsonEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case json.Number, float64:
		if _, ok := b.(string); ok {
			return false
		}
		fx, ok1 := number(x)
		fy, ok2 := number(b)
		return ok1 && ok2 && fx == fy
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	}
	return false
}
