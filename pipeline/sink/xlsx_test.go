package sink

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

func writeXLSX(t *testing.T, opts Options) *excelize.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.xlsx")
	s, err := Open(path, invoiceSchema(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, s, outcomes(), runInfo())
	if err := s.Close(nil); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func rows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	r, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestXLSXSheets(t *testing.T) {
	f := writeXLSX(t, Options{Simulated: true})

	if diff := cmp.Diff([]string{"records", "lines", "lines.taxes", "errors", "run"}, f.GetSheetList()); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	for _, sheet := range []string{"records", "lines", "lines.taxes", "errors"} {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: panes = %+v, want the header row frozen", sheet, panes)
		}
		tables, err := f.GetTables(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(tables) != 1 || tables[0].Range[:2] != "A1" {
			t.Errorf("%s: tables = %+v, want one from A1", sheet, tables)
		}
		styleID, err := f.GetCellStyle(sheet, "A1")
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(styleID)
		if err != nil {
			t.Fatal(err)
		}
		if style.Font == nil || !style.Font.Bold {
			t.Errorf("%s: header A1 not bold", sheet)
		}
		if w, _ := f.GetColWidth(sheet, "A"); w < 9 {
			t.Errorf("%s: column A width %v", sheet, w)
		}
	}

	rec := rows(t, f, "records")
	wantHeader := []string{"id", "status", "error", "source", "row", "page", "simulated", "vendor", "address.street",
		"address.city", "issued", "created_at", "total", "paid", "tags", "customer.name", "customer.vat_id",
		"input.customer_ref", "input.note", "input.extra"}
	if diff := cmp.Diff(wantHeader, rec[0]); diff != "" {
		t.Errorf("records header (-want +got):\n%s", diff)
	}
	if len(rec) != 5 {
		t.Fatalf("records has %d rows, want header + 4", len(rec))
	}

	// Typed cells in the first record (row 2).
	col := func(name string) string {
		for i, h := range wantHeader {
			if h == name {
				c, _ := excelize.CoordinatesToCellName(i+1, 2)
				return c
			}
		}
		t.Fatalf("no column %s", name)
		return ""
	}
	for _, tc := range []struct {
		column string
		typ    excelize.CellType
		raw    string
		shown  string
	}{
		{"total", excelize.CellTypeUnset, "-12.5", "-12.5"}, // numeric: no t attribute
		{"row", excelize.CellTypeUnset, "1", "1"},
		{"paid", excelize.CellTypeBool, "1", "TRUE"},
		{"simulated", excelize.CellTypeBool, "1", "TRUE"},
		{"issued", excelize.CellTypeUnset, "46080", "2026-02-27"},
		{"created_at", excelize.CellTypeUnset, "46080.385416666664", "2026-02-27 09:15:00"},
		{"vendor", excelize.CellTypeInlineString, "Acme GmbH", "Acme GmbH"},
		{"input.note", excelize.CellTypeInlineString, "'@SUM(A1)", "'@SUM(A1)"},
		{"page", excelize.CellTypeUnset, "", ""}, // null: empty cell
	} {
		ref := col(tc.column)
		typ, err := f.GetCellType("records", ref)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := f.GetCellValue("records", ref, excelize.Options{RawCellValue: true})
		shown, _ := f.GetCellValue("records", ref)
		if typ != tc.typ || raw != tc.raw || shown != tc.shown {
			t.Errorf("%s (%s): type %v raw %q shown %q, want %v %q %q", tc.column, ref, typ, raw, shown, tc.typ, tc.raw, tc.shown)
		}
	}

	wantLines := [][]string{
		{"record_id", "index", "description", "qty", "unit_price"},
		{"invoices.csv#row=1", "0", "Widget", "2", "5"},
		{"invoices.csv#row=1", "1", `'=HYPERLINK("http://x","click")`, "1", "-22.5"},
	}
	if diff := cmp.Diff(wantLines, rows(t, f, "lines")); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if typ, _ := f.GetCellType("lines", "E3"); typ != excelize.CellTypeUnset {
		t.Errorf("negative unit_price cell type %v, want numeric", typ)
	}
	wantTaxes := [][]string{
		{"record_id", "lines.index", "index", "name", "rate"},
		{"invoices.csv#row=1", "0", "0", "VAT", "0.19"},
		{"invoices.csv#row=1", "0", "1", "eco", "0.01"},
	}
	if diff := cmp.Diff(wantTaxes, rows(t, f, "lines.taxes")); diff != "" {
		t.Errorf("lines.taxes (-want +got):\n%s", diff)
	}
	wantErrors := [][]string{
		{"id", "source", "row", "page", "status", "reason"},
		{"broken.pdf", "broken.pdf", "", "", "error", "pdf: no pages"},
		{"invoices.csv#row=2", "invoices.csv", "2", "", "incomplete", "answer cut off at max_output_tokens"},
	}
	if diff := cmp.Diff(wantErrors, rows(t, f, "errors")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}

	run := map[string]string{}
	for _, r := range rows(t, f, "run")[1:] {
		if len(r) == 2 {
			run[r[0]] = r[1]
		}
	}
	for k, want := range map[string]string{
		"model": "gpt-test", "simulated": "1", "documents": "4", "status.ok": "2", "status.error": "1",
		"status.incomplete": "1", "status.refused": "0", "tokens.input": "2100", "tokens.cached": "1000",
		"tokens.output": "140", "tokens.total": "2240", "requests": "5", "wall_seconds": "60",
		"instructions": "Extract the invoice.", "schema": `{"type":"object"}`,
		"start": strconv.FormatFloat(46082.395833333336, 'f', -1, 64),
	} {
		if run[k] != want {
			t.Errorf("run %s = %q, want %q", k, run[k], want)
		}
	}
	if run["note"] == "" {
		t.Error("run sheet has no simulated note")
	}
	if shown, _ := f.GetCellValue("run", "B5"); shown != "2026-03-01 09:30:00" {
		t.Errorf("run start shown as %q", shown)
	}
}
