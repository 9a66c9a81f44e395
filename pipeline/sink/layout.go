package sink

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/seed0611af48/quarry/internal/ojson"
	"github.com/seed0611af48/quarry/schema"
)

// colKind says how a column's cells are written.
type colKind uint8

const (
	colString colKind = iota
	colNumber
	colInteger
	colBool
	colDate     // string with format "date": a date cell in XLSX
	colDateTime // string with format "date-time": a date-time cell in XLSX
	colList     // array of scalars: JSON text, or joined with Options.ListSeparator
	colJSON     // anything else (objects below MaxDepth, mixed types): JSON text
)

// column is one flattened field of a table's element.
type column struct {
	name string   // dot path: "address.city"
	path []string // property names from the element
	kind colKind
}

// table is the main record table or the table of one array of objects.
type table struct {
	// name is "" for the main table, else the dot path of the array from
	// the record root: "lines", "lines.taxes".
	name string
	// path leads from the parent table's element to the array.
	path []string
	// keys names the key columns of a child table: "record_id", one
	// "<ancestor>.index" per enclosing array, then "index".
	keys     []string
	columns  []column
	children []*table
}

// header returns the key column names followed by the field column names.
func (t *table) header() []string {
	h := make([]string, 0, len(t.keys)+len(t.columns))
	h = append(h, t.keys...)
	for _, c := range t.columns {
		h = append(h, c.name)
	}
	return h
}

// layout is the tables a schema flattens into.
type layout struct {
	main   *table
	tables []*table // child tables, parents before their children
	// wrap is set when the root is not an object: the record is then
	// laid out as if it were {"value": record}.
	wrap bool
}

// record returns the value the main table is flattened from.
func (l *layout) record(v ojson.Value) ojson.Value {
	if l.wrap {
		return ojson.Obj(ojson.Member{Key: "value", Value: v})
	}
	return v
}

// maxColumns bounds the columns of all tables together (it is also Excel's
// column limit), so that a wide or deeply shared schema fails fast.
const maxColumns = 16384

// newLayout lays out the columns and child tables of a record schema.
func newLayout(root *schema.Model, maxDepth int) (*layout, error) {
	b := &layoutBuilder{maxDepth: maxDepth}
	l := &layout{main: &table{}}
	r := deref(root)
	if kindOf(r) == kObject && len(r.Props) > 0 {
		for _, p := range r.Props {
			if err := b.walk(l.main, p.Schema, []string{p.Name}, 1); err != nil {
				return nil, err
			}
		}
	} else {
		l.wrap = true
		if err := b.walk(l.main, root, []string{"value"}, 1); err != nil {
			return nil, err
		}
	}
	var collect func(t *table)
	collect = func(t *table) {
		for _, c := range t.children {
			l.tables = append(l.tables, c)
			collect(c)
		}
	}
	collect(l.main)
	return l, nil
}

type layoutBuilder struct {
	maxDepth int
	count    int
}

func (b *layoutBuilder) add(t *table, path []string, k colKind) error {
	if err := b.spend(); err != nil {
		return err
	}
	t.columns = append(t.columns, column{name: strings.Join(path, "."), path: path, kind: k})
	return nil
}

// spend counts one column or table against maxColumns: a table costs at
// least its key columns, and counting it stops schemas whose arrays of
// objects multiply tables without adding fields.
func (b *layoutBuilder) spend() error {
	b.count++
	if b.count > maxColumns {
		return fmt.Errorf("%w: more than %d columns and tables", ErrSchema, maxColumns)
	}
	return nil
}

// walk adds the columns for schema n found at path in t's element; depth is
// the number of property names from the record root.
func (b *layoutBuilder) walk(t *table, n *schema.Model, path []string, depth int) error {
	n = deref(n)
	switch kindOf(n) {
	case kObject:
		if len(n.Props) == 0 || depth >= b.maxDepth {
			return b.add(t, path, colJSON)
		}
		for _, p := range n.Props {
			if err := b.walk(t, p.Schema, appendPath(path, p.Name), depth+1); err != nil {
				return err
			}
		}
		return nil
	case kArray:
		it := deref(itemsOf(n))
		switch {
		case kindOf(it) == kObject && len(it.Props) > 0 && depth < b.maxDepth:
			if err := b.spend(); err != nil {
				return err
			}
			name := strings.Join(path, ".")
			if t.name != "" {
				name = t.name + "." + name
			}
			child := &table{name: name, path: path, keys: []string{"record_id"}}
			for _, k := range t.keys[min(1, len(t.keys)):] {
				if k == "index" {
					k = t.name + ".index"
				}
				child.keys = append(child.keys, k)
			}
			child.keys = append(child.keys, "index")
			t.children = append(t.children, child)
			for _, p := range it.Props {
				if err := b.walk(child, p.Schema, []string{p.Name}, depth+1); err != nil {
					return err
				}
			}
			return nil
		case kindOf(it) >= kString && kindOf(it) <= kNull:
			return b.add(t, path, colList)
		default:
			return b.add(t, path, colJSON)
		}
	case kString:
		switch n.Format {
		case "date":
			return b.add(t, path, colDate)
		case "date-time":
			return b.add(t, path, colDateTime)
		}
		return b.add(t, path, colString)
	case kNumber:
		return b.add(t, path, colNumber)
	case kInteger:
		return b.add(t, path, colInteger)
	case kBool:
		return b.add(t, path, colBool)
	case kNull:
		return b.add(t, path, colString)
	default:
		return b.add(t, path, colJSON)
	}
}

func appendPath(path []string, name string) []string {
	p := make([]string, len(path)+1)
	copy(p, path)
	p[len(path)] = name
	return p
}

// uniqueNames makes names unique, ignoring case (as Excel table headers
// and sheet names require): a repeat gets "_2", "_3"..., an empty name "_".
func uniqueNames(names []string) []string {
	seen := make(map[string]bool, len(names))
	out := make([]string, len(names))
	for i, n := range names {
		if n == "" {
			n = "_"
		}
		u := n
		for k := 2; seen[strings.ToLower(u)]; k++ {
			u = n + "_" + strconv.Itoa(k)
		}
		seen[strings.ToLower(u)] = true
		out[i] = u
	}
	return out
}
