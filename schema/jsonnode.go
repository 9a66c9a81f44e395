package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"
)

// nodeKind is the kind of a JSON value held by a nodeValue.
type nodeKind uint8

const (
	nodeNull nodeKind = iota
	nodeBool
	nodeNumber
	nodeString
	nodeArray
	nodeObject
)

// nodeMaxDepth bounds the nesting of parsed documents, so that the linter
// and the converter, which recurse over the tree, cannot exhaust the stack.
const nodeMaxDepth = 512

// nodeValue is an ordered JSON value: objects keep the order of their keys,
// numbers keep their text. The linter and the converter work on it because
// the model writes an answer's keys in the order the schema lists them.
type nodeValue struct {
	kind nodeKind
	b    bool
	s    string // string value, or the text of a number
	arr  []*nodeValue
	obj  []nodeMember
}

// nodeMember is one key and value of a JSON object.
type nodeMember struct {
	key string
	val *nodeValue
}

func nodeStr(s string) *nodeValue        { return &nodeValue{kind: nodeString, s: s} }
func nodeBoolean(b bool) *nodeValue      { return &nodeValue{kind: nodeBool, b: b} }
func nodeObj(m ...nodeMember) *nodeValue { return &nodeValue{kind: nodeObject, obj: m} }
func nodeArr(v ...*nodeValue) *nodeValue { return &nodeValue{kind: nodeArray, arr: v} }

// nodeParse parses one JSON value. Duplicate object keys, trailing data and
// nesting deeper than nodeMaxDepth are errors.
func nodeParse(data []byte) (*nodeValue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := nodeParseValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return nil, errors.New("unexpected data after the top-level value")
		}
		return nil, err
	}
	return v, nil
}

func nodeParseValue(dec *json.Decoder, depth int) (*nodeValue, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return nodeFromToken(dec, tok, depth)
}

func nodeFromToken(dec *json.Decoder, tok json.Token, depth int) (*nodeValue, error) {
	switch t := tok.(type) {
	case nil:
		return &nodeValue{kind: nodeNull}, nil
	case bool:
		return nodeBoolean(t), nil
	case json.Number:
		return &nodeValue{kind: nodeNumber, s: string(t)}, nil
	case string:
		return nodeStr(t), nil
	case json.Delim:
		if depth >= nodeMaxDepth {
			return nil, fmt.Errorf("nesting deeper than %d levels", nodeMaxDepth)
		}
		switch t {
		case '[':
			n := &nodeValue{kind: nodeArray}
			for dec.More() {
				v, err := nodeParseValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.arr = append(n.arr, v)
			}
			if _, err := dec.Token(); err != nil { // ']'
				return nil, err
			}
			return n, nil
		case '{':
			n := &nodeValue{kind: nodeObject}
			seen := make(map[string]bool)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is %v, not a string", kt)
				}
				if seen[k] {
					return nil, fmt.Errorf("duplicate key %q", k)
				}
				seen[k] = true
				v, err := nodeParseValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.obj = append(n.obj, nodeMember{k, v})
			}
			if _, err := dec.Token(); err != nil { // '}'
				return nil, err
			}
			return n, nil
		}
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// get returns the value of key k of an object, or nil.
func (n *nodeValue) get(k string) *nodeValue {
	if n == nil || n.kind != nodeObject {
		return nil
	}
	for _, m := range n.obj {
		if m.key == k {
			return m.val
		}
	}
	return nil
}

// has reports whether the object n has key k.
func (n *nodeValue) has(k string) bool { return n.get(k) != nil }

// set replaces the value of key k, keeping its place, or appends it.
func (n *nodeValue) set(k string, v *nodeValue) {
	for i, m := range n.obj {
		if m.key == k {
			n.obj[i].val = v
			return
		}
	}
	n.obj = append(n.obj, nodeMember{k, v})
}

// setAfter sets key k, keeping its place if it exists; otherwise it inserts k
// after the last of the keys in after that the object has, or first.
func (n *nodeValue) setAfter(k string, v *nodeValue, after ...string) {
	if n.has(k) {
		n.set(k, v)
		return
	}
	at := 0
	for i, m := range n.obj {
		if slices.Contains(after, m.key) {
			at = i + 1
		}
	}
	n.obj = slices.Insert(n.obj, at, nodeMember{k, v})
}

// setFirst sets key k and moves it to the front of the object.
func (n *nodeValue) setFirst(k string, v *nodeValue) {
	n.del(k)
	n.obj = append([]nodeMember{{k, v}}, n.obj...)
}

// del removes key k and returns its value, or nil.
func (n *nodeValue) del(k string) *nodeValue {
	for i, m := range n.obj {
		if m.key == k {
			n.obj = append(n.obj[:i:i], n.obj[i+1:]...)
			return m.val
		}
	}
	return nil
}

// rename renames key from to to, keeping its place.
func (n *nodeValue) rename(from, to string) {
	for i, m := range n.obj {
		if m.key == from {
			n.obj[i].key = to
			return
		}
	}
}

// clone returns a deep copy of n.
func (n *nodeValue) clone() *nodeValue {
	if n == nil {
		return nil
	}
	c := *n
	if n.arr != nil {
		c.arr = make([]*nodeValue, len(n.arr))
		for i, v := range n.arr {
			c.arr[i] = v.clone()
		}
	}
	if n.obj != nil {
		c.obj = make([]nodeMember, len(n.obj))
		for i, m := range n.obj {
			c.obj[i] = nodeMember{m.key, m.val.clone()}
		}
	}
	return &c
}

// equal reports whether a and b are the same JSON value. Object key order
// does not matter; numbers are compared by value when their text differs.
func (n *nodeValue) equal(o *nodeValue) bool {
	if n == nil || o == nil {
		return n == o
	}
	if n.kind != o.kind {
		return false
	}
	switch n.kind {
	case nodeNull:
		return true
	case nodeBool:
		return n.b == o.b
	case nodeString:
		return n.s == o.s
	case nodeNumber:
		if n.s == o.s {
			return true
		}
		a, err1 := strconv.ParseFloat(n.s, 64)
		b, err2 := strconv.ParseFloat(o.s, 64)
		return err1 == nil && err2 == nil && a == b
	case nodeArray:
		if len(n.arr) != len(o.arr) {
			return false
		}
		for i := range n.arr {
			if !n.arr[i].equal(o.arr[i]) {
				return false
			}
		}
		return true
	default:
		if len(n.obj) != len(o.obj) {
			return false
		}
		for _, m := range n.obj {
			if !m.val.equal(o.get(m.key)) {
				return false
			}
		}
		return true
	}
}

// float returns the value of a number node.
func (n *nodeValue) float() (float64, bool) {
	if n == nil || n.kind != nodeNumber {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.s, 64)
	return f, err == nil
}

// marshal writes n as JSON. With a non-empty indent every array element and
// object member goes on its own line; empty arrays and objects stay "[]" and
// "{}". Output depends only on the value, so it is deterministic.
func (n *nodeValue) marshal(indent string) []byte {
	var b bytes.Buffer
	n.write(&b, indent, 0)
	return b.Bytes()
}

// String returns the compact JSON text of n, for messages.
func (n *nodeValue) String() string { return string(n.marshal("")) }

func (n *nodeValue) write(b *bytes.Buffer, indent string, depth int) {
	newline := func(d int) {
		if indent == "" {
			return
		}
		b.WriteByte('\n')
		for range d {
			b.WriteString(indent)
		}
	}
	switch n.kind {
	case nodeNull:
		b.WriteString("null")
	case nodeBool:
		b.WriteString(strconv.FormatBool(n.b))
	case nodeNumber:
		b.WriteString(n.s)
	case nodeString:
		nodeQuote(b, n.s)
	case nodeArray:
		if len(n.arr) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteByte('[')
		for i, v := range n.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(depth + 1)
			v.write(b, indent, depth+1)
		}
		newline(depth)
		b.WriteByte(']')
	case nodeObject:
		if len(n.obj) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteByte('{')
		for i, m := range n.obj {
			if i > 0 {
				b.WriteByte(',')
			}
			newline(depth + 1)
			nodeQuote(b, m.key)
			b.WriteByte(':')
			if indent != "" {
				b.WriteByte(' ')
			}
			m.val.write(b, indent, depth+1)
		}
		newline(depth)
		b.WriteByte('}')
	}
}

// nodeQuote writes s as a JSON string. Unlike encoding/json it does not
// escape <, > and &, so patterns stay readable; invalid UTF-8 becomes U+FFFD.
func nodeQuote(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20:
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\ufffd`)
		case r == '\u2028' || r == '\u2029':
			b.WriteString(`\u202`)
			b.WriteByte(hex[r&0xf])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
