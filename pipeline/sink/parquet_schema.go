package sink

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/seed0611af48/quarry/schema"
)

// pqKind is the shape of a Parquet schema node.
type pqKind uint8

const (
	pqLeaf   pqKind = iota
	pqStruct        // a group of named fields, in schema order
	pqList          // the three-level LIST of the Parquet format
)

// pqNode is one node of the Parquet schema a record schema becomes, with
// the Dremel levels its values are written with.
type pqNode struct {
	name     string // the column name
	key      string // the property name in the JSON object (fields only)
	kind     pqKind
	optional bool
	leaf     colKind // for leaves; colList is never used (lists are pqList)
	enum     bool    // a string leaf with a closed set of values
	fields   []*pqNode
	elem     *pqNode

	// col0 and col1 bound the leaf columns under this node.
	col0, col1 int
	// def is the definition level of a present value of this node; for a
	// list, def+1 is that of its repeated group.
	def int
	// rep is the repetition level of the list's repeated group (lists only).
	rep int
}

// pqBuilder turns schema nodes into pqNodes, bounding the number of
// columns. Nesting is cut at 2×maxDepth levels, each object and each array
// counting as one (an object nested MaxDepth deep, each in a list, fits);
// a value nested deeper is a JSON column.
type pqBuilder struct {
	maxDepth int
	count    int
}

// node builds the Parquet node for schema n named name, at depth (objects
// and arrays from the record root). forceOptional makes it optional even if
// the schema does not allow null (record fields: a failed document has no
// record at all).
func (b *pqBuilder) node(name string, n *schema.Model, depth int, forceOptional bool) (*pqNode, error) {
	b.count++
	if b.count > maxColumns {
		return nil, fmt.Errorf("%w: more than %d Parquet columns", ErrSchema, maxColumns)
	}
	p := &pqNode{name: name, key: name, optional: forceOptional || isNullable(n)}
	d := deref(n)
	switch kindOf(d) {
	case kObject:
		if len(d.Props) == 0 || depth >= 2*b.maxDepth {
			p.leaf = colJSON
			return p, nil
		}
		p.kind = pqStruct
		for _, pr := range d.Props {
			f, err := b.node(pr.Name, pr.Schema, depth+1, false)
			if err != nil {
				return nil, err
			}
			p.fields = append(p.fields, f)
		}
	case kArray:
		if depth >= 2*b.maxDepth {
			p.leaf = colJSON
			return p, nil
		}
		p.kind = pqList
		e, err := b.node("element", itemsOf(d), depth+1, false)
		if err != nil {
			return nil, err
		}
		p.elem = e
	case kString:
		p.leaf, p.enum = colString, d.Enum != nil
		switch d.Format {
		case "date":
			p.leaf = colDate
		case "date-time":
			p.leaf = colDateTime
		}
	case kNumber:
		p.leaf = colNumber
	case kInteger:
		p.leaf = colInteger
	case kBool:
		p.leaf = colBool
	case kNull:
		p.leaf, p.optional = colString, true
	default:
		p.leaf = colJSON
	}
	return p, nil
}

// levels numbers the leaf columns from col and sets definition and
// repetition levels, given those of the parent; it returns the next column.
func (p *pqNode) levels(col, parentDef, parentRep int) int {
	p.def = parentDef
	if p.optional {
		p.def++
	}
	p.col0 = col
	switch p.kind {
	case pqLeaf:
		col++
	case pqStruct:
		for _, f := range p.fields {
			col = f.levels(col, p.def, parentRep)
		}
	case pqList:
		p.rep = parentRep + 1
		col = p.elem.levels(col, p.def+1, p.rep)
	}
	p.col1 = col
	return col
}

// parquet returns the parquet-go schema node.
func (p *pqNode) parquet() parquet.Node {
	var n parquet.Node
	switch p.kind {
	case pqStruct:
		g := &orderedGroup{Group: parquet.Group{}}
		for _, f := range p.fields {
			fn := f.parquet()
			g.Group[f.name] = fn
			g.fields = append(g.fields, &orderedField{Node: fn, name: f.name})
		}
		n = g
	case pqList:
		n = parquet.List(p.elem.parquet())
	default:
		n = leafNode(p.leaf, p.enum)
	}
	if p.optional {
		return parquet.Optional(n)
	}
	return parquet.Required(n)
}

func leafNode(k colKind, enum bool) parquet.Node {
	switch k {
	case colNumber:
		return parquet.Leaf(parquet.DoubleType)
	case colInteger:
		return parquet.Int(64)
	case colBool:
		return parquet.Leaf(parquet.BooleanType)
	case colDate:
		return parquet.Date()
	case colDateTime:
		return parquet.Timestamp(parquet.Microsecond)
	case colJSON:
		return parquet.JSON()
	}
	if enum {
		return parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
	}
	return parquet.String()
}

// orderedGroup is a Parquet group whose fields keep the order they are
// given in: parquet.Group is a map and sorts its fields by name, while
// Quarry's columns follow the schema. The embedded Group (holding the same
// nodes) answers everything but Fields.
type orderedGroup struct {
	parquet.Group
	fields []parquet.Field
}

func (g *orderedGroup) Fields() []parquet.Field { return g.fields }

func (g *orderedGroup) String() string {
	var b strings.Builder
	_ = parquet.PrintSchema(&b, "", g) // a strings.Builder does not fail
	return b.String()
}

func (g *orderedGroup) Encoding() encoding.Encoding { return nil }

func (g *orderedGroup) Compression() compress.Codec { return nil }

type orderedField struct {
	parquet.Node
	name string
}

func (f *orderedField) Name() string { return f.name }

// Value is used by parquet-go's reflection-based writers only; the Parquet
// sink writes rows of values, so it is never reached.
func (f *orderedField) Value(reflect.Value) reflect.Value { return reflect.Value{} }
