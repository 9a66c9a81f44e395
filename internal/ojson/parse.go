package ojson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/seed0611af48/quarry/internal/jsonptr"
)

// DefaultMaxDepth is the nesting limit of Parse, encoding/json's.
const DefaultMaxDepth = 10000

// Options adjusts parsing. The zero value is strict: nesting up to
// DefaultMaxDepth, and a key repeated in an object is an error.
type Options struct {
	// MaxDepth bounds the nesting of arrays and objects; 0 means
	// DefaultMaxDepth. Code that recurses over the tree sets it lower.
	MaxDepth int
	// KeepDuplicates keeps every member of an object whose key repeats,
	// in order, instead of failing; Get returns the last. The strict
	// decoder uses it to report each repeat at its own pointer.
	KeepDuplicates bool
}

// Error is a problem with the JSON text: its syntax, a repeated key or
// nesting that is too deep.
type Error struct {
	Offset int    // byte offset of the problem in the input
	Msg    string // what is wrong

	dup  string   // the repeated key, while the error travels up
	path []string // the tokens down to its object, innermost first
}

func (e *Error) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// Parse reads exactly one JSON value, with optional white space around it,
// strictly (see Options).
func Parse(data []byte) (Value, error) { return Options{}.Parse(data) }

// Parse reads exactly one JSON value with o's limits. Strings are decoded
// (invalid UTF-8 becomes U+FFFD, as encoding/json does); every value's Raw
// is a slice of data.
func (o Options) Parse(data []byte) (Value, error) {
	p := parser{data: data, maxDepth: o.MaxDepth, dups: o.KeepDuplicates}
	if p.maxDepth <= 0 {
		p.maxDepth = DefaultMaxDepth
	}
	p.space()
	v, err := p.value()
	if err != nil {
		if e, ok := err.(*Error); ok && e.dup != "" {
			slices.Reverse(e.path)
			e.Msg = fmt.Sprintf("duplicate key %q in the object at %q", e.dup, jsonptr.Join("", e.path...))
			e.dup, e.path = "", nil
		}
		return Value{}, err
	}
	p.space()
	if p.pos != len(p.data) {
		return Value{}, p.errorf("invalid character %q after top-level value", p.data[p.pos])
	}
	return v, nil
}

type parser struct {
	data     []byte
	pos      int
	depth    int
	maxDepth int
	dups     bool // keep repeated keys
}

func (p *parser) errorf(format string, args ...any) error {
	return &Error{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() (Value, error) {
	if p.pos >= len(p.data) {
		return Value{}, p.errorf("unexpected end of JSON input")
	}
	start := p.pos
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.string()
		return Value{Kind: String, Raw: p.data[start:p.pos], Text: s}, err
	case c == 't':
		return p.literal("true", Bool)
	case c == 'f':
		return p.literal("false", Bool)
	case c == 'n':
		return p.literal("null", Null)
	case c == '-' || '0' <= c && c <= '9':
		if err := p.number(); err != nil {
			return Value{}, err
		}
		raw := p.data[start:p.pos]
		return Value{Kind: Number, Raw: raw, Text: string(raw)}, nil
	default:
		return Value{}, p.errorf("invalid character %q looking for beginning of value", c)
	}
}

func (p *parser) literal(lit string, k Kind) (Value, error) {
	if !bytes.HasPrefix(p.data[p.pos:], []byte(lit)) {
		return Value{}, p.errorf("invalid literal")
	}
	start := p.pos
	p.pos += len(lit)
	v := Value{Kind: k, Raw: p.data[start:p.pos]}
	if k == Bool {
		v.Text = lit
	}
	return v, nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > p.maxDepth {
		return p.errorf("nesting deeper than %d levels", p.maxDepth)
	}
	return nil
}

func (p *parser) object() (Value, error) {
	start := p.pos
	if err := p.enter(); err != nil {
		return Value{}, err
	}
	defer func() { p.depth-- }()
	p.pos++ // {
	v := Value{Kind: Object}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		v.Raw = p.data[start:p.pos]
		return v, nil
	}
	var seen map[string]bool // for large objects without KeepDuplicates
	for {
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return v, p.errorf("expected a string for an object key")
		}
		keyAt := p.pos
		key, err := p.string()
		if err != nil {
			return v, err
		}
		if !p.dups {
			if seen == nil && len(v.Members) >= 16 {
				seen = make(map[string]bool, 2*len(v.Members))
				for _, m := range v.Members {
					seen[m.Key] = true
				}
			}
			if p.repeated(v.Members, seen, key) {
				return v, &Error{Offset: keyAt, dup: key}
			}
			if seen != nil {
				seen[key] = true
			}
		}
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return v, p.errorf("expected ':' after object key")
		}
		p.pos++
		p.space()
		val, err := p.value()
		if err != nil {
			return v, within(err, key)
		}
		v.Members = append(v.Members, Member{Key: key, Value: val})
		p.space()
		if p.pos >= len(p.data) {
			return v, p.errorf("unexpected end of JSON input")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			v.Raw = p.data[start:p.pos]
			return v, nil
		default:
			return v, p.errorf("expected ',' or '}' after object value")
		}
	}
}

// repeated reports whether key is already among members (or seen, once the
// object is large enough to have it).
func (p *parser) repeated(members []Member, seen map[string]bool, key string) bool {
	if seen != nil {
		return seen[key]
	}
	for i := range members {
		if members[i].Key == key {
			return true
		}
	}
	return false
}

// within notes, on a repeated-key error coming up from a member or
// element, the token that leads to it.
func within(err error, tok string) error {
	if e, ok := err.(*Error); ok && e.dup != "" {
		e.path = append(e.path, tok)
	}
	return err
}

func (p *parser) array() (Value, error) {
	start := p.pos
	if err := p.enter(); err != nil {
		return Value{}, err
	}
	defer func() { p.depth-- }()
	p.pos++ // [
	v := Value{Kind: Array}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		v.Raw = p.data[start:p.pos]
		return v, nil
	}
	for {
		p.space()
		e, err := p.value()
		if err != nil {
			return v, within(err, strconv.Itoa(len(v.Elems)))
		}
		v.Elems = append(v.Elems, e)
		p.space()
		if p.pos >= len(p.data) {
			return v, p.errorf("unexpected end of JSON input")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			v.Raw = p.data[start:p.pos]
			return v, nil
		default:
			return v, p.errorf("expected ',' or ']' after array element")
		}
	}
}

// number scans a JSON number.
func (p *parser) number() error {
	d := p.data
	i := p.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case digits() == 0:
		p.pos = i
		return p.errorf("invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			p.pos = i
			return p.errorf("invalid number: no digits after the decimal point")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.pos = i
			return p.errorf("invalid number: no digits in the exponent")
		}
	}
	p.pos = i
	return nil
}

// string scans a JSON string and returns its value.
func (p *parser) string() (string, error) {
	start := p.pos
	p.pos++ // "
	simple := true
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			raw := p.data[start:p.pos]
			if simple && utf8.Valid(raw) {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				p.pos = start
				return "", p.errorf("invalid string: %v", err)
			}
			return s, nil
		case c == '\\':
			simple = false
			p.pos++
			if p.pos >= len(p.data) {
				return "", p.errorf("unexpected end of JSON input")
			}
			switch p.data[p.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos++
			case 'u':
				p.pos++
				for range 4 {
					if p.pos >= len(p.data) || !isHex(p.data[p.pos]) {
						return "", p.errorf("invalid \\u escape")
					}
					p.pos++
				}
			default:
				return "", p.errorf("invalid escape character %q", p.data[p.pos])
			}
		case c < 0x20:
			return "", p.errorf("invalid control character in string")
		default:
			p.pos++
		}
	}
	return "", p.errorf("unexpected end of JSON input")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
