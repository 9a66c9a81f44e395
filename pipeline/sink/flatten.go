package sink

import (
	"strconv"
	"strings"
	"time"

	"github.com/seed0611af48/quarry/internal/ojson"
)

// cellKind is the type of a flattened cell.
type cellKind uint8

const (
	cellEmpty    cellKind = iota // null or absent
	cellString                   // text (also JSON text)
	cellNumber                   // a JSON number; text is its literal
	cellBool                     // text is "true" or "false"
	cellDate                     // text is a valid YYYY-MM-DD
	cellDateTime                 // text is a valid RFC 3339 date-time
)

// cell is one value of a flattened row. Its text is what CSV writes.
type cell struct {
	kind cellKind
	text string
}

func stringCell(s string) cell { return cell{cellString, s} }
func intCell(n int) cell       { return cell{cellNumber, strconv.Itoa(n)} }

// flattener turns record values into rows of cells, following a layout.
type flattener struct {
	sep string // Options.ListSeparator
}

// row appends the cells of t's field columns for one element.
func (f *flattener) row(dst []cell, t *table, elem ojson.Value) []cell {
	for i := range t.columns {
		c := &t.columns[i]
		v, ok := lookup(elem, c.path)
		if !ok {
			dst = append(dst, cell{})
			continue
		}
		dst = append(dst, f.cell(c.kind, v))
	}
	return dst
}

// children calls fn with every row of t's child tables found in elem, parents
// before children. keys holds the key cells of elem's own row (record id,
// then indexes).
func (f *flattener) children(t *table, elem ojson.Value, keys []cell, fn func(*table, []cell) error) error {
	for _, c := range t.children {
		arr, ok := lookup(elem, c.path)
		if !ok || arr.Kind != ojson.Array {
			continue
		}
		for i, e := range arr.Elems {
			k := make([]cell, len(keys), len(keys)+1)
			copy(k, keys)
			k = append(k, intCell(i))
			row := f.row(append(make([]cell, 0, len(k)+len(c.columns)), k...), c, e)
			if err := fn(c, row); err != nil {
				return err
			}
			if err := f.children(c, e, k, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

func lookup(v ojson.Value, path []string) (ojson.Value, bool) {
	for _, name := range path {
		var ok bool
		if v, ok = get(v, name); !ok {
			return ojson.Value{}, false
		}
	}
	return v, true
}

// cell converts one value. A value of another type than the schema says
// (an invalid answer) is kept as its JSON text rather than dropped.
func (f *flattener) cell(k colKind, v ojson.Value) cell {
	switch v.Kind {
	case ojson.Null:
		return cell{}
	case ojson.String:
		switch k {
		case colDate:
			if _, err := time.Parse(time.DateOnly, v.Text); err == nil {
				return cell{cellDate, v.Text}
			}
		case colDateTime:
			if _, err := time.Parse(time.RFC3339Nano, v.Text); err == nil {
				return cell{cellDateTime, v.Text}
			}
		}
		return stringCell(v.Text)
	case ojson.Number:
		return cell{cellNumber, v.Text}
	case ojson.Bool:
		return cell{cellBool, strconv.FormatBool(v.True())}
	case ojson.Array:
		if k == colList && f.sep != "" {
			if s, ok := joinScalars(v.Elems, f.sep); ok {
				return stringCell(s)
			}
		}
	}
	return stringCell(string(ojson.Append(nil, &v)))
}

func joinScalars(vs []ojson.Value, sep string) (string, bool) {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(sep)
		}
		switch v.Kind {
		case ojson.String, ojson.Number:
			b.WriteString(v.Text)
		case ojson.Bool:
			b.WriteString(strconv.FormatBool(v.True()))
		case ojson.Null:
		default:
			return "", false
		}
	}
	return b.String(), true
}

// parseJSON parses a value handed to a sink. A repeated key is kept, and
// read as encoding/json reads it (the last one wins).
func parseJSON(data []byte) (ojson.Value, error) {
	return ojson.Options{KeepDuplicates: true}.Parse(data)
}

// get returns the member named key of an object (the last one, as
// encoding/json does).
func get(v ojson.Value, key string) (ojson.Value, bool) {
	if m := v.Get(key); m != nil {
		return *m, true
	}
	return ojson.Value{}, false
}
