package sink

import (
	"fmt"

	"github.com/seed0611af48/quarry/schema"
)

// The sinks read the record schema through schema's model (schema.Model,
// parsed by schema.ParseModel); this file reduces a Node to what laying out
// columns needs: one kind, and whether null is allowed.

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
)

// maxAliasHops bounds chains of references and single-branch anyOfs; a
// longer chain (or a cycle of bare references) is treated as "any".
const maxAliasHops = 64

var anyNode = &schema.Model{}

// parseSchema reads a JSON Schema. Constructs the sinks do not understand
// become kAny, never an error; only input that is not a JSON object is
// rejected.
func parseSchema(data []byte) (*schema.Model, error) {
	n, err := schema.ParseModel(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSchema, err)
	}
	return n, nil
}

// deref follows references, and anyOf/oneOf with one branch besides null,
// to the schema that says something.
func deref(n *schema.Model) *schema.Model {
	for range maxAliasHops {
		switch {
		case n == nil:
			return anyNode
		case n.Ref != nil:
			n = n.Ref
		case len(n.Alts) == 1:
			n = n.Alts[0]
		default:
			return n
		}
	}
	return anyNode
}

// kindOf is the kind of a dereferenced schema.
func kindOf(n *schema.Model) kind {
	if n.Alts != nil { // anyOf with no branch, or several, besides null
		if len(n.Alts) == 0 {
			return kNull
		}
		return kAny
	}
	switch {
	case n.Types == nil || len(n.Types) > 1:
		return kAny
	case len(n.Types) == 0:
		return kNull
	}
	switch n.Types[0] {
	case schema.TypeString:
		return kString
	case schema.TypeNumber:
		return kNumber
	case schema.TypeInteger:
		return kInteger
	case schema.TypeBoolean:
		return kBool
	case schema.TypeObject:
		return kObject
	case schema.TypeArray:
		return kArray
	}
	return kAny
}

// itemsOf is an array schema's items; "any" without "items".
func itemsOf(n *schema.Model) *schema.Model {
	if n.Items == nil {
		return anyNode
	}
	return n.Items
}

// isNullable reports whether n, or any alias on the way to the schema that
// says something, allows null.
func isNullable(n *schema.Model) bool {
	for range maxAliasHops {
		switch {
		case n == nil || n.Nullable:
			return true
		case n.Ref != nil:
			n = n.Ref
		case len(n.Alts) == 1:
			n = n.Alts[0]
		default:
			k := kindOf(n)
			return k == kNull || k == kAny
		}
	}
	return true
}
