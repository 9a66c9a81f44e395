package simulated

import (
	"maps"
	"math"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"github.com/seed0611af48/quarry/internal/ojson"
	"github.com/seed0611af48/quarry/schema"
)

// simulator fills in values that satisfy a strict JSON Schema: the built-in
// simulated model answers with the expected answer of a sample document,
// projected onto the schema of the run, and with made-up values for whatever
// the expected answer lacks. It reads the schema through schema.ParseModel
// and writes ordered values (ojson.Value), keys in schema order as a model
// writes them.
type simulator struct {
	lines []docLine // the document's lines, quoted with --evidence (evidence.go)
	key   string    // the property being projected
	last  *docLine  // the line quoted last
}

// newSimulator reads the request schema. A schema that cannot be read
// (not a JSON object) is an empty Model, for which the simulator answers
// null.
func newSimulator(schemaJSON []byte) (*simulator, *schema.Model) {
	root, err := schema.ParseModel(schemaJSON)
	if err != nil {
		root = &schema.Model{}
	}
	return &simulator{}, root
}

// project keeps what v (an expected answer decoded by encoding/json) has
// that fits m and invents the rest.
func (s *simulator) project(v any, m *schema.Model, depth int) ojson.Value {
	m = m.Resolve()
	if vs, paged, ok := quoteWrapper(m); ok {
		return s.quoted(v, vs, paged, false, depth)
	}
	if c := m.Keywords.Get("const"); c != nil {
		return plain(*c)
	}
	if m.Alts != nil && m.Keywords.Has("anyOf") {
		if v == nil && m.Nullable {
			return ojson.Value{}
		}
		if len(m.Alts) > 0 {
			return s.project(v, m.Alts[0], depth)
		}
	}
	if v == nil {
		if m.Nullable {
			return ojson.Value{}
		}
		return s.invent(m, depth)
	}
	if m.Enum != nil {
		for i := range m.Enum {
			if equal(&m.Enum[i], v) {
				return fromAny(v)
			}
		}
		return s.invent(m, depth)
	}
	for _, t := range m.Types {
		switch t {
		case schema.TypeObject:
			obj, ok := v.(map[string]any)
			if !ok {
				continue
			}
			out := ojson.Obj()
			for _, p := range m.Props {
				var pv ojson.Value
				if x, ok := obj[p.Name]; ok {
					s.key = p.Name // the field a quote is cited for (evidence.go)
					pv = s.project(x, p.Schema, depth+1)
				} else {
					pv = s.invent(p.Schema, depth+1)
				}
				out.Members = append(out.Members, ojson.Member{Key: p.Name, Value: pv})
			}
			return out
		case schema.TypeArray:
			a, ok := v.([]any)
			if !ok {
				continue
			}
			if mx, ok := m.Keywords.Get("maxItems").Float(); ok && len(a) > int(mx) {
				a = a[:int(mx)]
			}
			out := ojson.Value{Kind: ojson.Array, Elems: make([]ojson.Value, len(a))}
			for i, x := range a {
				out.Elems[i] = s.project(x, m.Items, depth+1)
			}
			if mi, ok := m.Keywords.Get("minItems").Float(); ok {
				for len(out.Elems) < int(mi) {
					out.Elems = append(out.Elems, s.invent(m.Items, depth+1))
				}
			}
			return out
		case schema.TypeString:
			if str, ok := v.(string); ok && matches(m, str) {
				return ojson.Str(str)
			}
		case schema.TypeNumber:
			if f, ok := v.(float64); ok && inRange(m, f) {
				return number(f)
			}
		case schema.TypeInteger:
			if f, ok := v.(float64); ok && f == math.Trunc(f) && inRange(m, f) {
				return number(f)
			}
		case schema.TypeBoolean:
			if b, ok := v.(bool); ok {
				return ojson.Boolean(b)
			}
		}
	}
	return s.invent(m, depth)
}

// invent makes up a value that satisfies m.
func (s *simulator) invent(m *schema.Model, depth int) ojson.Value {
	m = m.Resolve()
	if vs, paged, ok := quoteWrapper(m); ok {
		return s.quoted(nil, vs, paged, true, depth)
	}
	if c := m.Keywords.Get("const"); c != nil {
		return plain(*c)
	}
	if len(m.Enum) > 0 {
		return plain(m.Enum[0])
	}
	if len(m.Alts) > 0 && m.Keywords.Has("anyOf") {
		if m.Nullable {
			return ojson.Value{}
		}
		return s.invent(m.Alts[0], depth)
	}
	if m.Nullable && (depth > 0 || len(m.Types) == 0) {
		return ojson.Value{}
	}
	if len(m.Types) == 0 {
		return ojson.Value{}
	}
	switch t := m.Types[0]; t {
	case schema.TypeObject:
		out := ojson.Obj()
		for _, p := range m.Props {
			out.Members = append(out.Members, ojson.Member{Key: p.Name, Value: s.invent(p.Schema, depth+1)})
		}
		return out
	case schema.TypeArray:
		n := 1
		if depth > 4 {
			n = 0
		}
		if mi, ok := m.Keywords.Get("minItems").Float(); ok && int(mi) > n {
			n = int(mi)
		}
		out := ojson.Value{Kind: ojson.Array, Elems: make([]ojson.Value, n)}
		for i := range out.Elems {
			out.Elems[i] = s.invent(m.Items, depth+1)
		}
		return out
	case schema.TypeString:
		switch m.Format {
		case "date":
			return ojson.Str("2026-01-01")
		case "date-time":
			return ojson.Str("2026-01-01T00:00:00Z")
		case "time":
			return ojson.Str("00:00:00")
		case "email":
			return ojson.Str("someone@example.com")
		case "uuid":
			return ojson.Str("00000000-0000-4000-8000-000000000000")
		case "ipv4":
			return ojson.Str("192.0.2.1")
		case "ipv6":
			return ojson.Str("2001:db8::1")
		case "hostname":
			return ojson.Str("example.com")
		case "duration":
			return ojson.Str("P1D")
		}
		if p := m.Keywords.Get("pattern"); p != nil && p.Kind == ojson.String {
			if str, ok := fromPattern(p.Text); ok {
				return ojson.Str(str)
			}
		}
		return ojson.Str("simulated")
	case schema.TypeInteger, schema.TypeNumber:
		return number(inventNumber(m, t == schema.TypeInteger))
	case schema.TypeBoolean:
		return ojson.Boolean(false)
	}
	return ojson.Value{}
}

// plain is a value taken from the schema (const, enum) as encoding/json
// would give it back after decoding it into any: numbers through float64,
// object keys sorted.
func plain(v ojson.Value) ojson.Value {
	switch v.Kind {
	case ojson.Number:
		f, _ := strconv.ParseFloat(v.Text, 64)
		return number(f)
	case ojson.Array:
		out := ojson.Value{Kind: ojson.Array, Elems: make([]ojson.Value, len(v.Elems))}
		for i, e := range v.Elems {
			out.Elems[i] = plain(e)
		}
		return out
	case ojson.Object:
		byKey := map[string]ojson.Value{}
		for _, m := range v.Members {
			byKey[m.Key] = m.Value
		}
		out := ojson.Obj()
		for _, k := range slices.Sorted(maps.Keys(byKey)) {
			out.Members = append(out.Members, ojson.Member{Key: k, Value: plain(byKey[k])})
		}
		return out
	}
	v.Raw = nil
	return v
}

// fromAny converts a value decoded by encoding/json into any.
func fromAny(v any) ojson.Value {
	switch x := v.(type) {
	case string:
		return ojson.Str(x)
	case float64:
		return number(x)
	case bool:
		return ojson.Boolean(x)
	case []any:
		out := ojson.Value{Kind: ojson.Array, Elems: make([]ojson.Value, len(x))}
		for i, e := range x {
			out.Elems[i] = fromAny(e)
		}
		return out
	case map[string]any:
		out := ojson.Obj()
		for _, k := range slices.Sorted(maps.Keys(x)) {
			out.Members = append(out.Members, ojson.Member{Key: k, Value: fromAny(x[k])})
		}
		return out
	}
	return ojson.Value{}
}

// equal reports whether the schema's value e (an enum value) is v, as
// reflect.DeepEqual compares what encoding/json decodes.
func equal(e *ojson.Value, v any) bool {
	switch e.Kind {
	case ojson.Null:
		return v == nil
	case ojson.Bool:
		b, ok := v.(bool)
		return ok && b == e.True()
	case ojson.Number:
		f, ok := v.(float64)
		g, err := strconv.ParseFloat(e.Text, 64)
		return ok && err == nil && f == g
	case ojson.String:
		s, ok := v.(string)
		return ok && s == e.Text
	case ojson.Array:
		a, ok := v.([]any)
		if !ok || len(a) != len(e.Elems) {
			return false
		}
		for i := range a {
			if !equal(&e.Elems[i], a[i]) {
				return false
			}
		}
		return true
	default:
		o, ok := v.(map[string]any)
		if !ok {
			return false
		}
		keys := map[string]bool{}
		for i := range e.Members {
			keys[e.Members[i].Key] = true
		}
		if len(keys) != len(o) {
			return false
		}
		for k := range keys {
			x, ok := o[k]
			if !ok || !equal(e.Get(k), x) {
				return false
			}
		}
		return true
	}
}

// number writes f as encoding/json does.
func number(f float64) ojson.Value {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(nil, f, format, -1, 64)
	if format == 'e' { // clean up e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return ojson.Num(string(b))
}

// inRange reports whether f meets the schema's numeric bounds and multipleOf.
func inRange(m *schema.Model, f float64) bool {
	if m, ok := m.Keywords.Get("minimum").Float(); ok && f < m {
		return false
	}
	if m, ok := m.Keywords.Get("exclusiveMinimum").Float(); ok && f <= m {
		return false
	}
	if m, ok := m.Keywords.Get("maximum").Float(); ok && f > m {
		return false
	}
	if m, ok := m.Keywords.Get("exclusiveMaximum").Float(); ok && f >= m {
		return false
	}
	if m, ok := m.Keywords.Get("multipleOf").Float(); ok && m > 0 {
		q := f / m
		return math.Abs(q-math.Round(q)) < 1e-9
	}
	return true
}

// inventNumber picks a number the schema accepts: 1, or the smallest
// multiple of the step (multipleOf, 1 for integers) within the bounds.
func inventNumber(m *schema.Model, integer bool) float64 {
	step := 0.0
	if integer {
		step = 1
	}
	if m, ok := m.Keywords.Get("multipleOf").Float(); ok && m > 0 {
		step = m
	}
	lo, loEx := math.Inf(-1), false
	if m, ok := m.Keywords.Get("minimum").Float(); ok {
		lo = m
	}
	if m, ok := m.Keywords.Get("exclusiveMinimum").Float(); ok && m >= lo {
		lo, loEx = m, true
	}
	n := max(1, lo)
	if loEx && n <= lo {
		n = lo + 1
		if step > 0 {
			n = lo + step
		}
	}
	if step > 0 {
		n = math.Ceil(n/step) * step
		if loEx && n <= lo {
			n += step
		}
	}
	if hi, ok := m.Keywords.Get("maximum").Float(); ok && n > hi {
		n = hi
		if step > 0 {
			n = math.Floor(hi/step) * step
		}
	}
	if hi, ok := m.Keywords.Get("exclusiveMaximum").Float(); ok && n >= hi {
		n = hi - 1
		if step > 0 {
			n = (math.Ceil(hi/step) - 1) * step
		}
	}
	return n
}

// matches reports whether str matches the schema's pattern, if any.
func matches(m *schema.Model, str string) bool {
	p := m.Keywords.Get("pattern")
	if p == nil || p.Kind != ojson.String {
		return true
	}
	re, err := regexp.Compile(p.Text)
	return err != nil || re.MatchString(str)
}

// fromPattern makes a short string that matches pattern: the first choice of
// every alternation and class, each repetition at its minimum.
func fromPattern(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	var walk func(*syntax.Regexp)
	walk = func(r *syntax.Regexp) {
		switch r.Op {
		case syntax.OpLiteral:
			b.WriteString(string(r.Rune))
		case syntax.OpCharClass:
			if len(r.Rune) > 0 {
				c := r.Rune[0]
				if r.Rune[0] <= 'a' && 'a' <= r.Rune[1] {
					c = 'a'
				}
				b.WriteRune(c)
			}
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('x')
		case syntax.OpCapture, syntax.OpPlus:
			walk(r.Sub[0])
		case syntax.OpRepeat:
			for range r.Min {
				walk(r.Sub[0])
			}
		case syntax.OpConcat:
			for _, sub := range r.Sub {
				walk(sub)
			}
		case syntax.OpAlternate:
			walk(r.Sub[0])
		}
	}
	walk(re.Simplify())
	out := b.String()
	if m, err := regexp.Compile(pattern); err != nil || !m.MatchString(out) {
		return "", false
	}
	return out, true
}
