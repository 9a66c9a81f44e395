package partialjson

import "unicode/utf8"

// DefaultMaxDepth is the nesting limit used when Parser.MaxDepth is 0. It is
// encoding/json's limit, so both accept and reject the same inputs.
const DefaultMaxDepth = 10000

// A Parser reads one JSON value in pieces of any size and shows, after every
// piece, the part of the value that is certain. The zero Parser is ready to
// use. A Parser is not safe for concurrent use.
//
// The total cost of [Parser.Write] over an input of n bytes is O(n) time and
// O(n) memory, whatever the sizes of the pieces.
type Parser struct {
	// MaxDepth limits the nesting of arrays and objects; deeper input is a
	// SyntaxError. If MaxDepth is 0, the parser uses DefaultMaxDepth.
	MaxDepth int

	out   []byte // compact text of everything shown
	pend  []byte // read but not yet shown: a ',', a member name and ':', a partial number or literal
	scal  int    // where the pending number or literal starts in pend
	keyAt int    // where the pending member name starts in pend
	key   string // decoded member name waiting for its value

	root  *node
	stack []*node // open arrays and objects, innermost last
	str   *node   // the open string value, or nil
	slab  []node  // nodes are allocated in blocks

	state state
	sub   uint8  // number or string escape sub-state
	lit   string // literal being matched
	nlit  int    // bytes of lit matched
	esc   [6]byte
	nesc  int
	hi    [6]byte // a \uD800-\uDBFF escape held until we know whether a low surrogate follows
	held  bool
	utf   [utf8.UTFMax]byte // an incomplete UTF-8 sequence
	nutf  int

	off    int64 // bytes read
	err    error
	closed bool
	events []Event
	given  int               // events[:given] were returned by Events
	names  map[string]string // member names seen, to share their strings
}

// node is one value of the document.
type node struct {
	parent *node
	key    string // member name, when parent is an object
	index  int    // element index, when parent is an array
	depth  int
	kind   byte // '{', '[', '"', '0' (number), 't', 'f', 'n'
	done   bool
	start  int // offset of the value's first byte in Parser.out
	end    int // offset after its last byte, once done
	kids   []*node
}

type state uint8

const (
	stValue       state = iota // a value must follow
	stArrayFirst               // after '[': a value or ']'
	stObjectFirst              // after '{': a member name or '}'
	stKey                      // after ',' in an object: a member name
	stColon                    // after a member name
	stAfter                    // after a value in an array or object: ',' or the closer
	stEnd                      // after the top-level value: only white space
	stInKey                    // inside a member name
	stInString                 // inside a string value
	stNumber
	stLiteral
)

// Number sub-states, named after what was read last.
const (
	nMinus uint8 = iota
	nZero
	nInt
	nDot
	nFrac
	nE
	nESign
	nExp
)

// String sub-states.
const (
	sNormal uint8 = iota
	sEsc          // after '\'
	sHex          // inside \uXXXX
)

// Write feeds the next piece of the input. A piece may end anywhere, even in
// the middle of an escape sequence or a UTF-8 encoded character.
//
// Write returns a *SyntaxError as soon as the input cannot be the beginning
// of a JSON value; the error sticks. Events and values read before the error
// stay available.
func (p *Parser) Write(delta []byte) error { return write(p, delta) }

// WriteString is like Write but takes a string, as streaming APIs deliver
// text deltas, without copying it first.
func (p *Parser) WriteString(delta string) error { return write(p, delta) }

func write[T string | []byte](p *Parser, data T) error {
	if p.err != nil {
		return p.err
	}
	if p.closed {
		return ErrClosed
	}
	p.dropGiven()
	for i := 0; i < len(data); {
		if (p.state == stInString || p.state == stInKey) && p.sub == sNormal && p.nutf == 0 && !p.held {
			// Fast path: copy a run of plain characters.
			j := i
			for j < len(data) && plain(data[j]) {
				j++
			}
			if j > i {
				if p.state == stInString {
					p.out = append(p.out, data[i:j]...)
				} else {
					p.pend = append(p.pend, data[i:j]...)
				}
				p.off += int64(j - i)
				i = j
				continue
			}
		}
		p.off++
		if !p.step(data[i]) {
			return p.err
		}
		i++
	}
	return nil
}

// plain reports whether c stands for itself inside a string.
func plain(c byte) bool { return c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Close marks the end of the input. It completes a top-level number, which
// only the end of the input can delimit, and returns a *SyntaxError wrapping
// io.ErrUnexpectedEOF if the value is not complete.
func (p *Parser) Close() error {
	if p.err != nil || p.closed {
		return p.err
	}
	p.closed = true
	p.dropGiven()
	if p.state == stNumber && len(p.stack) == 0 && numberDone(p.sub) {
		p.finishScalar('0')
	}
	if p.state != stEnd {
		p.err = &SyntaxError{Offset: p.off, Msg: "unexpected end of JSON input", err: errUnexpectedEOF}
	}
	return p.err
}

// Complete reports whether the top-level value is complete.
func (p *Parser) Complete() bool { return p.root != nil && p.root.done }

// Events returns the events since the previous call, in input order. The
// returned slice is valid until the next Write or Close, which reuse it.
func (p *Parser) Events() []Event {
	ev := p.events[p.given:len(p.events):len(p.events)]
	p.given = len(p.events)
	if len(ev) == 0 {
		return nil
	}
	return ev
}

// dropGiven forgets the events returned by Events.
func (p *Parser) dropGiven() {
	if p.given == 0 {
		return
	}
	n := copy(p.events, p.events[p.given:])
	clear(p.events[n:]) // let the nodes go
	p.events, p.given = p.events[:n], 0
}

func (p *Parser) fail(c byte, context string) bool {
	p.err = &SyntaxError{Offset: p.off, Msg: "invalid character " + quoteChar(c) + " " + context}
	return false
}

// step consumes one byte.
func (p *Parser) step(c byte) bool {
	switch p.state {
	case stValue:
		if isSpace(c) {
			return true
		}
		return p.beginValue(c)
	case stArrayFirst:
		if isSpace(c) {
			return true
		}
		if c == ']' {
			return p.closeContainer(c)
		}
		return p.beginValue(c)
	case stObjectFirst, stKey:
		if isSpace(c) {
			return true
		}
		if c == '"' {
			p.keyAt = len(p.pend)
			p.pend = append(p.pend, '"')
			p.state, p.sub = stInKey, sNormal
			return true
		}
		if c == '}' && p.state == stObjectFirst {
			return p.closeContainer(c)
		}
		return p.fail(c, "looking for beginning of object key string")
	case stColon:
		if isSpace(c) {
			return true
		}
		if c != ':' {
			return p.fail(c, "after object key")
		}
		p.pend = append(p.pend, ':')
		p.state = stValue
		return true
	case stAfter:
		if isSpace(c) {
			return true
		}
		top := p.stack[len(p.stack)-1]
		switch {
		case c == ',':
			p.pend = append(p.pend[:0], ',')
			if top.kind == '{' {
				p.state = stKey
			} else {
				p.state = stValue
			}
			return true
		case c == '}' && top.kind == '{', c == ']' && top.kind == '[':
			return p.closeContainer(c)
		case top.kind == '{':
			return p.fail(c, "after object key:value pair")
		default:
			return p.fail(c, "after array element")
		}
	case stEnd:
		if isSpace(c) {
			return true
		}
		return p.fail(c, "after top-level value")
	case stInKey, stInString:
		return p.stringByte(c)
	case stNumber:
		return p.numberByte(c)
	case stLiteral:
		if c != p.lit[p.nlit] {
			return p.fail(c, "in literal "+p.lit+" (expecting "+quoteChar(p.lit[p.nlit])+")")
		}
		p.pend = append(p.pend, c)
		p.nlit++
		if p.nlit == len(p.lit) {
			p.finishScalar(p.lit[0])
		}
		return true
	}
	panic("partialjson: bad state")
}

// beginValue starts a value with its first byte c.
func (p *Parser) beginValue(c byte) bool {
	switch c {
	case '{', '[':
		limit := p.MaxDepth
		if limit <= 0 {
			limit = DefaultMaxDepth
		}
		if len(p.stack) >= limit {
			p.err = &SyntaxError{Offset: p.off, Msg: "exceeded max depth"}
			return false
		}
		n := p.newNode(c)
		p.out = append(p.out, c)
		p.stack = append(p.stack, n)
		p.emit(ValueStart, n)
		if c == '{' {
			p.state = stObjectFirst
		} else {
			p.state = stArrayFirst
		}
	case '"':
		n := p.newNode(c)
		p.out = append(p.out, c)
		p.str = n
		p.emit(ValueStart, n)
		p.state, p.sub = stInString, sNormal
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		p.scal = len(p.pend)
		p.pend = append(p.pend, c)
		p.state = stNumber
		switch c {
		case '-':
			p.sub = nMinus
		case '0':
			p.sub = nZero
		default:
			p.sub = nInt
		}
	case 't', 'f', 'n':
		p.scal = len(p.pend)
		p.pend = append(p.pend, c)
		p.state, p.nlit = stLiteral, 1
		switch c {
		case 't':
			p.lit = "true"
		case 'f':
			p.lit = "false"
		default:
			p.lit = "null"
		}
	default:
		return p.fail(c, "looking for beginning of value")
	}
	return true
}

// newNode adds a value of the given kind where the parser stands, shows the
// pending separator and member name, and sets the value's start.
func (p *Parser) newNode(kind byte) *node {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]node, 0, 128)
	}
	p.slab = append(p.slab, node{kind: kind})
	n := &p.slab[len(p.slab)-1]
	if len(p.stack) == 0 {
		p.root = n
	} else {
		par := p.stack[len(p.stack)-1]
		n.parent, n.depth = par, len(p.stack)
		if par.kind == '{' {
			n.key = p.key
		} else {
			n.index = len(par.kids)
		}
		par.kids = append(par.kids, n)
	}
	if kind == '{' || kind == '[' || kind == '"' {
		p.out = append(p.out, p.pend...)
		p.pend = p.pend[:0]
	} else {
		p.out = append(p.out, p.pend[:p.scal]...) // the number or literal follows
	}
	n.start = len(p.out)
	return n
}

// finishScalar shows the pending number or literal.
func (p *Parser) finishScalar(kind byte) {
	lit := p.pend[p.scal:]
	n := p.newNode(kind)
	p.out = append(p.out, lit...)
	p.pend = p.pend[:0]
	p.emit(ValueStart, n)
	p.done(n)
}

// closeContainer ends the innermost array or object with c.
func (p *Parser) closeContainer(c byte) bool {
	n := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	p.out = append(p.out, c)
	p.done(n)
	return true
}

// done marks n complete and moves on to what may follow it.
func (p *Parser) done(n *node) {
	n.done, n.end = true, len(p.out)
	p.emit(ValueEnd, n)
	if len(p.stack) == 0 {
		p.state = stEnd
	} else {
		p.state = stAfter
	}
}

func (p *Parser) emit(k Kind, n *node) {
	e := Event{Kind: k, Depth: n.depth, n: n}
	if k == ValueEnd {
		e.Raw = p.out[n.start:n.end:n.end]
	}
	p.events = append(p.events, e)
}

func numberDone(sub uint8) bool {
	return sub == nZero || sub == nInt || sub == nFrac || sub == nExp
}

func (p *Parser) numberByte(c byte) bool {
	digit := '0' <= c && c <= '9'
	next := p.sub
	switch {
	case p.sub == nMinus && c == '0':
		next = nZero
	case p.sub == nMinus && digit:
		next = nInt
	case p.sub == nInt && digit, p.sub == nFrac && digit, p.sub == nExp && digit:
	case (p.sub == nZero || p.sub == nInt) && c == '.':
		next = nDot
	case p.sub == nDot && digit:
		next = nFrac
	case (p.sub == nZero || p.sub == nInt || p.sub == nFrac) && (c == 'e' || c == 'E'):
		next = nE
	case p.sub == nE && (c == '+' || c == '-'):
		next = nESign
	case (p.sub == nE || p.sub == nESign) && digit:
		next = nExp
	case numberDone(p.sub):
		// c ends the number and is read again in the state that follows.
		p.finishScalar('0')
		return p.step(c)
	default:
		return p.fail(c, "in numeric literal")
	}
	p.sub = next
	p.pend = append(p.pend, c)
	return true
}

// strPut appends complete characters of the open string.
