package schema

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
)

// This file holds the strict schema tree and writes it as compact,
// deterministic JSON.

// reflNode is one subschema of a strict schema document. Keywords are
// written in a fixed order, properties in struct field order.
type reflNode struct {
	ref                string
	anyOf              []*reflNode
	typ                string
	nullable           bool // adds "null" to type, to enum and to anyOf
	title, description string
	enum               []any
	format, pattern    string
	minimum, maximum   json.Number
	exclusiveMinimum   json.Number
	exclusiveMaximum   json.Number
	multipleOf         json.Number
	minItems, maxItems *uint64
	items              *reflNode
	object             bool
	props              []reflProp
}

type reflProp struct {
	name string
	node *reflNode
}

// write appends the node as compact JSON. The root also gets the $defs.
func (n *reflNode) write(b *bytes.Buffer, defNames []string, defs map[string]*reflNode) {
	if n.ref != "" {
		if !n.nullable && n.title == "" && n.description == "" {
			b.WriteString(`{"$ref":`)
			reflWriteJSON(b, n.ref)
			b.WriteByte('}')
			return
		}
		// $ref must stand alone: wrap it to admit null or carry a description.
		c := *n
		c.ref = ""
		c.anyOf = []*reflNode{{ref: n.ref}}
		c.write(b, nil, nil)
		return
	}
	b.WriteByte('{')
	comma := false
	key := func(k string) {
		if comma {
			b.WriteByte(',')
		}
		comma = true
		reflWriteJSON(b, k)
		b.WriteByte(':')
	}
	if n.typ != "" {
		key("type")
		if n.nullable {
			b.WriteString(`[`)
			reflWriteJSON(b, n.typ)
			b.WriteString(`,"null"]`)
		} else {
			reflWriteJSON(b, n.typ)
		}
	}
	if n.title != "" {
		key("title")
		reflWriteJSON(b, n.title)
	}
	if n.description != "" {
		key("description")
		reflWriteJSON(b, n.description)
	}
	if len(n.anyOf) > 0 {
		key("anyOf")
		b.WriteByte('[')
		for i, a := range n.anyOf {
			if i > 0 {
				b.WriteByte(',')
			}
			a.write(b, nil, nil)
		}
		if n.nullable && n.typ == "" {
			b.WriteString(`,{"type":"null"}`)
		}
		b.WriteByte(']')
	}
	if len(n.enum) > 0 {
		key("enum")
		b.WriteByte('[')
		for i, v := range n.enum {
			if i > 0 {
				b.WriteByte(',')
			}
			reflWriteJSON(b, v)
		}
		if n.nullable && !slices.Contains(n.enum, nil) {
			b.WriteString(",null")
		}
		b.WriteByte(']')
	}
	for _, kv := range []struct {
		k string
		v string
	}{{"format", n.format}, {"pattern", n.pattern}} {
		if kv.v != "" {
			key(kv.k)
			reflWriteJSON(b, kv.v)
		}
	}
	for _, kv := range []struct {
		k string
		v json.Number
	}{{"minimum", n.minimum}, {"exclusiveMinimum", n.exclusiveMinimum}, {"maximum", n.maximum},
		{"exclusiveMaximum", n.exclusiveMaximum}, {"multipleOf", n.multipleOf}} {
		if kv.v != "" {
			key(kv.k)
			b.WriteString(kv.v.String())
		}
	}
	if n.items != nil {
		key("items")
		n.items.write(b, nil, nil)
	}
	for _, kv := range []struct {
		k string
		v *uint64
	}{{"minItems", n.minItems}, {"maxItems", n.maxItems}} {
		if kv.v != nil {
			key(kv.k)
			b.WriteString(strconv.FormatUint(*kv.v, 10))
		}
	}
	if n.object {
		key("properties")
		b.WriteByte('{')
		for i, p := range n.props {
			if i > 0 {
				b.WriteByte(',')
			}
			reflWriteJSON(b, p.name)
			b.WriteByte(':')
			p.node.write(b, nil, nil)
		}
		b.WriteByte('}')
		key("required")
		b.WriteByte('[')
		for i, p := range n.props {
			if i > 0 {
				b.WriteByte(',')
			}
			reflWriteJSON(b, p.name)
		}
		b.WriteByte(']')
		key("additionalProperties")
		b.WriteString("false")
	}
	if len(defNames) > 0 {
		key("$defs")
		b.WriteByte('{')
		for i, name := range defNames {
			if i > 0 {
				b.WriteByte(',')
			}
			reflWriteJSON(b, name)
			b.WriteByte(':')
			defs[name].write(b, nil, nil)
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}

// reflWriteJSON writes v as JSON without HTML escaping.
func reflWriteJSON(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		b.WriteString("null")
		return
	}
	b.Truncate(b.Len() - 1) // the newline Encode adds
}

func reflCompact(v any) string {
	var b bytes.Buffer
	reflWriteJSON(&b, v)
	return b.String()
}
