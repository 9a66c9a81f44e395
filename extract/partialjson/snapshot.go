package partialjson

// Snapshot returns the JSON text of the value so far, compact and closed up
// so that it is valid JSON: an open string gets its closing quote, open
// arrays and objects their closers, and what is not certain yet is left out
// (a member name whose value has not started, a number that may still grow,
// a partial true, false or null, a partial escape or UTF-8 sequence). Before
// any value has started it returns nil. Once the input is complete, it is
// the compact form of the input (json.Compact), except that bytes that are
// not valid UTF-8 are shown as U+FFFD.
//
// Snapshot costs O(depth): it shares the parser's buffer, so the result is
// valid only until the next Write and must not be modified; use
// AppendSnapshot for a copy. Decoding a snapshot costs O(size) however, so
// decoding one after every delta costs O(n²) over the stream: decode when
// the events say something you show has changed, or decode the Raw of
// completed elements one at a time.
func (p *Parser) Snapshot() []byte {
	if p.root == nil {
		return nil
	}
	n := len(p.out)
	s := p.appendClosers(p.out)
	p.out = s[:n] // keep a grown buffer; its spare capacity holds the closers
	return s[:len(s):len(s)]
}

// AppendSnapshot appends the snapshot (see Snapshot) to dst.
func (p *Parser) AppendSnapshot(dst []byte) []byte {
	if p.root == nil {
		return dst
	}
	return p.appendClosers(append(dst, p.out...))
}

func (p *Parser) appendClosers(b []byte) []byte {
	if p.str != nil {
		b = append(b, '"')
	}
	for i := len(p.stack) - 1; i >= 0; i-- {
		if p.stack[i].kind == '{' {
			b = append(b, '}')
		} else {
			b = append(b, ']')
		}
	}
	return b
}
