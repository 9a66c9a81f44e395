package sink

import (
	"math"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/seed0611af48/quarry/internal/jsonptr"
	"github.com/seed0611af48/quarry/internal/ojson"
)

// pqRow collects the values of one Parquet row, column by column, with
// their repetition and definition levels (the Dremel encoding the Parquet
// format stores nested data in).
//
// A value that does not fit its column (a string where the schema says
// integer, 1.5 for an integer, an invalid date, a null or missing value the
// schema does not allow) is never written wrong: the nearest enclosing
// optional node is written as null instead, and the value's JSON pointer
// is added to unfit. Record fields are always optional, so a misfit
// never spreads beyond the field it is in.
type pqRow struct {
	cols  [][]parquet.Value
	path  []string
	unfit []string
	marks []int // a stack of column lengths to roll back to
}

func newPQRow(columns int) *pqRow {
	return &pqRow{cols: make([][]parquet.Value, columns)}
}

func (r *pqRow) reset() {
	for i := range r.cols {
		r.cols[i] = r.cols[i][:0]
	}
	r.path = r.path[:0]
	r.unfit = r.unfit[:0]
}

// append appends the row to dst, columns in order.
func (r *pqRow) append(dst parquet.Row) parquet.Row {
	for _, c := range r.cols {
		dst = append(dst, c...)
	}
	return dst
}

// value writes v (present says whether it was there at all) as node p; rep
// is the repetition level of its first value and parentDef the definition
// level of its parent.
func (r *pqRow) value(p *pqNode, v ojson.Value, present bool, rep, parentDef int) bool {
	if !p.optional {
		return r.present(p, v, present, rep)
	}
	if !present || v.Kind == ojson.Null {
		r.nulls(p, rep, parentDef)
		return true
	}
	if p.kind == pqLeaf {
		if !r.present(p, v, true, rep) {
			r.nulls(p, rep, parentDef)
		}
		return true
	}
	base := len(r.marks)
	for c := p.col0; c < p.col1; c++ {
		r.marks = append(r.marks, len(r.cols[c]))
	}
	if !r.present(p, v, true, rep) {
		for c := p.col0; c < p.col1; c++ {
			r.cols[c] = r.cols[c][:r.marks[base+c-p.col0]]
		}
		r.nulls(p, rep, parentDef)
	}
	r.marks = r.marks[:base]
	return true
}

// nulls writes a null for every leaf column under p.
func (r *pqRow) nulls(p *pqNode, rep, def int) {
	for c := p.col0; c < p.col1; c++ {
		r.cols[c] = append(r.cols[c], parquet.NullValue().Level(rep, def, c))
	}
}

func (r *pqRow) misfit() bool {
	r.unfit = append(r.unfit, jsonptr.Join("", r.path...))
	return false
}

// present writes a value that must not be null; it reports false if v does
// not fit, having written nothing the caller must keep.
func (r *pqRow) present(p *pqNode, v ojson.Value, present bool, rep int) bool {
	if !present || v.Kind == ojson.Null {
		return r.misfit()
	}
	switch p.kind {
	case pqStruct:
		if v.Kind != ojson.Object {
			return r.misfit()
		}
		for _, f := range p.fields {
			fv, ok := get(v, f.key)
			r.path = append(r.path, f.key)
			fits := r.value(f, fv, ok, rep, p.def)
			r.path = r.path[:len(r.path)-1]
			if !fits {
				return false
			}
		}
		return true
	case pqList:
		if v.Kind != ojson.Array {
			return r.misfit()
		}
		if len(v.Elems) == 0 {
			for c := p.col0; c < p.col1; c++ {
				r.cols[c] = append(r.cols[c], parquet.NullValue().Level(rep, p.def, c))
			}
			return true
		}
		for i, e := range v.Elems {
			if i > 0 {
				rep = p.rep
			}
			r.path = append(r.path, strconv.Itoa(i))
			fits := r.value(p.elem, e, true, rep, p.def+1)
			r.path = r.path[:len(r.path)-1]
			if !fits {
				return false
			}
		}
		return true
	}
	pv, ok := leafValue(p.leaf, v)
	if !ok {
		return r.misfit()
	}
	r.cols[p.col0] = append(r.cols[p.col0], pv.Level(rep, p.def, p.col0))
	return true
}

// leafValue converts a JSON value to the physical value of a leaf column.
func leafValue(k colKind, v ojson.Value) (parquet.Value, bool) {
	switch k {
	case colString:
		if v.Kind == ojson.String {
			return parquet.ByteArrayValue([]byte(v.Text)), true
		}
	case colNumber:
		if v.Kind == ojson.Number {
			f, err := strconv.ParseFloat(v.Text, 64)
			if err == nil {
				return parquet.DoubleValue(f), true
			}
		}
	case colInteger:
		if v.Kind == ojson.Number {
			if n, ok := jsonInt(v.Text); ok {
				return parquet.Int64Value(n), true
			}
		}
	case colBool:
		if v.Kind == ojson.Bool {
			return parquet.BooleanValue(v.True()), true
		}
	case colDate:
		if v.Kind == ojson.String {
			if t, err := time.Parse(time.DateOnly, v.Text); err == nil {
				days := t.Unix() / 86400
				if days >= math.MinInt32 && days <= math.MaxInt32 {
					return parquet.Int32Value(int32(days)), true
				}
			}
		}
	case colDateTime:
		if v.Kind == ojson.String {
			if t, err := time.Parse(time.RFC3339Nano, v.Text); err == nil {
				return parquet.Int64Value(t.UnixMicro()), true
			}
		}
	case colJSON:
		return parquet.ByteArrayValue(ojson.Append(nil, &v)), true
	}
	return parquet.Value{}, false
}

// jsonInt reads a JSON number that is a whole int64: "12", also "12.0" or
// "1.2e1", as JSON Schema counts any number with a zero fraction as an
// integer. 1.5 or 1e30 is not one.
func jsonInt(s string) (int64, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
		return 0, false
	}
	return int64(f), true
}

// put writes one top-level leaf: null when the node is optional and null
// is set.
func (r *pqRow) put(p *pqNode, v parquet.Value, null bool) {
	if null && p.optional {
		r.nulls(p, 0, p.def-1)
		return
	}
	r.cols[p.col0] = append(r.cols[p.col0], v.Level(0, p.def, p.col0))
}

// str writes a string; "" is null in an optional column.
func (r *pqRow) str(p *pqNode, s string) {
	r.put(p, parquet.ByteArrayValue([]byte(s)), s == "")
}

// int writes an integer; 0 is null in an optional column.
func (r *pqRow) int(p *pqNode, n int64) {
	r.put(p, parquet.Int64Value(n), n == 0)
}

// time writes a timestamp; the zero time is null.
func (r *pqRow) time(p *pqNode, t time.Time) {
	r.put(p, parquet.Int64Value(t.UnixMicro()), t.IsZero())
}
