package partialjson

import (
	"bytes"
	"encoding/json"
	"iter"
	"strconv"
	"strings"

	"github.com/seed0611af48/quarry/internal/jsonptr"
)

// Value returns the value so far as Go values: *Object for an object, []any
// for an array, string, json.Number, bool, or nil for null. A string that is
// still open is shown as far as it is certain; numbers and literals appear
// only when complete. Before any value has started, Value returns nil; use
// Present("") to tell that from null. Once the input is complete, Value
// equals what encoding/json decodes with UseNumber, objects aside.
//
// Value builds new values on every call, in O(size) time: call it when the
// events say something changed.
func (p *Parser) Value() any {
	if p.root == nil {
		return nil
	}
	return p.value(p.root)
}

func (p *Parser) value(n *node) any {
	switch n.kind {
	case '{':
		o := &Object{m: make(map[string]any, len(n.kids))}
		for _, k := range n.kids {
			if _, dup := o.m[k.key]; !dup {
				o.keys = append(o.keys, k.key)
			}
			o.m[k.key] = p.value(k) // the last of duplicate members wins, as in encoding/json
		}
		return o
	case '[':
		a := make([]any, len(n.kids))
		for i, k := range n.kids {
			a[i] = p.value(k)
		}
		return a
	case '"':
		if n.done {
			return decodeString(p.out[n.start:n.end])
		}
		// The open string is the last thing shown.
		q := append(p.out[n.start:len(p.out):len(p.out)], '"')
		return decodeString(q)
	case '0':
		return json.Number(p.out[n.start:n.end])
	case 't':
		return true
	case 'f':
		return false
	}
	return nil
}

// Present reports whether the value at the RFC 6901 JSON pointer (e.g.
// "/lines/3/sku", or "" for the top-level value) has been seen, so that a
// field not yet seen can be told from one holding a zero value. Once
// present, a value stays present.
func (p *Parser) Present(pointer string) bool { return p.lookup(pointer) != nil }

// Done reports whether the value at the JSON pointer is present and
// complete: a string has its closing quote, an array or object its closer.
func (p *Parser) Done(pointer string) bool {
	n := p.lookup(pointer)
	return n != nil && n.done
}

func (p *Parser) lookup(ptr string) *node {
	n := p.root
	if n == nil || ptr == "" {
		return n
	}
	for ptr != "" && n != nil {
		if ptr[0] != '/' {
			return nil
		}
		tok := ptr[1:]
		ptr = ""
		if i := strings.IndexByte(tok, '/'); i >= 0 {
			tok, ptr = tok[:i], tok[i:]
		}
		tok = jsonptr.Unescape(tok)
		m := n
		n = nil
		switch m.kind {
		case '{':
			for i := len(m.kids) - 1; i >= 0; i-- {
				if m.kids[i].key == tok {
					n = m.kids[i]
					break
				}
			}
		case '[':
			i, err := strconv.Atoi(tok)
			if err == nil && i >= 0 && i < len(m.kids) && strconv.Itoa(i) == tok {
				n = m.kids[i]
			}
		}
	}
	return n
}

// An Object is a JSON object whose members keep their order.
type Object struct {
	keys []string
	m    map[string]any
}

// Len returns the number of members.
func (o *Object) Len() int { return len(o.keys) }

// Keys returns the member names in the order they first appeared.
func (o *Object) Keys() []string { return o.keys }

// Get returns the value of the member named key.
func (o *Object) Get(key string) (v any, ok bool) {
	v, ok = o.m[key]
	return v, ok
}

// All yields the members in order.
func (o *Object) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		for _, k := range o.keys {
			if !yield(k, o.m[k]) {
				return
			}
		}
	}
}

// MarshalJSON encodes the object with its members in order.
func (o *Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.m[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
