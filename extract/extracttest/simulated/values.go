package simulated

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
)

// simulator fills in values that satisfy a strict JSON Schema: the built-in
// simulated model answers with the expected answer of a sample document,
// projected onto the schema of the run, and with made-up values for whatever
// the expected answer lacks.
type simulator struct {
	defs  map[string]any
	lines []docLine // the document's lines, quoted with --evidence (evidence.go)
	key   string    // the property being projected
	last  *docLine  // the line quoted last
}

// object is a JSON object that keeps its keys in schema order, as a model
// writes them.
type object []field

type field struct {
	key   string
	value any
}

func (o object) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, f := range o {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(f.key)
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// propertyOrder lists an object schema's property names in document order,
// recorded by decodeOrdered under the key orderKey.
const orderKey = "\x00order"

// decodeOrdered decodes JSON like encoding/json into map[string]any, and
// records each object's key order under orderKey.
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := map[string]any{}
			var order []string
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				m[k] = v
				order = append(order, k)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			m[orderKey] = order
			return m, nil
		case '[':
			var a []any
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return a, nil
		}
	case json.Number:
		f, _ := t.Float64()
		return f, nil
	}
	return tok, nil
}

func propertyNames(props map[string]any) []string {
	if order, ok := props[orderKey].([]string); ok {
		return order
	}
	var names []string
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func newSimulator(schemaJSON []byte) (*simulator, map[string]any) {
	dec := json.NewDecoder(bytes.NewReader(schemaJSON))
	dec.UseNumber()
	v, _ := decodeOrdered(dec)
	root, _ := v.(map[string]any)
	s := &simulator{defs: map[string]any{}}
	for _, k := range []string{"$defs", "definitions"} {
		if d, ok := root[k].(map[string]any); ok {
			for name, v := range d {
				s.defs["#/"+k+"/"+name] = v
			}
		}
	}
	s.defs["#"] = root
	return s, root
}

func (s *simulator) resolve(sch map[string]any) map[string]any {
	for i := 0; i < 16; i++ {
		ref, ok := sch["$ref"].(string)
		if !ok {
			return sch
		}
		next, ok := s.defs[ref].(map[string]any)
		if !ok {
			return sch
		}
		sch = next
	}
	return sch
}

// types lists the schema's types; nullable reports a "null" among them.
func types(sch map[string]any) (ts []string, nullable bool) {
	switch t := sch["type"].(type) {
	case string:
		ts = []string{t}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				ts = append(ts, s)
			}
		}
	}
	out := ts[:0]
	for _, t := range ts {
		if t == "null" {
			nullable = true
			continue
		}
		out = append(out, t)
	}
	return out, nullable
}

// project keeps what v has that fits sch and invents the rest.
func (s *simulator) project(v any, sch map[string]any, depth int) any {
	sch = s.resolve(sch)
	if vs, paged, ok := quoteWrapper(sch); ok {
		return s.quoted(v, vs, paged, false, depth)
	}
	if c, ok := sch["const"]; ok {
		return plain(c)
	}
	if alts, ok := sch["anyOf"].([]any); ok {
		if v == nil {
			for _, a := range alts {
				if m, ok := a.(map[string]any); ok && m["type"] == "null" {
					return nil
				}
			}
		}
		for _, a := range alts {
			if m, ok := a.(map[string]any); ok {
				m = s.resolve(m)
				if m["type"] != "null" {
					return s.project(v, m, depth)
				}
			}
		}
	}
	ts, nullable := types(sch)
	if v == nil {
		if nullable {
			return nil
		}
		return s.invent(sch, depth)
	}
	if enum, ok := sch["enum"].([]any); ok {
		for _, e := range enum {
			if reflect.DeepEqual(plain(e), v) {
				return v
			}
		}
		return s.invent(sch, depth)
	}
	for _, t := range ts {
		switch t {
		case "object":
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			props, _ := sch["properties"].(map[string]any)
			var out object
			for _, k := range propertyNames(props) {
				psm, _ := props[k].(map[string]any)
				if x, ok := m[k]; ok {
					s.key = k // the field a quote is cited for (evidence.go)
					out = append(out, field{k, s.project(x, psm, depth+1)})
				} else {
					out = append(out, field{k, s.invent(psm, depth+1)})
				}
			}
			return out
		case "array":
			a, ok := v.([]any)
			if !ok {
				continue
			}
			items, _ := sch["items"].(map[string]any)
			if mx, ok := sch["maxItems"].(float64); ok && len(a) > int(mx) {
				a = a[:int(mx)]
			}
			out := make([]any, len(a))
			for i, x := range a {
				out[i] = s.project(x, items, depth+1)
			}
			if mi, ok := sch["minItems"].(float64); ok {
				for len(out) < int(mi) {
					out = append(out, s.invent(items, depth+1))
				}
			}
			return out
		case "string":
			if str, ok := v.(string); ok && matches(sch, str) {
				return str
			}
		case "number":
			if f, ok := v.(float64); ok && inRange(sch, f) {
				return v
			}
		case "integer":
			if f, ok := v.(float64); ok && f == math.Trunc(f) && inRange(sch, f) {
				return v
			}
		case "boolean":
			if _, ok := v.(bool); ok {
				return v
			}
		}
	}
	return s.invent(sch, depth)
}

// invent makes up a value that satisfies sch.
func (s *simulator) invent(sch map[string]any, depth int) any {
	sch = s.resolve(sch)
	if vs, paged, ok := quoteWrapper(sch); ok {
		return s.quoted(nil, vs, paged, true, depth)
	}
	if c, ok := sch["const"]; ok {
		return plain(c)
	}
	if enum, ok := sch["enum"].([]any); ok && len(enum) > 0 {
		return plain(enum[0])
	}
	if alts, ok := sch["anyOf"].([]any); ok && len(alts) > 0 {
		for _, a := range alts {
			if m, ok := a.(map[string]any); ok && m["type"] == "null" {
				return nil
			}
		}
		m, _ := alts[0].(map[string]any)
		return s.invent(m, depth)
	}
	ts, nullable := types(sch)
	if nullable && (depth > 0 || len(ts) == 0) {
		return nil
	}
	if len(ts) == 0 {
		return nil
	}
	switch ts[0] {
	case "object":
		props, _ := sch["properties"].(map[string]any)
		var out object
		for _, k := range propertyNames(props) {
			psm, _ := props[k].(map[string]any)
			out = append(out, field{k, s.invent(psm, depth+1)})
		}
		return out
	case "array":
		n := 1
		if depth > 4 {
			n = 0
		}
		if mi, ok := sch["minItems"].(float64); ok && int(mi) > n {
			n = int(mi)
		}
		items, _ := sch["items"].(map[string]any)
		out := make([]any, n)
		for i := range out {
			out[i] = s.invent(items, depth+1)
		}
		return out
	case "string":
		switch sch["format"] {
		case "date":
			return "2026-01-01"
		case "date-time":
			return "2026-01-01T00:00:00Z"
		case "time":
			return "00:00:00"
		case "email":
			return "someone@example.com"
		case "uuid":
			return "00000000-0000-4000-8000-000000000000"
		case "ipv4":
			return "192.0.2.1"
		case "ipv6":
			return "2001:db8::1"
		case "hostname":
			return "example.com"
		case "duration":
			return "P1D"
		}
		if p, ok := sch["pattern"].(string); ok {
			if str, ok := fromPattern(p); ok {
				return str
			}
		}
		return "simulated"
	case "integer", "number":
		return inventNumber(sch, ts[0] == "integer")
	case "boolean":
		return false
	}
	return nil
}

// plain drops the key order decodeOrdered records, for values taken from
// the schema (const, enum) and given back as answers.
func plain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if k != orderKey {
				out[k] = plain(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	}
	return v
}

// inRange reports whether f meets the schema's numeric bounds and multipleOf.
func inRange(sch map[string]any, f float64) bool {
	if m, ok := sch["minimum"].(float64); ok && f < m {
		return false
	}
	if m, ok := sch["exclusiveMinimum"].(float64); ok && f <= m {
		return false
	}
	if m, ok := sch["maximum"].(float64); ok && f > m {
		return false
	}
	if m, ok := sch["exclusiveMaximum"].(float64); ok && f >= m {
		return false
	}
	if m, ok := sch["multipleOf"].(float64); ok && m > 0 {
		q := f / m
		return math.Abs(q-math.Round(q)) < 1e-9
	}
	return true
}

// inventNumber picks a number the schema accepts: 1, or the smallest
// multiple of the step (multipleOf, 1 for integers) within the bounds.
func inventNumber(sch map[string]any, integer bool) float64 {
	step := 0.0
	if integer {
		step = 1
	}
	if m, ok := sch["multipleOf"].(float64); ok && m > 0 {
		step = m
	}
	lo, loEx := math.Inf(-1), false
	if m, ok := sch["minimum"].(float64); ok {
		lo = m
	}
	if m, ok := sch["exclusiveMinimum"].(float64); ok && m >= lo {
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
	if hi, ok := sch["maximum"].(float64); ok && n > hi {
		n = hi
		if step > 0 {
			n = math.Floor(hi/step) * step
		}
	}
	if hi, ok := sch["exclusiveMaximum"].(float64); ok && n >= hi {
		n = hi - 1
		if step > 0 {
			n = (math.Ceil(hi/step) - 1) * step
		}
	}
	return n
}

// matches reports whether str matches the schema's pattern, if any.
func matches(sch map[string]any, str string) bool {
	p, ok := sch["pattern"].(string)
	if !ok {
		return true
	}
	re, err := regexp.Compile(p)
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
