package source

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/seed0611af48/quarry/pipeline"
)

// readCSV reads a .csv or .tsv file row by row: the first record is the
// header; each later record is a document "file#row=N", N counting data
// rows from 1.
func (it *iteration) readCSV(f file, yield func(pipeline.Document) bool) bool {
	rs, bad := it.open(f)
	if bad != nil {
		return yield(*bad)
	}
	defer rs.Close()
	in, p, err := decodingReader(rs, it.enc)
	switch {
	case err != nil:
		return yield(failed(f.id, f.path, 0, ErrUnreadable, err, "cannot read: %v", unwrapPath(err)))
	case p != nil:
		return yield(failed(f.id, f.path, 0, p.kind, nil, "%s", p.reason(kindName(f))))
	}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	if f.ext == ".tsv" || f.ext == ".tab" {
		cr.Comma = '\t'
		cr.LazyQuotes = true
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return yield(failed(f.id, f.path, 0, ErrEmpty, nil, "empty file"))
	}
	if err != nil {
		return yield(failed(f.id, f.path, 0, ErrMalformed, err, "cannot read the header: %v", csvReason(err)))
	}
	rt, reason := it.rowTexter(header)
	if reason != "" {
		return yield(failed(f.id, f.path, 0, ErrMalformed, nil, "%s", reason))
	}
	n := 0
	for {
		if it.ctx.Err() != nil {
			return false
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return yield(failed(f.id, f.path, 0, ErrEmpty, nil, "no data rows, only a header"))
			}
			return true
		}
		n++
		id := fmt.Sprintf("%s#row=%d", f.id, n)
		var d pipeline.Document
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			d = failed(id, f.path, n, ErrMalformed, err, "row %d (line %d): %s", n, pe.StartLine, csvReason(err))
		case err != nil:
			return yield(failed(id, f.path, n, ErrUnreadable, err, "cannot read row %d: %v", n, unwrapPath(err)))
		default:
			line, _ := cr.FieldPos(0)
			d = rt.row(id, f.path, n, line, rec)
		}
		if !yield(d) {
			return false
		}
	}
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("%v at column %d", pe.Err, pe.Column)
	}
	return err.Error()
}

// rowTexter turns CSV records into documents, per Options.TextColumn and
// Options.Template.
type rowTexter struct {
	it     *iteration
	header []string
	col    int // index of TextColumn, or -1
}

// rowTexter checks the header against the options; reason says what is wrong.
func (it *iteration) rowTexter(header []string) (*rowTexter, string) {
	rt := &rowTexter{it: it, header: make([]string, len(header)), col: -1}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if h == "" {
			h = fmt.Sprintf("column %d", i+1)
		}
		rt.header[i] = h
	}
	if c := it.opts.TextColumn; c != "" {
		rt.col = indexOf(rt.header, c)
		if rt.col < 0 {
			return nil, fmt.Sprintf("no column %q in the header; the columns are %s", c, quoteList(rt.header))
		}
	}
	if it.tmpl != nil {
		empty := map[string]string{}
		for _, h := range rt.header {
			empty[h] = ""
		}
		if err := it.tmpl.Execute(io.Discard, empty); err != nil {
			return nil, fmt.Sprintf("the template does not fit the header: %v; the columns are %s", err, quoteList(rt.header))
		}
	}
	return rt, ""
}

// indexOf finds a column by name, or by a case-insensitive name when only
// one column has it.
func indexOf(header []string, name string) int {
	fold := -1
	for i, h := range header {
		if h == name {
			return i
		}
		if strings.EqualFold(h, name) {
			if fold >= 0 {
				fold = -2
			} else if fold == -1 {
				fold = i
			}
		}
	}
	return max(fold, -1)
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func (rt *rowTexter) row(id, source string, n, line int, rec []string) pipeline.Document {
	cols := make([]pipeline.Column, 0, len(rec))
	for i, v := range rec {
		name := fmt.Sprintf("column %d", i+1)
		if i < len(rt.header) {
			name = rt.header[i]
		}
		cols = append(cols, pipeline.Column{Name: name, Value: v})
	}
	fail := func(kind error, cause error, format string, args ...any) pipeline.Document {
		d := failed(id, source, n, kind, cause, format, args...)
		d.Columns = cols
		return d
	}
	if len(rec) != len(rt.header) {
		return fail(ErrMalformed, nil, "row %d (line %d) has %d fields, the header has %d", n, line, len(rec), len(rt.header))
	}
	var text string
	switch {
	case rt.col >= 0:
		text = rec[rt.col]
		if strings.TrimSpace(text) == "" {
			return fail(ErrEmpty, nil, "row %d (line %d): empty text in column %q", n, line, rt.header[rt.col])
		}
	case rt.it.tmpl != nil:
		data := make(map[string]string, len(rec))
		for i, v := range rec {
			data[rt.header[i]] = v
		}
		var b strings.Builder
		if err := rt.it.tmpl.Execute(&b, data); err != nil {
			return fail(ErrMalformed, err, "row %d (line %d): template: %v", n, line, err)
		}
		text = b.String()
		if strings.TrimSpace(text) == "" {
			return fail(ErrEmpty, nil, "row %d (line %d): the template gives empty text", n, line)
		}
	default:
		var b strings.Builder
		for i, v := range rec {
			if strings.TrimSpace(v) == "" {
				continue
			}
			fmt.Fprintf(&b, "%s: %s\n", rt.header[i], v)
		}
		text = b.String()
		if text == "" {
			return fail(ErrEmpty, nil, "row %d (line %d): every field is empty", n, line)
		}
	}
	d := textDoc(id, source, n, normalizeNewlines(text))
	d.Columns = cols
	return d
}
