package sink

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jkind is the kind of a decoded JSON value.
type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// jvalue is a decoded JSON value that keeps the order of object members,
// which map[string]any loses. Numbers keep their text.
type jvalue struct {
	kind jkind
	s    string // string value, or number text
	b    bool
	arr  []jvalue
	obj  []jmember
}

type jmember struct {
	key string
	val jvalue
}

// get returns the member named key (the last one, as encoding/json does).
func (v jvalue) get(key string) (jvalue, bool) {
	if v.kind != jObject {
		return jvalue{}, false
	}
	for i := len(v.obj) - 1; i >= 0; i-- {
		if v.obj[i].key == key {
			return v.obj[i].val, true
		}
	}
	return jvalue{}, false
}

// decodeJSON decodes exactly one JSON value. json.Valid checks the input
// first (it also bounds nesting at 10000 levels); the parse that follows may
// then assume well-formed input, and is several times faster than
// json.Decoder's tokens.
func decodeJSON(data []byte) (jvalue, error) {
	if !json.Valid(data) {
		// Let encoding/json say what is wrong.
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return jvalue{}, err
		}
		return jvalue{}, errors.New("invalid JSON")
	}
	p := parser{data: data}
	return p.value()
}

// parser reads JSON already known to be valid.
type parser struct {
	data []byte
	i    int
}

func (p *parser) skipSpace() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value() (jvalue, error) {
	p.skipSpace()
	switch c := p.data[p.i]; c {
	case 'n':
		p.i += 4
		return jvalue{kind: jNull}, nil
	case 't':
		p.i += 4
		return jvalue{kind: jBool, b: true}, nil
	case 'f':
		p.i += 5
		return jvalue{kind: jBool}, nil
	case '"':
		s, err := p.str()
		return jvalue{kind: jString, s: s}, err
	case '[':
		p.i++
		v := jvalue{kind: jArray}
		for {
			p.skipSpace()
			if p.data[p.i] == ']' {
				p.i++
				return v, nil
			}
			if p.data[p.i] == ',' {
				p.i++
			}
			e, err := p.value()
			if err != nil {
				return jvalue{}, err
			}
			v.arr = append(v.arr, e)
		}
	case '{':
		p.i++
		v := jvalue{kind: jObject}
		for {
			p.skipSpace()
			if p.data[p.i] == '}' {
				p.i++
				return v, nil
			}
			if p.data[p.i] == ',' {
				p.i++
				p.skipSpace()
			}
			key, err := p.str()
			if err != nil {
				return jvalue{}, err
			}
			p.skipSpace()
			p.i++ // ':'
			e, err := p.value()
			if err != nil {
				return jvalue{}, err
			}
			v.obj = append(v.obj, jmember{key, e})
		}
	default: // number
		start := p.i
		for p.i < len(p.data) && strings.IndexByte("+-.0123456789eE", p.data[p.i]) >= 0 {
			p.i++
		}
		return jvalue{kind: jNumber, s: string(p.data[start:p.i])}, nil
	}
}

// str reads a string starting at its opening quote.
func (p *parser) str() (string, error) {
	start := p.i
	escaped := false
	for p.i++; ; p.i++ {
		switch p.data[p.i] {
		case '\\':
			escaped = true
			p.i++
		case '"':
			p.i++
			raw := p.data[start:p.i]
			if !escaped {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			err := json.Unmarshal(raw, &s)
			return s, err
		}
	}
}

// appendJSON encodes v compactly, members in their original order and
// without HTML escaping.
func appendJSON(b []byte, v jvalue) []byte {
	switch v.kind {
	case jNull:
		return append(b, "null"...)
	case jBool:
		return strconv.AppendBool(b, v.b)
	case jNumber:
		return append(b, v.s...)
	case jString:
		return appendQuoted(b, v.s)
	case jArray:
		b = append(b, '[')
		for i, e := range v.arr {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	default:
		b = append(b, '{')
		for i, m := range v.obj {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendQuoted(b, m.key)
			b = append(b, ':')
			b = appendJSON(b, m.val)
		}
		return append(b, '}')
	}
}

// appendQuoted appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendQuoted(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
