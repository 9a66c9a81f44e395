package partialjson

import (
	"encoding/json"
	"unicode/utf8"
)

// This file reads strings: member names into Parser.pend, string values into
// Parser.out, holding back what is not certain yet (a partial escape, a high
// surrogate that a low one may follow, a partial UTF-8 sequence).

var replacementChar = []byte("\uFFFD")

func (p *Parser) strPut(b ...byte) {
	if p.state == stInString {
		p.out = append(p.out, b...)
	} else {
		p.pend = append(p.pend, b...)
	}
}

// release shows a held high surrogate escape that no low surrogate followed;
// decoders turn it into U+FFFD, as encoding/json does.
func (p *Parser) release() {
	if p.held {
		p.strPut(p.hi[:]...)
		p.held = false
	}
}

// flushUTF shows the bytes of the pending UTF-8 sequence: a complete
// character as is, each byte of an invalid sequence as U+FFFD (as
// encoding/json decodes it), so that shown text is always valid UTF-8.
func (p *Parser) flushUTF() {
	b := p.utf[:p.nutf]
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			p.strPut(replacementChar...)
		} else {
			p.strPut(b[:size]...)
		}
		b = b[size:]
	}
	p.nutf = 0
}

func (p *Parser) stringByte(c byte) bool {
	switch p.sub {
	case sEsc:
		switch c {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			p.release()
			p.strPut('\\', c)
			p.sub = sNormal
		case 'u':
			p.esc[0], p.esc[1], p.nesc = '\\', 'u', 2
			p.sub = sHex
		default:
			return p.fail(c, "in string escape code")
		}
		return true
	case sHex:
		if !isHex(c) {
			return p.fail(c, `in \u hexadecimal character escape`)
		}
		p.esc[p.nesc] = c
		p.nesc++
		if p.nesc < len(p.esc) {
			return true
		}
		p.sub = sNormal
		r := hexValue(p.esc[2:])
		if p.held && 0xDC00 <= r && r < 0xE000 {
			p.strPut(p.hi[:]...)
			p.strPut(p.esc[:]...)
			p.held = false
			return true
		}
		p.release()
		if 0xD800 <= r && r < 0xDC00 {
			p.hi, p.held = p.esc, true
			return true
		}
		p.strPut(p.esc[:]...)
		return true
	}
	if p.nutf > 0 {
		if c&0xC0 == 0x80 {
			p.utf[p.nutf] = c
			p.nutf++
			if utf8.FullRune(p.utf[:p.nutf]) {
				p.flushUTF()
			}
			return true
		}
		p.flushUTF()
	}
	switch {
	case c == '"':
		p.release()
		p.strPut('"')
		if p.state == stInKey {
			p.key = p.name(p.pend[p.keyAt:])
			p.state = stColon
			return true
		}
		n := p.str
		p.str = nil
		p.done(n)
	case c == '\\':
		p.sub = sEsc
	case c < 0x20:
		return p.fail(c, "in string literal")
	case c >= utf8.RuneSelf:
		p.release()
		p.utf[0], p.nutf = c, 1
		if utf8.FullRune(p.utf[:1]) {
			p.flushUTF()
		}
	default:
		p.release()
		p.strPut(c)
	}
	return true
}

// name decodes a quoted member name, sharing the string with earlier
// members of the same name: the members of every element of a list repeat.
func (p *Parser) name(q []byte) string {
	if s, ok := p.names[string(q)]; ok {
		return s
	}
	s := decodeString(q)
	if p.names == nil {
		p.names = make(map[string]string)
	}
	if len(p.names) < 1000 {
		p.names[string(q)] = s
	}
	return s
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexValue(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// decodeString decodes a quoted, well-formed JSON string whose bytes are
// valid UTF-8.
func decodeString(q []byte) string {
	body := q[1 : len(q)-1]
	for _, c := range body {
		if c == '\\' {
			var s string
			if err := json.Unmarshal(q, &s); err != nil {
				panic("partialjson: internal error: " + err.Error())
			}
			return s
		}
	}
	return string(body)
}
