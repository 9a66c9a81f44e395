package sink

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/seed0611af48/quarry/internal/ojson"
	"github.com/seed0611af48/quarry/pipeline"
)

// ParquetRowGroupRows is how many rows a Parquet row group holds. The
// writer keeps one row group in memory, so this bounds its memory.
const ParquetRowGroupRows = 16384

// pqBatch is how many rows are handed to the Parquet writer at once.
const pqBatch = 64

// Parquet writes one Parquet file with a row per document, its columns
// typed from the record schema. Create one with [NewParquet] or [Open].
//
// The file is written to a temporary name beside the target and renamed at
// Close, so an interrupted run leaves no truncated file under the target.
type Parquet struct {
	path, tmp string
	f         *os.File
	w         *parquet.Writer
	root      *pqNode
	out       pqOutcomeNodes
	fields    []*pqNode // record fields (or the one "value" column)
	wrap      bool
	row       *pqRow
	rows      []parquet.Row
	simulated bool
	log       *slog.Logger
	closed    bool
}

// pqOutcomeNodes are the columns every row has besides the record fields.
type pqOutcomeNodes struct {
	id, status, error, source, row, page, attempts *pqNode
	tokens, input, cached, output, reasoning       *pqNode
	model, started, finished, simulated            *pqNode
	rawValue, unfit, columns, evidence             *pqNode
}

func leaf(name string, k colKind, optional, enum bool) *pqNode {
	return &pqNode{name: name, key: name, leaf: k, optional: optional, enum: enum}
}

// NewParquet creates the Parquet file at path for records of the given
// strict JSON Schema.
//
// Columns, in order: id, status, error, source, row, page, attempts, tokens
// (a struct of input, cached, output and reasoning), model, started,
// finished, simulated (with Options.Simulated), then one column per
// top-level property of the record, then raw_value, unfit, input (the
// source row's original columns, a list of name/value pairs) and evidence.
// A property whose name is taken gets a suffix ("id_2").
//
// Types follow the schema: integer → INT64, number → DOUBLE, boolean →
// BOOLEAN, string → STRING (dictionary-encoded when it is an enum), format
// date → DATE, date-time → TIMESTAMP (microseconds, UTC), objects → STRUCT,
// arrays → LIST, and anything the schema leaves open (several types, no
// properties, nesting past 2×MaxDepth) → JSON text. Record fields are
// nullable (a failed document has no record); inside them, a field is
// nullable where the schema allows null.
//
// A value that does not fit its column is never written as something else:
// the nearest nullable field around it becomes null, its JSON pointer goes
// into the list column unfit, and raw_value keeps the whole record as JSON
// text. raw_value also holds an answer that is not valid JSON (one cut off).
func NewParquet(path string, schemaJSON []byte, opts Options) (*Parquet, error) {
	return newParquet(path, schemaJSON, opts, ParquetRowGroupRows)
}

func newParquet(path string, schemaJSON []byte, opts Options, rowGroupRows int64) (*Parquet, error) {
	sch, err := parseSchema(schemaJSON)
	if err != nil {
		return nil, err
	}
	evSchema, err := parseSchema([]byte(evidenceSchema))
	if err != nil {
		panic(err) // a constant
	}
	b := &pqBuilder{maxDepth: opts.maxDepth()}
	p := &Parquet{path: path, simulated: opts.Simulated, log: opts.logger()}

	o := &p.out
	o.id = leaf("id", colString, false, false)
	o.status = leaf("status", colString, false, true)
	o.error = leaf("error", colString, true, false)
	o.source = leaf("source", colString, true, false)
	o.row = leaf("row", colInteger, true, false)
	o.page = leaf("page", colInteger, true, false)
	o.attempts = leaf("attempts", colInteger, false, false)
	o.input = leaf("input", colInteger, false, false)
	o.cached = leaf("cached", colInteger, false, false)
	o.output = leaf("output", colInteger, false, false)
	o.reasoning = leaf("reasoning", colInteger, false, false)
	o.tokens = &pqNode{name: "tokens", kind: pqStruct, fields: []*pqNode{o.input, o.cached, o.output, o.reasoning}}
	o.model = leaf("model", colString, true, true)
	o.started = leaf("started", colDateTime, true, false)
	o.finished = leaf("finished", colDateTime, true, false)
	lead := []*pqNode{o.id, o.status, o.error, o.source, o.row, o.page, o.attempts, o.tokens, o.model, o.started, o.finished}
	if opts.Simulated {
		o.simulated = leaf("simulated", colBool, false, false)
		lead = append(lead, o.simulated)
	}

	o.rawValue = leaf("raw_value", colString, true, false)
	o.unfit = &pqNode{name: "unfit", key: "unfit", kind: pqList, optional: true, elem: leaf("element", colString, false, false)}
	pair := &pqNode{name: "element", kind: pqStruct, fields: []*pqNode{leaf("name", colString, false, false), leaf("value", colString, false, false)}}
	o.columns = &pqNode{name: "input", key: "input", kind: pqList, optional: true, elem: pair}
	if o.evidence, err = b.node("evidence", evSchema, 0, true); err != nil {
		return nil, err
	}
	trail := []*pqNode{o.rawValue, o.unfit, o.columns, o.evidence}

	r := deref(sch)
	if kindOf(r) == kObject && len(r.Props) > 0 {
		for _, pr := range r.Props {
			f, err := b.node(pr.Name, pr.Schema, 1, true)
			if err != nil {
				return nil, err
			}
			p.fields = append(p.fields, f)
		}
	} else {
		p.wrap = true
		f, err := b.node("value", sch, 1, true)
		if err != nil {
			return nil, err
		}
		p.fields = []*pqNode{f}
	}
	uniqueFieldNames(append(append(lead, trail...), p.fields...))

	p.root = &pqNode{kind: pqStruct, fields: append(append(lead, p.fields...), trail...)}
	columns := p.root.levels(0, 0, 0)
	p.row = newPQRow(columns)
	pqSchema := parquet.NewSchema("record", p.root.parquet())

	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sink: parquet: %w", err)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("sink: parquet: %w", err)
	}
	p.f, p.tmp = f, f.Name()
	// CreateTemp makes the file 0600; the finished output is as readable as
	// the other outputs (os.Create's 0666 less a usual umask).
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(p.tmp)
		return nil, fmt.Errorf("sink: parquet: %w", err)
	}
	p.w = parquet.NewWriter(f, pqSchema,
		parquet.Compression(&parquet.Snappy),
		parquet.MaxRowsPerRowGroup(rowGroupRows),
		parquet.CreatedBy("quarry", "", ""),
		parquet.KeyValueMetadata("quarry.schema", string(compactJSON(schemaJSON))),
	)
	return p, nil
}

// uniqueFieldNames renames fields whose names repeat (ignoring case, as
// DuckDB and SQL do), and does the same inside every struct.
func uniqueFieldNames(fields []*pqNode) {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	for i, n := range uniqueNames(names) {
		fields[i].name = n
	}
	for _, f := range fields {
		for f.kind == pqList {
			f = f.elem
		}
		if f.kind == pqStruct {
			uniqueFieldNames(f.fields)
		}
	}
}

func compactJSON(b []byte) []byte {
	v, err := parseJSON(b)
	if err != nil {
		return b
	}
	return ojson.Append(nil, &v)
}

// Write adds the row of one outcome.
func (p *Parquet) Write(o *pipeline.Outcome) error {
	if p.closed {
		return ErrClosed
	}
	r := p.row
	r.reset()
	out := &p.out
	r.str(out.id, o.ID)
	r.str(out.status, string(o.Status))
	r.str(out.error, o.Reason)
	r.str(out.source, o.Source)
	r.int(out.row, int64(o.Row))
	r.int(out.page, int64(o.Page))
	r.int(out.attempts, int64(o.Attempts))
	r.int(out.input, o.Usage.InputTokens)
	r.int(out.cached, o.Usage.CachedTokens)
	r.int(out.output, o.Usage.OutputTokens)
	r.int(out.reasoning, o.Usage.ReasoningTokens)
	r.str(out.model, o.Model)
	r.time(out.started, o.Started)
	r.time(out.finished, o.Finished)
	if out.simulated != nil {
		r.cols[out.simulated.col0] = append(r.cols[out.simulated.col0], parquet.BooleanValue(true).Level(0, 0, out.simulated.col0))
	}

	var raw string
	var v ojson.Value
	present := false
	if len(o.Value) > 0 {
		d, err := parseJSON(o.Value)
		if err != nil {
			raw = string(o.Value)
		} else {
			v, present = d, true
		}
	}
	if p.wrap {
		r.path = r.path[:0]
		r.value(p.fields[0], v, present, 0, 0)
	} else {
		for _, f := range p.fields {
			fv, ok := get(v, f.key)
			r.path = append(r.path[:0], f.key)
			r.value(f, fv, ok, 0, 0)
		}
	}
	r.path = r.path[:0]
	if len(r.unfit) > 0 {
		raw = string(ojson.Append(nil, &v))
		p.log.Warn("sink: parquet: values that do not fit their column are null; the record is kept in raw_value",
			"record", o.ID, "pointers", r.unfit)
	}
	r.str(out.rawValue, raw)
	if len(r.unfit) > 0 {
		list := ojson.Value{Kind: ojson.Array}
		for _, ptr := range r.unfit {
			list.Elems = append(list.Elems, ojson.Str(ptr))
		}
		r.value(out.unfit, list, true, 0, 0)
	} else {
		r.nulls(out.unfit, 0, 0)
	}
	if len(o.Columns) > 0 {
		list := ojson.Value{Kind: ojson.Array}
		for _, c := range o.Columns {
			list.Elems = append(list.Elems, ojson.Obj([]ojson.Member{
				{Key: "name", Value: ojson.Str(c.Name)}, {Key: "value", Value: ojson.Str(c.Value)}}...))
		}
		r.value(out.columns, list, true, 0, 0)
	} else {
		r.nulls(out.columns, 0, 0)
	}
	p.evidence(o)

	// The rows' backing arrays are reused from batch to batch: the writer
	// copies values into its column buffers.
	var buf parquet.Row
	if n := len(p.rows); n < cap(p.rows) {
		buf = p.rows[:n+1][n][:0]
	}
	p.rows = append(p.rows, r.append(buf))
	if len(p.rows) >= pqBatch {
		return p.flush()
	}
	return nil
}

// evidence writes the evidence column: null when the outcome has none, or
// when it does not fit (logged; the JSONL output keeps it).
func (p *Parquet) evidence(o *pipeline.Outcome) {
	r := p.row
	if len(o.Evidence) == 0 {
		r.nulls(p.out.evidence, 0, 0)
		return
	}
	v, err := parseJSON(o.Evidence)
	if err != nil {
		p.log.Warn("sink: parquet: evidence is not valid JSON; left null", "record", o.ID, "err", err)
		r.nulls(p.out.evidence, 0, 0)
		return
	}
	n := len(r.unfit)
	r.value(p.out.evidence, v, true, 0, 0)
	if len(r.unfit) > n {
		p.log.Warn("sink: parquet: evidence does not fit its column; left null", "record", o.ID, "pointers", r.unfit[n:])
		r.unfit = r.unfit[:n]
	}
}

func (p *Parquet) flush() error {
	if len(p.rows) == 0 {
		return nil
	}
	_, err := p.w.WriteRows(p.rows)
	for i := range p.rows {
		clear(p.rows[i]) // drop references to the values' bytes
	}
	p.rows = p.rows[:0]
	if err != nil {
		return fmt.Errorf("sink: parquet: %w", err)
	}
	return nil
}

// Close writes the last rows and the file footer, with the run (model,
// instructions, totals) as JSON in the key-value metadata "quarry.run",
// and renames the file into place. Closing twice returns nil.
func (p *Parquet) Close(info *pipeline.RunInfo) error {
	if p.closed {
		return nil
	}
	p.closed = true
	err := p.flush()
	if info != nil {
		run := *info
		run.Schema = nil // in "quarry.schema"
		if b, jerr := json.Marshal(run); jerr == nil {
			p.w.SetKeyValueMetadata("quarry.run", string(b))
		}
	}
	if cerr := p.w.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("sink: parquet: %w", cerr)
	}
	if cerr := p.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("sink: parquet: %w", cerr)
	}
	if err == nil {
		if rerr := os.Rename(p.tmp, p.path); rerr != nil {
			err = fmt.Errorf("sink: parquet: %w", rerr)
		}
	}
	if err != nil {
		os.Remove(p.tmp)
	}
	return err
}
