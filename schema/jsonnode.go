package schema

import (
	"slices"
	"strconv"

	"github.com/seed0611af48/quarry/internal/ojson"
)

// nodeKind is the kind of a JSON value held by a nodeValue: ojson's.
type nodeKind = ojson.Kind

const (
	nodeNull   = ojson.Null
	nodeBool   = ojson.Bool
	nodeNumber = ojson.Number
	nodeString = ojson.String
	nodeArray  = ojson.Array
	nodeObject = ojson.Object
)

// nodeMaxDepth bounds the nesting of parsed documents, so that the linter
// and the converter, which recurse over the tree, cannot exhaust the stack.
const nodeMaxDepth = 512

// nodeValue is the converter's and the linter's editing tree over
// internal/ojson: parsed by ojson (nodeParse), written by ojson (marshal),
// with children held by pointer so that a subschema can be moved, shared
// and edited in place while the converter rewrites the document. Objects
// keep the order of their keys, numbers keep their text: the model writes
// an answer's keys in the order the schema lists them.
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

// nodeParse parses one JSON value with ojson. Duplicate object keys,
// trailing data and nesting deeper than nodeMaxDepth are errors.
func nodeParse(data []byte) (*nodeValue, error) {
	v, err := ojson.Options{MaxDepth: nodeMaxDepth}.Parse(data)
	if err != nil {
		return nil, err
	}
	return nodeFrom(&v), nil
}

// nodeFrom builds the editing tree of an ojson value.
func nodeFrom(v *ojson.Value) *nodeValue {
	n := &nodeValue{kind: v.Kind, s: v.Text}
	switch v.Kind {
	case ojson.Bool:
		n.b, n.s = v.True(), ""
	case ojson.Array:
		n.arr = make([]*nodeValue, len(v.Elems))
		for i := range v.Elems {
			n.arr[i] = nodeFrom(&v.Elems[i])
		}
	case ojson.Object:
		n.obj = make([]nodeMember, len(v.Members))
		for i := range v.Members {
			n.obj[i] = nodeMember{v.Members[i].Key, nodeFrom(&v.Members[i].Value)}
		}
	}
	return n
}

// ojson returns n as an ojson value.
func (n *nodeValue) ojson() ojson.Value {
	switch n.kind {
	case nodeBool:
		return ojson.Boolean(n.b)
	case nodeArray:
		v := ojson.Value{Kind: ojson.Array, Elems: make([]ojson.Value, len(n.arr))}
		for i, e := range n.arr {
			v.Elems[i] = e.ojson()
		}
		return v
	case nodeObject:
		v := ojson.Value{Kind: ojson.Object, Members: make([]ojson.Member, len(n.obj))}
		for i, m := range n.obj {
			v.Members[i] = ojson.Member{Key: m.key, Value: m.val.ojson()}
		}
		return v
	}
	return ojson.Value{Kind: n.kind, Text: n.s}
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

// marshal writes n as JSON (ojson's writer). With a non-empty indent every
// array element and object member goes on its own line; empty arrays and
// objects stay "[]" and "{}". Output depends only on the value, so it is
// deterministic.
func (n *nodeValue) marshal(indent string) []byte {
	v := n.ojson()
	return v.Marshal(indent)
}

// String returns the compact JSON text of n, for messages.
func (n *nodeValue) String() string { return string(n.marshal("")) }
