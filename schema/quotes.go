package schema

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Quoted asks for evidence: it returns the strict schema doc with every
// leaf value (a string, number, integer, boolean, enum or null, or an anyOf
// of those) wrapped in an object that also holds the verbatim quote the
// value was read from and, when paged is true, the page it is on:
//
//	{"quote": string|null, "page": integer|null, "value": <the leaf's schema>}
//
// The quote comes first so that the model copies the text before it writes
// the value. Objects and arrays keep their shape; their leaves are wrapped,
// so a schema gains one level of object nesting and two or three properties
// per leaf: run [Lint] on the result. [Unquote] reads an answer back.
func Quoted(doc []byte, paged bool) ([]byte, error) {
	root, err := nodeParse(doc)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	q := quoter{root: root.clone()}
	out := q.root
	if defs := out.get("$defs"); defs != nil && defs.kind == nodeObject {
		for i, m := range defs.obj {
			if !q.leaf(m.val) {
				defs.obj[i].val = q.wrap(m.val, paged, 0)
			}
		}
	}
	for i, m := range out.obj {
		if m.key != "$defs" {
			out.obj[i].val = q.wrapIn(m.key, m.val, paged)
		}
	}
	return out.marshal(""), nil
}

// quoter walks a schema, telling leaves from objects and arrays.
type quoter struct{ root *nodeValue }

// resolve follows local $refs of n.
func (q *quoter) resolve(n *nodeValue) *nodeValue {
	for range 32 {
		ref := n.get("$ref")
		if ref == nil || ref.kind != nodeString {
			return n
		}
		at, _, msg := lintResolve(q.root, ref.s)
		if msg != "" || at == nil {
			return n
		}
		n = at
	}
	return n
}

// leaf reports whether the schema n describes a leaf value.
func (q *quoter) leaf(n *nodeValue) bool {
	n = q.resolve(n)
	if any := n.get("anyOf"); any != nil && any.kind == nodeArray {
		for _, b := range any.arr {
			if !q.leaf(b) {
				return false
			}
		}
		return true
	}
	t := n.get("type")
	switch {
	case t == nil:
		return !n.has("properties") && !n.has("items")
	case t.kind == nodeString:
		return t.s != "object" && t.s != "array"
	case t.kind == nodeArray:
		for _, e := range t.arr {
			if e.s == "object" || e.s == "array" {
				return false
			}
		}
	}
	return true
}

// wrap returns the schema n with its leaves wrapped.
func (q *quoter) wrap(n *nodeValue, paged bool, depth int) *nodeValue {
	if depth > nodeMaxDepth {
		return n
	}
	if q.leaf(n) {
		return quoteWrapper(n, paged)
	}
	if n.has("$ref") {
		return n // the definition it names is wrapped in $defs
	}
	out := n.clone()
	for i, m := range out.obj {
		out.obj[i].val = q.wrapIn(m.key, m.val, paged)
	}
	return out
}

// wrapIn wraps the subschemas held under keyword key.
func (q *quoter) wrapIn(key string, v *nodeValue, paged bool) *nodeValue {
	switch key {
	case "properties":
		if v.kind != nodeObject {
			return v
		}
		out := &nodeValue{kind: nodeObject, obj: make([]nodeMember, len(v.obj))}
		for i, m := range v.obj {
			out.obj[i] = nodeMember{m.key, q.wrap(m.val, paged, 1)}
		}
		return out
	case "items":
		if v.kind == nodeObject {
			return q.wrap(v, paged, 1)
		}
	case "anyOf":
		if v.kind != nodeArray {
			return v
		}
		out := &nodeValue{kind: nodeArray, arr: make([]*nodeValue, len(v.arr))}
		for i, b := range v.arr {
			if isNullSchema(q.resolve(b)) {
				out.arr[i] = b
			} else {
				out.arr[i] = q.wrap(b, paged, 1)
			}
		}
		return out
	}
	return v
}

func isNullSchema(n *nodeValue) bool {
	t := n.get("type")
	return t != nil && t.kind == nodeString && t.s == "null"
}

// quoteWrapper is the object that carries one leaf and its evidence.
func quoteWrapper(leaf *nodeValue, paged bool) *nodeValue {
	props := nodeObj(nodeMember{"quote", nodeObj(
		nodeMember{"type", nodeArr(nodeStr("string"), nodeStr("null"))},
		nodeMember{"description", nodeStr("The exact text of the document this value was read from, copied verbatim, with a few words around it; null when the value is null.")},
	)})
	required := nodeArr(nodeStr("quote"))
	if paged {
		props.set("page", nodeObj(
			nodeMember{"type", nodeArr(nodeStr("integer"), nodeStr("null"))},
			nodeMember{"description", nodeStr(`The number N of the "--- page N ---" line above the quote; null when the value is null.`)},
		))
		required.arr = append(required.arr, nodeStr("page"))
	}
	props.set("value", leaf.clone())
	required.arr = append(required.arr, nodeStr("value"))
	return nodeObj(
		nodeMember{"type", nodeStr("object")},
		nodeMember{"properties", props},
		nodeMember{"required", required},
		nodeMember{"additionalProperties", nodeBoolean(false)},
	)
}

// Quote is the evidence the model gave for one leaf value of an answer to a
// [Quoted] schema.
type Quote struct {
	Pointer string
	Value   json.RawMessage
	Quote   string
	Page    int
}

// Unquote reads an answer to the Quoted form of the strict schema doc: it
// returns the answer to doc itself (each wrapper replaced by its value) and
// the quotes of the leaves, in document order. A wrapper that is missing,
// has other keys or mistyped quote or page is an error at its pointer; the
// values themselves are left for doc's own checks.
func Unquote(doc, answer []byte, paged bool) (json.RawMessage, []Quote, []*FieldError) {
	root, err := nodeParse(doc)
	if err != nil {
		return nil, nil, []*FieldError{{Message: "schema: " + err.Error()}}
	}
	ans, err := nodeParse(answer)
	if err != nil {
		return nil, nil, []*FieldError{{Message: "not valid JSON: " + err.Error()}}
	}
	u := unquoter{quoter: quoter{root: root}, paged: paged}
	plain := u.walk(root, ans, "", 0)
	if len(u.errs) > 0 {
		return nil, nil, u.errs
	}
	return plain.marshal(""), u.quotes, nil
}

type unquoter struct {
	quoter
	paged  bool
	quotes []Quote
	errs   []*FieldError
}

func (u *unquoter) fail(ptr, format string, args ...any) {
	if len(u.errs) < 100 {
		u.errs = append(u.errs, &FieldError{Pointer: ptr, Message: fmt.Sprintf(format, args...)})
	}
}

// walk returns the plain value of v, read with schema s at pointer ptr.
func (u *unquoter) walk(s, v *nodeValue, ptr string, depth int) *nodeValue {
	if depth > nodeMaxDepth {
		return v
	}
	if u.leaf(s) {
		return u.leafValue(v, ptr)
	}
	s = u.resolve(s)
	if any := s.get("anyOf"); any != nil && any.kind == nodeArray {
		if v.kind == nodeNull {
			return v
		}
		for _, b := range any.arr {
			if rb := u.resolve(b); !isNullSchema(rb) && kindFits(rb, v.kind) {
				return u.walk(b, v, ptr, depth+1)
			}
		}
		return v // the strict check reports the mismatch
	}
	switch v.kind {
	case nodeObject:
		props := s.get("properties")
		out := &nodeValue{kind: nodeObject, obj: make([]nodeMember, len(v.obj))}
		for i, m := range v.obj {
			ps := props.get(m.key)
			if ps == nil {
				out.obj[i] = m
				continue
			}
			out.obj[i] = nodeMember{m.key, u.walk(ps, m.val, Pointer(ptr, m.key), depth+1)}
		}
		return out
	case nodeArray:
		items := s.get("items")
		if items == nil {
			return v
		}
		out := &nodeValue{kind: nodeArray, arr: make([]*nodeValue, len(v.arr))}
		for i, e := range v.arr {
			out.arr[i] = u.walk(items, e, Pointer(ptr, strconv.Itoa(i)), depth+1)
		}
		return out
	}
	return v
}

// kindFits reports whether a value of kind k can match the schema s.
func kindFits(s *nodeValue, k nodeKind) bool {
	t := s.get("type")
	if t == nil {
		return true
	}
	names := []*nodeValue{t}
	if t.kind == nodeArray {
		names = t.arr
	}
	for _, n := range names {
		switch {
		case n.s == "object" && k == nodeObject, n.s == "array" && k == nodeArray:
			return true
		}
	}
	return false
}

// leafValue unwraps {"quote", "page", "value"} at ptr.
func (u *unquoter) leafValue(w *nodeValue, ptr string) *nodeValue {
	if w.kind != nodeObject {
		u.fail(ptr, "expected an object {quote, value}, got %s", w.kind.String())
		return w
	}
	want := map[string]bool{"quote": true, "value": true, "page": u.paged}
	for _, m := range w.obj {
		if !want[m.key] {
			u.fail(Pointer(ptr, m.key), "unknown field %q", m.key)
		}
	}
	val := w.get("value")
	if val == nil {
		u.fail(Pointer(ptr, "value"), "missing field \"value\"")
		return w
	}
	q := Quote{Pointer: ptr, Value: json.RawMessage(val.marshal(""))}
	switch qv := w.get("quote"); {
	case qv == nil:
		u.fail(Pointer(ptr, "quote"), "missing field \"quote\"")
	case qv.kind == nodeString:
		q.Quote = qv.s
	case qv.kind != nodeNull:
		u.fail(Pointer(ptr, "quote"), "expected a string or null, got %s", qv.kind.String())
	}
	if u.paged {
		switch pv := w.get("page"); {
		case pv == nil:
			u.fail(Pointer(ptr, "page"), "missing field \"page\"")
		case pv.kind == nodeNumber:
			n, err := strconv.Atoi(pv.s)
			if err != nil || n < 0 {
				u.fail(Pointer(ptr, "page"), "expected a page number, got %s", pv.s)
			}
			q.Page = n
		case pv.kind != nodeNull:
			u.fail(Pointer(ptr, "page"), "expected an integer or null, got %s", pv.kind.String())
		}
	}
	u.quotes = append(u.quotes, q)
	return val
}
