package sink

import (
	"fmt"
	"strings"

	"github.com/seed0611af48/quarry/internal/jsonptr"
	"github.com/seed0611af48/quarry/internal/ojson"
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
	root, err := parseJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSchema, err)
	}
	if root.Kind != ojson.Object {
		return nil, fmt.Errorf("%w: not a JSON object", ErrSchema)
	}
	p := &schemaParser{root: root, refs: map[string]*node{}}
	return p.build(root, 0), nil
}

type schemaParser struct {
	root ojson.Value
	refs map[string]*node
}

// maxSchemaNesting bounds the recursion over inline subschemas.
const maxSchemaNesting = 512

func (p *schemaParser) build(s ojson.Value, depth int) *node {
	if s.Kind != ojson.Object || depth > maxSchemaNesting {
		return anyNode
	}
	if ref, ok := get(s, "$ref"); ok && ref.Kind == ojson.String {
		return p.ref(ref.Text)
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		vs, ok := get(s, key)
		if !ok || vs.Kind != ojson.Array {
			continue
		}
		var keep []ojson.Value
		for _, v := range vs.Elems {
			if t, ok := get(v, "type"); ok && t.Kind == ojson.String && t.Text == "null" {
				continue
			}
			keep = append(keep, v)
		}
		switch len(keep) {
		case 0:
			return &node{kind: kNull}
		case 1:
			return &node{kind: kAlias, alias: p.build(keep[0], depth+1), nullable: len(vs.Elems) > 1}
		default:
			return anyNode
		}
	}

	n := &node{kind: p.typeOf(s), nullable: allowsNull(s)}
	switch n.kind {
	case kString:
		if f, ok := get(s, "format"); ok && f.Kind == ojson.String {
			n.format = f.Text
		}
		_, isEnum := get(s, "enum")
		_, isConst := get(s, "const")
		n.enum = isEnum || isConst
	case kObject:
		if props, ok := get(s, "properties"); ok && props.Kind == ojson.Object {
			for _, m := range props.Members {
				n.props = append(n.props, prop{m.Key, p.build(m.Value, depth+1)})
			}
		}
	case kArray:
		n.items = anyNode
		if items, ok := get(s, "items"); ok {
			n.items = p.build(items, depth+1)
		}
	}
	return n
}

// allowsNull reports whether s's "type" list names "null" or its enum
// lists null.
func allowsNull(s ojson.Value) bool {
	if t, ok := get(s, "type"); ok && t.Kind == ojson.Array {
		for _, e := range t.Elems {
			if e.Kind == ojson.String && e.Text == "null" {
				return true
			}
		}
	}
	if e, ok := get(s, "enum"); ok && e.Kind == ojson.Array {
		for _, v := range e.Elems {
			if v.Kind == ojson.Null {
				return true
			}
		}
	}
	return false
}

// typeOf reads "type" (a name or a list of names; "null" aside), or infers
// the type from other keywords.
func (p *schemaParser) typeOf(s ojson.Value) kind {
	var names []string
	if t, ok := get(s, "type"); ok {
		switch t.Kind {
		case ojson.String:
			names = append(names, t.Text)
		case ojson.Array:
			for _, e := range t.Elems {
				if e.Kind == ojson.String {
					names = append(names, e.Text)
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
	if _, ok := get(s, "properties"); ok {
		return kObject
	}
	if _, ok := get(s, "items"); ok {
		return kArray
	}
	var vals []ojson.Value
	if e, ok := get(s, "enum"); ok && e.Kind == ojson.Array {
		vals = e.Elems
	} else if c, ok := get(s, "const"); ok {
		vals = []ojson.Value{c}
	}
	k := kAny
	for i, v := range vals {
		var vk kind
		switch v.Kind {
		case ojson.String:
			vk = kString
		case ojson.Number:
			vk = kNumber
		case ojson.Bool:
			vk = kBool
		case ojson.Null:
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
func (p *schemaParser) resolve(ref string) (ojson.Value, bool) {
	frag, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return ojson.Value{}, false // remote references are not followed
	}
	v := p.root
	if frag == "" {
		return v, true
	}
	if frag[0] != '/' {
		return ojson.Value{}, false
	}
	for _, tok := range strings.Split(frag[1:], "/") {
		tok = jsonptr.Unescape(tok)
		if v.Kind != ojson.Object {
			return ojson.Value{}, false
		}
		if v, ok = get(v, tok); !ok {
			return ojson.Value{}, false
		}
	}
	return v, true
}
