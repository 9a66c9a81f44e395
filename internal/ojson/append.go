package ojson

import (
	"unicode/utf8"
)

// Append appends v's JSON text, compact, members in their order.
func Append(b []byte, v *Value) []byte { return appendIndent(b, v, "", 0) }

// Marshal returns v's JSON text. With a non-empty indent every array element
// and object member goes on its own line, and a space follows each colon;
// empty arrays and objects stay "[]" and "{}". The output depends only on the
// value, so it is deterministic.
func (v *Value) Marshal(indent string) []byte { return appendIndent(nil, v, indent, 0) }

// String returns v's compact JSON text, for messages.
func (v *Value) String() string { return string(Append(nil, v)) }

func appendIndent(b []byte, v *Value, indent string, depth int) []byte {
	newline := func(b []byte, d int) []byte {
		if indent == "" {
			return b
		}
		b = append(b, '\n')
		for range d {
			b = append(b, indent...)
		}
		return b
	}
	switch v.Kind {
	case Null:
		return append(b, "null"...)
	case Bool, Number:
		return append(b, v.Text...)
	case String:
		return AppendQuote(b, v.Text)
	case Array:
		if len(v.Elems) == 0 {
			return append(b, "[]"...)
		}
		b = append(b, '[')
		for i := range v.Elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = newline(b, depth+1)
			b = appendIndent(b, &v.Elems[i], indent, depth+1)
		}
		b = newline(b, depth)
		return append(b, ']')
	default:
		if len(v.Members) == 0 {
			return append(b, "{}"...)
		}
		b = append(b, '{')
		for i := range v.Members {
			m := &v.Members[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = newline(b, depth+1)
			b = AppendQuote(b, m.Key)
			b = append(b, ':')
			if indent != "" {
				b = append(b, ' ')
			}
			b = appendIndent(b, &m.Value, indent, depth+1)
		}
		b = newline(b, depth)
		return append(b, '}')
	}
}

// AppendQuote appends s as a JSON string. Unlike encoding/json it leaves <,
// > and & as they are, so text and patterns stay readable; like it, it
// escapes U+2028 and U+2029 (which end a line in JavaScript) and writes
// invalid UTF-8 as U+FFFD.
func AppendQuote(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0 // s[start:i] is still to be copied
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// MarshalJSON returns v's compact JSON text, so that encoding/json writes
// a Value as it is.
func (v Value) MarshalJSON() ([]byte, error) { return Append(nil, &v), nil }
