package sink

import (
	"fmt"

	"github.com/seed0611af48/quarry/internal/ojson"
	"github.com/seed0611af48/quarry/pipeline"
)

// metaColumns lead every main-table row, before the extracted fields.
var metaColumns = []string{"id", "status", "error", "source", "row", "page"}

// tabular is what the CSV and XLSX sinks share: the layout, flattening,
// cell safety and the spool of main-table rows.
type tabular struct {
	opts    Options
	lay     *layout
	flat    flattener
	guard   guard
	spool   *spool
	meta    []string   // metaColumns, plus "simulated" when Options.Simulated
	headers [][]string // per child table (index as in lay.tables), unique
	index   map[*table]int
	row     []cell
}

func newTabular(schema []byte, opts Options, format string) (*tabular, error) {
	root, err := parseSchema(schema)
	if err != nil {
		return nil, err
	}
	lay, err := newLayout(root, opts.maxDepth())
	if err != nil {
		return nil, err
	}
	t := &tabular{
		opts:  opts,
		lay:   lay,
		flat:  flattener{sep: opts.ListSeparator},
		guard: guard{log: opts.logger(), format: format},
		meta:  metaColumns,
		index: map[*table]int{},
	}
	if opts.Simulated {
		t.meta = append(append([]string(nil), metaColumns...), "simulated")
	}
	for i, c := range lay.tables {
		t.index[c] = i
		t.headers = append(t.headers, safeHeader(c.header()))
	}
	return t, nil
}

// safeHeader neutralises and de-duplicates header names.
func safeHeader(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = neutralise(n)
	}
	return uniqueNames(out)
}

// mainHeader is the main table's header, known once every row is spooled.
func (t *tabular) mainHeader() []string {
	h := append([]string(nil), t.meta...)
	for _, c := range t.lay.main.columns {
		h = append(h, c.name)
	}
	if !t.opts.OmitColumns {
		for _, n := range t.spool.names {
			h = append(h, "input."+n)
		}
	}
	return safeHeader(h)
}

// write flattens one outcome: it spools the main row and passes each child
// row, made safe, to child.
func (t *tabular) write(o *pipeline.Outcome, child func(c *table, row []cell) error) error {
	var v ojson.Value // null: every field empty
	if len(o.Value) > 0 {
		if d, err := parseJSON(o.Value); err == nil {
			v = t.lay.record(d)
		}
	}
	row := append(t.row[:0],
		stringCell(o.ID), stringCell(string(o.Status)), stringCell(o.Reason), stringCell(o.Source),
		optInt(o.Row), optInt(o.Page))
	if t.opts.Simulated {
		row = append(row, cell{cellBool, "true"})
	}
	row = t.flat.row(row, t.lay.main, v)
	for i := range row {
		if row[i].kind != cellEmpty {
			row[i].text = t.guard.text(row[i], o.ID, t.mainColumnName(i))
		}
	}
	var cols []pipeline.Column
	if !t.opts.OmitColumns && len(o.Columns) > 0 {
		cols = make([]pipeline.Column, len(o.Columns))
		for i, c := range o.Columns {
			cols[i] = pipeline.Column{Name: c.Name, Value: t.guard.text(stringCell(c.Value), o.ID, "input."+c.Name)}
		}
	}
	t.row = row
	if err := t.spool.add(row, cols); err != nil {
		return err
	}
	return t.flat.children(t.lay.main, v, []cell{stringCell(o.ID)}, func(c *table, r []cell) error {
		h := t.headers[t.index[c]]
		for i := range r {
			if r[i].kind != cellEmpty {
				r[i].text = t.guard.text(r[i], o.ID, h[i])
			}
		}
		return child(c, r)
	})
}

func (t *tabular) mainColumnName(i int) string {
	if i < len(t.meta) {
		return t.meta[i]
	}
	if i -= len(t.meta); i < len(t.lay.main.columns) {
		return t.lay.main.columns[i].name
	}
	return fmt.Sprint("column ", i)
}

func optInt(n int) cell {
	if n == 0 {
		return cell{}
	}
	return intCell(n)
}

func (t *tabular) close() error { return t.spool.Close() }
