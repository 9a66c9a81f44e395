package sink

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/seed0611af48/quarry/pipeline"
	"github.com/xuri/excelize/v2"
)

// Sheet names of the XLSX workbook (child sheets are named after their
// arrays: "lines", "lines.taxes").
const (
	SheetRecords = "records"
	SheetErrors  = "errors"
	SheetRun     = "run"
)

// XLSX writes a workbook with excelize's stream writers, so memory stays
// flat whatever the number of rows. Create one with [NewXLSX].
//
// Sheets, in order:
//   - records: the columns of the [CSV] main file, typed: numbers are
//     numeric cells, booleans boolean cells, schema "date" and "date-time"
//     strings date cells (date-times in UTC), nulls empty cells.
//   - one sheet per array of objects, keyed by record_id and index, as the
//     CSV child files.
//   - evidence (with Options.Evidence): one row per leaf value: record_id,
//     field (its JSON pointer), value, quote, page, start, end, match,
//     score, verdict, reason.
//   - errors: id, source, row, page, status and reason of every document
//     that is not ok.
//   - run: model, schema, instructions, simulated, start and end, totals per
//     status and tokens by kind, from the RunInfo given to Close.
//
// Each data sheet has a bold, frozen header row, an Excel table with
// filters, and column widths chosen from the header and the schema type.
// Several stream writers are open at once (excelize keeps one buffer per
// sheet, spilled to a temporary file past 16 MB): child and error rows are
// written as they come, record rows are spooled and written at Close.
// The workbook itself is written at Close, zipped straight to the file.
type XLSX struct {
	tab      *tabular
	path     string
	out      *os.File
	f        *excelize.File
	children []*sheet // as tab.lay.tables
	evidence *sheet   // nil without Options.Evidence
	errs     *sheet
	names    map[string]bool // sheet and table names used, lower case
	bold     int
	date     int
	dateTime int
	closed   bool
}

type sheet struct {
	name  string
	sw    *excelize.StreamWriter
	cols  int
	rows  int // rows written, header included
	kinds []colKind
	vals  []any
}

// NewXLSX creates the XLSX sink writing path. schema is the strict JSON
// Schema of the records.
func NewXLSX(path string, schema []byte, opts Options) (*XLSX, error) {
	tab, err := newTabular(schema, opts, "xlsx")
	if err != nil {
		return nil, err
	}
	s := &XLSX{tab: tab, path: path, names: map[string]bool{}}
	if s.out, err = os.Create(path); err != nil {
		return nil, fmt.Errorf("sink: %w", err)
	}
	if err := s.setup(); err != nil {
		_ = s.abort()
		_ = os.Remove(path)
		return nil, fmt.Errorf("sink: xlsx: %w", err)
	}
	return s, nil
}

func (s *XLSX) setup() error {
	var err error
	if s.tab.spool, err = newSpool(filepath.Dir(s.path)); err != nil {
		return err
	}
	s.f = excelize.NewFile(excelize.Options{TmpDir: filepath.Dir(s.path)})
	if err := s.f.SetSheetName("Sheet1", SheetRecords); err != nil {
		return err
	}
	s.names[SheetRecords] = true
	s.names[SheetErrors] = true
	s.names[SheetRun] = true
	if s.tab.opts.Evidence {
		s.names[SheetEvidence] = true
	}
	if s.bold, err = s.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return err
	}
	dateFmt, dateTimeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"
	if s.date, err = s.f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt}); err != nil {
		return err
	}
	if s.dateTime, err = s.f.NewStyle(&excelize.Style{CustomNumFmt: &dateTimeFmt}); err != nil {
		return err
	}
	for i, t := range s.tab.lay.tables {
		name := s.uniqueSheet(t.name)
		if _, err := s.f.NewSheet(name); err != nil {
			return err
		}
		kinds := make([]colKind, 0, len(t.keys)+len(t.columns))
		kinds = append(kinds, colString)
		for range t.keys[1:] {
			kinds = append(kinds, colInteger)
		}
		for _, c := range t.columns {
			kinds = append(kinds, c.kind)
		}
		sh, err := s.openSheet(name, s.tab.headers[i], kinds)
		if err != nil {
			return err
		}
		s.children = append(s.children, sh)
	}
	if s.tab.opts.Evidence {
		if _, err := s.f.NewSheet(SheetEvidence); err != nil {
			return err
		}
		if s.evidence, err = s.openSheet(SheetEvidence, evidenceHeader, evidenceKinds); err != nil {
			return err
		}
	}
	for _, name := range []string{SheetErrors, SheetRun} {
		if _, err := s.f.NewSheet(name); err != nil {
			return err
		}
	}
	s.errs, err = s.openSheet(SheetErrors, []string{"id", "source", "row", "page", "status", "reason"},
		[]colKind{colString, colString, colInteger, colInteger, colString, colJSON})
	return err
}

// uniqueSheet makes a valid sheet name not used yet (ignoring case).
func (s *XLSX) uniqueSheet(name string) string {
	base := sanitiseSheetName(name)
	u := base
	for k := 2; s.names[strings.ToLower(u)]; k++ {
		suffix := "~" + strconv.Itoa(k)
		u = base[:prefixUnits(base, 31-len(suffix))] + suffix
	}
	s.names[strings.ToLower(u)] = true
	return u
}

// openSheet starts a stream writer: widths, frozen header, header row.
// widths, if given, replace the computed column widths.
func (s *XLSX) openSheet(name string, header []string, kinds []colKind, widths ...float64) (*sheet, error) {
	sw, err := s.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for i, h := range header {
		w := colWidth(h, kinds[i])
		if i < len(widths) {
			w = widths[i]
		}
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return nil, err
	}
	sh := &sheet{name: name, sw: sw, cols: len(header), kinds: kinds}
	vals := make([]any, len(header))
	for i, h := range header {
		vals[i] = excelize.Cell{StyleID: s.bold, Value: h}
	}
	if err := sw.SetRow("A1", vals, excelize.RowOpts{StyleID: s.bold}); err != nil {
		return nil, err
	}
	sh.rows = 1
	return sh, nil
}

// colWidth picks a width (in characters) from the header and the type.
func colWidth(header string, k colKind) float64 {
	w := map[colKind]int{
		colString: 24, colNumber: 14, colInteger: 12, colBool: 9,
		colDate: 12, colDateTime: 20, colList: 30, colJSON: 40,
	}[k]
	// +4: bold text and the filter button.
	return float64(min(max(w, len([]rune(header))+4), 60))
}

// put writes one row of cells.
func (s *XLSX) put(sh *sheet, row []cell) error {
	if sh.rows >= excelize.TotalRows {
		return fmt.Errorf("sheet %s is full (%d rows)", sh.name, excelize.TotalRows)
	}
	sh.vals = sh.vals[:0]
	for _, c := range row {
		sh.vals = append(sh.vals, s.value(c))
	}
	sh.rows++
	return sh.sw.SetRow("A"+strconv.Itoa(sh.rows), sh.vals)
}

// value converts a cell to what the stream writer types: text, float64,
// bool, or a styled time.
func (s *XLSX) value(c cell) any {
	switch c.kind {
	case cellEmpty:
		return nil
	case cellNumber:
		f, err := strconv.ParseFloat(c.text, 64)
		if err != nil || math.IsInf(f, 0) {
			return c.text
		}
		// An integer past 2^53 would lose digits as a double: keep its text.
		if math.Abs(f) > 1<<53 && !strings.ContainsAny(c.text, ".eE") {
			return c.text
		}
		return f
	case cellBool:
		return c.text == "true"
	case cellDate:
		if t, err := time.Parse(time.DateOnly, c.text); err == nil && t.Year() >= 1900 {
			return excelize.Cell{StyleID: s.date, Value: t}
		}
	case cellDateTime:
		if t, err := time.Parse(time.RFC3339Nano, c.text); err == nil && t.UTC().Year() >= 1900 {
			return excelize.Cell{StyleID: s.dateTime, Value: t.UTC()}
		}
	}
	return c.text
}

// Write records one outcome: its child rows and, if it is not ok, its
// errors row go to their sheets now; its records row is spooled.
func (s *XLSX) Write(o *pipeline.Outcome) error {
	if s.closed {
		return ErrClosed
	}
	err := s.tab.write(o, func(t *table, row []cell) error {
		return s.put(s.children[s.tab.index[t]], row)
	})
	if err == nil && s.evidence != nil {
		for _, row := range evidenceRows(&s.tab.guard, o) {
			if err = s.put(s.evidence, row); err != nil {
				break
			}
		}
	}
	if err == nil && o.Status != pipeline.StatusOK {
		g := &s.tab.guard
		err = s.put(s.errs, []cell{
			stringCell(g.text(stringCell(o.ID), o.ID, "id")),
			stringCell(g.text(stringCell(o.Source), o.ID, "source")),
			optInt(o.Row), optInt(o.Page),
			stringCell(string(o.Status)),
			stringCell(g.text(stringCell(o.Reason), o.ID, "reason")),
		})
	}
	if err != nil {
		return fmt.Errorf("sink: xlsx: %w", err)
	}
	return nil
}

// Close writes the records and run sheets and saves the workbook. info may
// be nil. Closing twice returns nil.
func (s *XLSX) Close(info *pipeline.RunInfo) error {
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.finish(info)
	if err != nil {
		_ = s.abort()
		_ = os.Remove(s.path) // a half-written workbook does not open
	} else {
		err = s.abort()
	}
	if err != nil {
		return fmt.Errorf("sink: xlsx: %s: %w", s.path, err)
	}
	return nil
}

func (s *XLSX) finish(info *pipeline.RunInfo) error {
	done := append([]*sheet(nil), s.children...)
	if s.evidence != nil {
		done = append(done, s.evidence)
	}
	for _, sh := range append(done, s.errs) {
		if err := s.endSheet(sh); err != nil {
			return err
		}
	}
	header := s.tab.mainHeader()
	kinds := make([]colKind, len(header))
	for i := range kinds {
		switch {
		case i == 4 || i == 5: // row, page
			kinds[i] = colInteger
		case i == 6 && s.tab.opts.Simulated:
			kinds[i] = colBool
		case i >= len(s.tab.meta) && i-len(s.tab.meta) < len(s.tab.lay.main.columns):
			kinds[i] = s.tab.lay.main.columns[i-len(s.tab.meta)].kind
		}
	}
	kinds[2] = colJSON // error: wide
	main, err := s.openSheet(SheetRecords, header, kinds)
	if err != nil {
		return err
	}
	if err := s.tab.spool.replay(func(row []cell) error { return s.put(main, row) }); err != nil {
		return err
	}
	if err := s.endSheet(main); err != nil {
		return err
	}
	if err := s.writeRun(info); err != nil {
		return err
	}
	s.f.SetActiveSheet(0)
	return s.save()
}

// endSheet adds the sheet's Excel table (filters on every column) and
// flushes its stream writer.
func (s *XLSX) endSheet(sh *sheet) error {
	last, err := excelize.CoordinatesToCellName(sh.cols, max(sh.rows, 2))
	if err != nil {
		return err
	}
	if err := sh.sw.AddTable(&excelize.Table{
		Range: "A1:" + last, Name: s.tableName(sh.name), StyleName: "TableStyleLight9",
	}); err != nil {
		return err
	}
	return sh.sw.Flush()
}

// tableName makes a valid, unused Excel table name from a sheet name.
func (s *XLSX) tableName(sheet string) string {
	var b strings.Builder
	b.WriteString("tbl_")
	for _, r := range sheet {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	base := b.String()
	u := base
	for k := 2; s.names["table:"+strings.ToLower(u)]; k++ {
		u = base + "_" + strconv.Itoa(k)
	}
	s.names["table:"+strings.ToLower(u)] = true
	return u
}

// writeRun fills the run sheet: one field per row.
func (s *XLSX) writeRun(info *pipeline.RunInfo) error {
	if info == nil {
		info = &pipeline.RunInfo{}
	}
	sh, err := s.openSheet(SheetRun, []string{"field", "value"}, []colKind{colString, colJSON}, 20, 100)
	if err != nil {
		return err
	}
	g := &s.tab.guard
	text := func(v, name string) cell { return stringCell(g.text(stringCell(v), "run", name)) }
	when := func(t time.Time) cell {
		if t.IsZero() {
			return cell{}
		}
		return cell{cellDateTime, t.UTC().Format(time.RFC3339Nano)}
	}
	simulated := info.Simulated || s.tab.opts.Simulated
	rows := [][2]cell{}
	if simulated {
		rows = append(rows, [2]cell{stringCell("note"), stringCell("SIMULATED RUN: no model was called; the records are not real extractions")})
	}
	rows = append(rows,
		[2]cell{stringCell("model"), text(info.Model, "model")},
		[2]cell{stringCell("simulated"), {cellBool, strconv.FormatBool(simulated)}},
		[2]cell{stringCell("start"), when(info.Start)},
		[2]cell{stringCell("end"), when(info.End)},
		[2]cell{stringCell("wall_seconds"), {cellNumber, strconv.FormatFloat(info.Totals.Wall.Seconds(), 'f', -1, 64)}},
		[2]cell{stringCell("documents"), intCell(info.Totals.Documents)},
	)
	for _, st := range pipeline.Statuses() {
		rows = append(rows, [2]cell{stringCell("status." + string(st)), intCell(info.Totals.ByStatus[st])})
	}
	u := info.Totals.Usage
	for _, kv := range []struct {
		name string
		n    int64
	}{
		{"tokens.input", u.InputTokens}, {"tokens.cached", u.CachedTokens},
		{"tokens.output", u.OutputTokens}, {"tokens.reasoning", u.ReasoningTokens},
		{"tokens.total", u.Total()},
		{"requests", int64(info.Totals.Requests)}, {"rate_limited", int64(info.Totals.RateLimited)},
	} {
		rows = append(rows, [2]cell{stringCell(kv.name), {cellNumber, strconv.FormatInt(kv.n, 10)}})
	}
	rows = append(rows,
		[2]cell{stringCell("instructions"), text(info.Instructions, "instructions")},
		[2]cell{stringCell("schema"), text(string(info.Schema), "schema")},
	)
	for _, r := range rows {
		if err := s.put(sh, r[:]); err != nil {
			return err
		}
	}
	return sh.sw.Flush()
}

// save zips the workbook straight into the output file. excelize's
// SaveAs and WriteTo build the whole archive in a bytes.Buffer first; a zip
// writer that ignores that buffer and writes to the file keeps memory flat.
func (s *XLSX) save() error {
	bw := bufio.NewWriterSize(s.out, 256<<10)
	s.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(bw) })
	if err := s.f.Write(io.Discard); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return nil
}

// abort releases the file, excelize's temporary files and the spool.
func (s *XLSX) abort() error {
	var errs []error
	if s.f != nil {
		errs = append(errs, s.f.Close())
	}
	errs = append(errs, s.tab.spool.Close(), s.out.Close())
	return errors.Join(errs...)
}
