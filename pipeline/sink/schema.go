package sink

import (
	"fmt"
	"strings"

	"github.com/seed0611af48/quarry/internal/jsonptr"
)

// kind is the JSON type a schema allows (besides null).
type kind uint8

const (
	kAny kind = iota // several types, or unknown: written as JSON text
	kString
	kNumber
	kInteger
	kBool
	kNull
	kObject
	kArray
	kAlias // the same as alias: a $ref, or anyOf [X, null]
)

// node is one schema, reduced to what laying out columns needs. Nodes form
// a graph: $ref cycles (recursive schemas) are real cycles.
type node struct {
	kind   kind
	format string // "date" or "date-time" for strings
	props  []prop // object properties, in schema order
	items  *node  // array items
	alias  *node
	// nullable is set when the schema allows null besides kind: a type
	// list with "null", an anyOf/oneOf branch {"type":"null"}, or null in
	// an enum. Read it with [isNullable], which follows aliases.
	nullable bool
	// enum is set on a string with "enum" or "const": a closed set of
	// values, which the Parquet sink dictionary-encodes.
	enum bool
}

type prop struct {
	name string
	node *node
}

// maxAliasHops bounds $ref chains; a chain longer than this (or a cycle of
// bare references) is treated as "any".
const maxAliasHops = 64

var anyNode = &node{kind: kAny}

// deref follows aliases to the schema that says something.
func deref(n *node) *node {
	for range maxAliasHops {
		if n == nil {
			return anyNode
		}
		if n.kind != kAlias {
			return n
		}
		n = n.alias
	}
	return anyNode
}

// isNullable reports whether n, or any alias on the way to the schema that
// says something, allows null.
func isNullable(n *node) bool {
	for range maxAliasHops {
		if n == nil {
			return true
		}
		if n.nullable || n.kind == kNull || n.kind == kAny {
			return true
		}
		if n.kind != kAlias {
			return false
		}
		n = n.alias
	}
	return true
}

// parseSchema reads a strict JSON Schema, keeping property order.
// Constructs the sinks do not understand become kAny, never an error; only
// input that is not a JSON object is rejected.
func parseSchema(data []byte) (*node, error) {
	root, err := decodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSchema, err)
	}
	if root.kind != jObject {
		return nil, fmt.Errorf("%w: not a JSON object", ErrSchema)
	}
	p := &schemaParser{root: root, refs: map[string]*node{}}
	return p.build(root, 0), nil
}

type schemaParser struct {
	root jvalue
	refs map[string]*node
}

// maxSchemaNesting bounds the recursion over inline subschemas.
const maxSchemaNesting = 512

func (p *schemaParser) build(s jvalue, depth int) *node {
	if s.kind != jObject || depth > maxSchemaNesting {
		return anyNode
	}
	if ref, ok := s.get("$ref"); ok && ref.kind == jString {
		return p.ref(ref.s)
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		vs, ok := s.get(key)
		if !ok || vs.kind != jArray {
			continue
		}
		var keep []jvalue
		for _, v := range vs.arr {
			if t, ok := v.get("type"); ok && t.kind == jString && t.s == "null" {
				continue
			}
			keep = append(keep, v)
		}
		switch len(keep) {
		case 0:
			return &node{kind: kNull}
		case 1:
			return &node{kind: kAlias, alias: p.build(keep[0], depth+1), nullable: len(vs.arr) > 1}
		default:
			return anyNode
		}
	}

	n := &node{kind: p.typeOf(s), nullable: allowsNull(s)}
	switch n.kind {
	case kString:
		if f, ok := s.get("format"); ok && f.kind == jString {
			n.format = f.s
		}
		_, isEnum := s.get("enum")
		_, isConst := s.get("const")
		n.enum = isEnum || isConst
	case kObject:
		if props, ok := s.get("properties"); ok && props.kind == jObject {
			for _, m := range props.obj {
				n.props = append(n.props, prop{m.key, p.build(m.val, depth+1)})
			}
		}
	case kArray:
		n.items = anyNode
		if items, ok := s.get("items"); ok {
			n.items = p.build(items, depth+1)
		}
	}
	return n
}

// allowsNull reports whether s's "type" list names "null" or its enum
// lists null.
func allowsNull(s jvalue) bool {
	if t, ok := s.get("type"); ok && t.kind == jArray {
		for _, e := range t.arr {
			if e.kind == jString && e.s == "null" {
				return true
			}
		}
	}
	if e, ok := s.get("enum"); ok && e.kind == jArray {
		for _, v := range e.arr {
			if v.kind == jNull {
				return true
			}
		}
	}
	return false
}

// typeOf reads "type" (a name or a list of names; "null" aside), or infers
// the type from other keywords.
func (p *schemaParser) typeOf(s jvalue) kind {
	var names []string
	if t, ok := s.get("type"); ok {
		switch t.kind {
		case jString:
			names = append(names, t.s)
		case jArray:
			for _, e := range t.arr {
				if e.kind == jString {
					names = append(names, e.s)
				}
			}
		}
	}
	var ks []kind
	for _, name := range names {
		k := kAny
		switch name {
		case "string":
			k = kString
		case "number":
			k = kNumber
		case "integer":
			k = kInteger
		case "boolean":
			k = kBool
		case "object":
			k = kObject
		case "array":
			k = kArray
		case "null":
			continue
		}
		ks = append(ks, k)
	}
	switch {
	case len(ks) == 1:
		return ks[0]
	case len(ks) > 1:
		return kAny
	case len(names) > 0: // only "null"
		return kNull
	}
	if _, ok := s.get("properties"); ok {
		return kObject
	}
	if _, ok := s.get("items"); ok {
		return kArray
	}
	var vals []jvalue
	if e, ok := s.get("enum"); ok && e.kind == jArray {
		vals = e.arr
	} else if c, ok := s.get("const"); ok {
		vals = []jvalue{c}
	}
	k := kAny
	for i, v := range vals {
		var vk kind
		switch v.kind {
		case jString:
			vk = kString
		case jNumber:
			vk = kNumber
		case jBool:
			vk = kBool
		case jNull:
			continue
		default:
			return kAny
		}
		if i > 0 && k != kAny && vk != k {
			return kAny
		}
		k = vk
	}
	return k
}

// ref resolves a local reference ("#", "#/$defs/Name"). Each reference is
// built once; a recursive one links back to its own node.
func (p *schemaParser) ref(ref string) *node {
	if n, ok := p.refs[ref]; ok {
		return n
	}
	n := &node{kind: kAlias}
	p.refs[ref] = n
	target, ok := p.resolve(ref)
	if !ok {
		n.kind = kAny
		return n
	}
	n.alias = p.build(target, 0)
	return n
}

// resolve follows a JSON pointer fragment from the schema root.
func (p *schemaParser) resolve(ref string) (jvalue, bool) {
	frag, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return jvalue{}, false // remote references are not followed
	}
	v := p.root
	if frag == "" {
		return v, true
	}
	if frag[0] != '/' {
		return jvalue{}, false
	}
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = jsonptr.Unescape(tok)
		if v.kind != jObject {
			return jvalue{}, false
		}
		if v, ok = v.get(tok); !ok {
			return jvalue{}, false
		}
	}
	return v, true
}
