package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// This file holds Decode's JSON parser. It reads a whole JSON text into
// decValues, keeping the order of object members and repeated keys, which
// encoding/json would lose.

type decKind uint8

const (
	decNull decKind = iota
	decBool
	decNumber
	decString
	decArray
	decObject
)

// decValue is one parsed JSON value.
type decValue struct {
	kind    decKind
	raw     []byte // the value's text
	str     string // decoded string, number literal, "true" or "false"
	elems   []decValue
	members []decMember
}

type decMember struct {
	key string
	val decValue
}

func (v *decValue) kindName() string {
	return [...]string{"null", "a boolean", "a number", "a string", "an array", "an object"}[v.kind]
}

// decMaxDepth matches encoding/json's nesting limit.
const decMaxDepth = 10000

type decParser struct {
	data  []byte
	pos   int
	depth int
}

type decSyntaxError struct {
	msg    string
	offset int
}

func (e *decSyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.offset, e.msg)
}

func (p *decParser) errorf(format string, args ...any) error {
	return &decSyntaxError{msg: fmt.Sprintf(format, args...), offset: p.pos}
}

// parse reads exactly one JSON value, with optional white space around it.
func (p *decParser) parse() (decValue, error) {
	p.space()
	v, err := p.value()
	if err != nil {
		return v, err
	}
	p.space()
	if p.pos != len(p.data) {
		return v, p.errorf("invalid character %q after top-level value", p.data[p.pos])
	}
	return v, nil
}

func (p *decParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *decParser) value() (decValue, error) {
	if p.pos >= len(p.data) {
		return decValue{}, p.errorf("unexpected end of JSON input")
	}
	start := p.pos
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.string()
		return decValue{kind: decString, raw: p.data[start:p.pos], str: s}, err
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(p.data[p.pos:], []byte(lit)) {
				p.pos += len(lit)
				if lit == "null" {
					return decValue{kind: decNull, raw: p.data[start:p.pos]}, nil
				}
				return decValue{kind: decBool, raw: p.data[start:p.pos], str: lit}, nil
			}
		}
		return decValue{}, p.errorf("invalid literal")
	case c == '-' || '0' <= c && c <= '9':
		if err := p.number(); err != nil {
			return decValue{}, err
		}
		return decValue{kind: decNumber, raw: p.data[start:p.pos], str: string(p.data[start:p.pos])}, nil
	default:
		return decValue{}, p.errorf("invalid character %q looking for beginning of value", c)
	}
}

func (p *decParser) enter() error {
	p.depth++
	if p.depth > decMaxDepth {
		return p.errorf("exceeded max depth")
	}
	return nil
}

func (p *decParser) object() (decValue, error) {
	start := p.pos
	if err := p.enter(); err != nil {
		return decValue{}, err
	}
	defer func() { p.depth-- }()
	p.pos++ // {
	v := decValue{kind: decObject}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		v.raw = p.data[start:p.pos]
		return v, nil
	}
	for {
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return v, p.errorf("expected a string for an object key")
		}
		key, err := p.string()
		if err != nil {
			return v, err
		}
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return v, p.errorf("expected ':' after object key")
		}
		p.pos++
		p.space()
		val, err := p.value()
		if err != nil {
			return v, err
		}
		v.members = append(v.members, decMember{key: key, val: val})
		p.space()
		if p.pos >= len(p.data) {
			return v, p.errorf("unexpected end of JSON input")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			v.raw = p.data[start:p.pos]
			return v, nil
		default:
			return v, p.errorf("expected ',' or '}' after object value")
		}
	}
}

func (p *decParser) array() (decValue, error) {
	start := p.pos
	if err := p.enter(); err != nil {
		return decValue{}, err
	}
	defer func() { p.depth-- }()
	p.pos++ // [
	v := decValue{kind: decArray}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		v.raw = p.data[start:p.pos]
		return v, nil
	}
	for {
		p.space()
		e, err := p.value()
		if err != nil {
			return v, err
		}
		v.elems = append(v.elems, e)
		p.space()
		if p.pos >= len(p.data) {
			return v, p.errorf("unexpected end of JSON input")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			v.raw = p.data[start:p.pos]
			return v, nil
		default:
			return v, p.errorf("expected ',' or ']' after array element")
		}
	}
}

// number scans a JSON number.
func (p *decParser) number() error {
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
func (p *decParser) string() (string, error) {
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
					if p.pos >= len(p.data) || !decIsHex(p.data[p.pos]) {
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

func decIsHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
