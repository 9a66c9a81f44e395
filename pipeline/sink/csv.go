package sink

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/seed0611af48/quarry/pipeline"
)

// CSV writes flattened records to a CSV (or TSV) file and each array of
// objects to a child file beside it. Create one with [NewCSV].
//
// The main file has the columns id, status, error, source, row, page
// (and simulated, when Options.Simulated), then one column per scalar field
// in schema order, nested objects as dot paths ("address.city"), then the
// source row's original columns as "input.<name>". Its rows are kept in a
// temporary file and written at Close, when all those names are known.
//
// A child file, named after the main one ("out.lines.csv",
// "out.lines.taxes.csv"), has the columns record_id (the document id),
// one "<array>.index" per enclosing array, index (0-based, as in JSON
// pointers), then the element's fields. Child rows are written as they come.
//
// With Options.Evidence, "out.evidence.csv" lists the evidence of every
// leaf value: record_id, field (its JSON pointer), value, quote, page,
// start, end, match, score, verdict, reason.
type CSV struct {
	tab      *tabular
	path     string
	comma    rune
	main     *os.File
	children []*csvFile // as tab.lay.tables
	evidence *csvFile   // nil without Options.Evidence
	closed   bool
}

type csvFile struct {
	f   *os.File
	buf *bufio.Writer
	w   *csv.Writer
	rec []string
}

// NewCSV creates the CSV sink writing path (tab-separated when path ends in
// .tsv) and its child files. schema is the strict JSON Schema of the records.
func NewCSV(path string, schema []byte, opts Options) (*CSV, error) {
	tab, err := newTabular(schema, opts, "csv")
	if err != nil {
		return nil, err
	}
	s := &CSV{tab: tab, path: path, comma: ','}
	if strings.EqualFold(filepath.Ext(path), ".tsv") {
		s.comma = '\t'
	}
	if s.main, err = os.Create(path); err != nil {
		return nil, fmt.Errorf("sink: %w", err)
	}
	if tab.spool, err = newSpool(filepath.Dir(path)); err != nil {
		s.abort()
		return nil, err
	}
	for i, t := range tab.lay.tables {
		f, err := os.Create(ChildPath(path, t.name))
		if err != nil {
			s.abort()
			return nil, fmt.Errorf("sink: %w", err)
		}
		cf := s.newFile(f)
		s.children = append(s.children, cf)
		if err := cf.w.Write(tab.headers[i]); err != nil {
			s.abort()
			return nil, fmt.Errorf("sink: %w", err)
		}
	}
	if opts.Evidence {
		name := SheetEvidence
		for _, t := range tab.lay.tables {
			if t.name == name {
				name = SheetEvidence + "_values" // an array of the records is called evidence
			}
		}
		f, err := os.Create(ChildPath(path, name))
		if err != nil {
			s.abort()
			return nil, fmt.Errorf("sink: %w", err)
		}
		s.evidence = s.newFile(f)
		if err := s.evidence.w.Write(evidenceHeader); err != nil {
			s.abort()
			return nil, fmt.Errorf("sink: %w", err)
		}
	}
	return s, nil
}

// ChildPath is the file name of the child table name ("lines.taxes") of
// main file path: "out.csv" → "out.lines.taxes.csv". Characters unsafe in
// file names become "_".
func ChildPath(path, name string) string {
	ext := filepath.Ext(path)
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, name)
	return strings.TrimSuffix(path, ext) + "." + name + ext
}

func (s *CSV) newFile(f *os.File) *csvFile {
	buf := bufio.NewWriterSize(f, 64<<10)
	w := csv.NewWriter(buf)
	w.Comma = s.comma
	return &csvFile{f: f, buf: buf, w: w}
}

// Write records one outcome.
func (s *CSV) Write(o *pipeline.Outcome) error {
	if s.closed {
		return ErrClosed
	}
	err := s.tab.write(o, func(t *table, row []cell) error {
		cf := s.children[s.tab.index[t]]
		if err := cf.w.Write(texts(&cf.rec, row)); err != nil {
			return fmt.Errorf("sink: %w", err)
		}
		return nil
	})
	if err == nil && s.evidence != nil {
		for _, row := range evidenceRows(&s.tab.guard, o) {
			if err := s.evidence.w.Write(texts(&s.evidence.rec, row)); err != nil {
				return fmt.Errorf("sink: %w", err)
			}
		}
	}
	return err
}

func texts(dst *[]string, row []cell) []string {
	r := (*dst)[:0]
	for _, c := range row {
		r = append(r, c.text)
	}
	*dst = r
	return r
}

// Close writes the main file and flushes the child files. info is not used.
// Closing twice returns nil.
func (s *CSV) Close(*pipeline.RunInfo) error {
	if s.closed {
		return nil
	}
	s.closed = true
	mf := s.newFile(s.main)
	err := mf.w.Write(s.tab.mainHeader())
	if err == nil {
		err = s.tab.spool.replay(func(row []cell) error {
			return mf.w.Write(texts(&mf.rec, row))
		})
	}
	files := append([]*csvFile(nil), s.children...)
	if s.evidence != nil {
		files = append(files, s.evidence)
	}
	for _, cf := range append(files, mf) {
		cf.w.Flush()
		if ferr := cf.w.Error(); ferr != nil && err == nil {
			err = ferr
		}
		if ferr := cf.buf.Flush(); ferr != nil && err == nil {
			err = ferr
		}
		if ferr := cf.f.Close(); ferr != nil && err == nil {
			err = ferr
		}
	}
	if cerr := s.tab.close(); cerr != nil && err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sink: %s: %w", s.path, err)
	}
	return nil
}

// abort closes what NewCSV opened after a setup failure.
func (s *CSV) abort() {
	_ = s.main.Close()
	for _, cf := range s.children {
		_ = cf.f.Close()
	}
	if s.evidence != nil {
		_ = s.evidence.f.Close()
	}
	_ = s.tab.spool.Close()
}
