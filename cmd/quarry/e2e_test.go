package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// line is one line of the JSONL output.
type line struct {
	ID       string            `json:"id"`
	Status   string            `json:"status"`
	Value    json.RawMessage   `json:"value"`
	Error    string            `json:"error"`
	Attempts int               `json:"attempts"`
	Source   string            `json:"source"`
	Row      int               `json:"row"`
	Page     int               `json:"page"`
	Columns  map[string]string `json:"columns"`
	Meta     map[string]string `json:"meta"`
	Model    string            `json:"model"`

	Simulated bool `json:"simulated"`
}

// readJSONL reads a JSONL output, keyed by document id; each id must appear
// once.
func readJSONL(t *testing.T, dir, name string) (map[string]line, []line) {
	t.Helper()
	byID := map[string]line{}
	var all []line
	for i, l := range bytes.Split(bytes.TrimSpace(readFile(t, dir, name)), []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		var x line
		if err := json.Unmarshal(l, &x); err != nil {
			t.Fatalf("%s line %d: %v\n%s", name, i+1, err, l)
		}
		if _, dup := byID[x.ID]; dup {
			t.Errorf("%s: %s appears twice", name, x.ID)
		}
		byID[x.ID] = x
		all = append(all, x)
	}
	return byID, all
}

// jsonValue decodes JSON for comparison.
func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return v
}

// wantStatuses checks every document's status.
func wantStatuses(t *testing.T, name string, got map[string]line, want map[string]string) {
	t.Helper()
	have := map[string]string{}
	for id, l := range got {
		have[id] = l.Status
	}
	if d := cmp.Diff(want, have); d != "" {
		t.Errorf("%s statuses (-want +got):\n%s", name, d)
	}
}

// wantExpectedValues checks that each ok or skipped document's value is its
// expected answer: for testdata/samples/a/b.pdf, testdata/expected/a/b.json;
// for row N of testdata/samples/t/t.csv, testdata/expected/t/t/row-N.json.
func wantExpectedValues(t *testing.T, dir string, got map[string]line) {
	t.Helper()
	for id, l := range got {
		if l.Status != "ok" && l.Status != "skipped" {
			continue
		}
		src := filepath.ToSlash(l.Source)
		p := strings.Replace(strings.TrimSuffix(src, filepath.Ext(src)), "samples/", "expected/", 1)
		if l.Row > 0 {
			p += "/row-" + strconv.Itoa(l.Row)
		}
		p += ".json"
		want := jsonValue(t, readFile(t, dir, p))
		if d := cmp.Diff(want, jsonValue(t, l.Value)); d != "" {
			t.Errorf("%s: value is not the expected answer %s (-want +got):\n%s", id, p, d)
		}
	}
}

func readCSV(t *testing.T, dir, name string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(readFile(t, dir, name))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rows
}

// byColumn turns CSV rows into maps from header name to cell.
func byColumn(rows [][]string) []map[string]string {
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func openXLSX(t *testing.T, dir, name string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func sheetRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	return rows
}

func cellName(t *testing.T, col, row int) string {
	t.Helper()
	c, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// runSheet is the run sheet as field → value.
func runSheet(t *testing.T, f *excelize.File) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, r := range sheetRows(t, f, "run")[1:] {
		if len(r) >= 2 {
			m[r[0]] = r[1]
		}
	}
	return m
}

const invoiceArgs = "run --mock --schema testdata/invoice.schema.json"

var invoiceColumns = []string{"vendor", "invoice_number", "issue_date", "due_date", "currency", "total"}

var allInvoicesOK = map[string]string{
	"invoices/acme-office-supplies.pdf":      "ok",
	"invoices/bergmann-maschinenbau.pdf":     "ok",
	"invoices/kestrel-design-studio.pdf":     "ok",
	"invoices/lakshmi-traders-scanned.pdf":   "ok",
	"invoices/wisla-software-encrypted.pdf":  "ok",
	"notes/brightpath-invoice.txt":           "ok",
	"notes/kowalski-translation-invoice.txt": "ok",
	"receipts/receipt-blue-fern-cafe.png":    "ok",
	"receipts/receipt-kwik-hardware.png":     "ok",
}

// wantResumed checks that every document of a resumed run is reported as
// done earlier: "skipped" with the earlier status in the error ("done in an
// earlier run: ok"), or carried over with its earlier status.
func wantResumed(t *testing.T, name string, got map[string]line, earlier map[string]string) {
	t.Helper()
	have := map[string]string{}
	for id, l := range got {
		st := l.Status
		if rest, ok := strings.CutPrefix(l.Error, "done in an earlier run: "); ok && st == "skipped" {
			st, _, _ = strings.Cut(rest, ":")
		}
		have[id] = st
	}
	if d := cmp.Diff(earlier, have); d != "" {
		t.Errorf("%s: earlier statuses (-want +got):\n%s", name, d)
	}
}

func with(m map[string]string, status string) map[string]string {
	out := map[string]string{}
	for k := range m {
		out[k] = status
	}
	return out
}

// TestRunSamples runs the sample invoices, notes and receipts into the three
// outputs, then again (everything is skipped, nothing is sent), then exports
// the run.
func TestRunSamples(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	args := append(strings.Fields(invoiceArgs), "--in", "testdata/samples", "--exclude", "tickets/**",
		"--pdf-password", "user", "--out", "out/i.xlsx", "--out", "out/i.jsonl", "--out", "out/i.csv")
	r := c.run(t, exitOK, args...)
	if !strings.Contains(r.stderr, "OPENAI_API_KEY is not set: running against the built-in simulated model") {
		t.Errorf("stderr does not say the run is simulated:\n%s", r.stderr)
	}
	if n := requestsOf(t, r.stderr); n != 9 {
		t.Errorf("requests %d, want 9", n)
	}
	if r.stdout != "" {
		t.Errorf("stdout is not empty with --out:\n%s", r.stdout)
	}

	t.Run("jsonl", func(t *testing.T) {
		got, all := readJSONL(t, dir, "out/i.jsonl")
		if len(all) != 9 {
			t.Errorf("%d lines, want 9 (one per document)", len(all))
		}
		wantStatuses(t, "i.jsonl", got, allInvoicesOK)
		wantExpectedValues(t, dir, got)
		for id, l := range got {
			if !l.Simulated {
				t.Errorf("%s: not marked simulated", id)
			}
			if l.Attempts != 1 || l.Model != "gpt-4.1" {
				t.Errorf("%s: attempts %d model %q, want 1 and gpt-4.1", id, l.Attempts, l.Model)
			}
			if want := "testdata/samples/" + id; filepath.ToSlash(l.Source) != want {
				t.Errorf("%s: source %q, want %q", id, l.Source, want)
			}
		}
		if m := got["invoices/lakshmi-traders-scanned.pdf"].Meta["pdf"]; !strings.Contains(m, "no text layer") {
			t.Errorf("scanned PDF: meta pdf %q, want a note about no text layer", m)
		}
		if m := got["invoices/acme-office-supplies.pdf"].Meta["pdf"]; m != "" {
			t.Errorf("text PDF: meta pdf %q, want none", m)
		}
	})

	t.Run("csv", func(t *testing.T) {
		rows := readCSV(t, dir, "out/i.csv")
		want := append([]string{"id", "status", "error", "source", "row", "page", "simulated"}, invoiceColumns...)
		if d := cmp.Diff(want, rows[0]); d != "" {
			t.Errorf("i.csv header (-want +got):\n%s", d)
		}
		if len(rows) != 10 {
			t.Fatalf("i.csv has %d rows, want header + 9", len(rows))
		}
		for _, m := range byColumn(rows) {
			if m["status"] != "ok" || m["error"] != "" || m["simulated"] != "true" {
				t.Errorf("i.csv row %s: status %q error %q simulated %q", m["id"], m["status"], m["error"], m["simulated"])
			}
		}
		byID := map[string]map[string]string{}
		for _, m := range byColumn(rows) {
			byID[m["id"]] = m
		}
		acme := byID["invoices/acme-office-supplies.pdf"]
		if acme["vendor"] != "Acme Office Supplies Inc." || acme["total"] != "129.15" || acme["issue_date"] != "2024-03-05" {
			t.Errorf("acme row: %v", acme)
		}
		if k := byID["invoices/kestrel-design-studio.pdf"]; k["due_date"] != "" {
			t.Errorf("kestrel due_date %q, want empty for null", k["due_date"])
		}

		lines := readCSV(t, dir, "out/i.lines.csv")
		if d := cmp.Diff([]string{"record_id", "index", "description", "quantity", "unit_price"}, lines[0]); d != "" {
			t.Errorf("i.lines.csv header (-want +got):\n%s", d)
		}
		var acmeLines [][]string
		for _, l := range lines[1:] {
			if l[0] == "invoices/acme-office-supplies.pdf" {
				acmeLines = append(acmeLines, l)
			}
		}
		wantLines := [][]string{
			{"invoices/acme-office-supplies.pdf", "0", "A4 copy paper, 500 sheets", "10", "5.49"},
			{"invoices/acme-office-supplies.pdf", "1", "Ballpoint pens, box of 50", "3", "12.75"},
			{"invoices/acme-office-supplies.pdf", "2", "Desk organizer", "2", "18"},
		}
		if d := cmp.Diff(wantLines, acmeLines); d != "" {
			t.Errorf("acme lines (-want +got):\n%s", d)
		}
		// 3+3+4+2+2+3+2+2+2 lines in the expected answers.
		if n := len(lines) - 1; n != 23 {
			t.Errorf("i.lines.csv has %d rows, want 23", n)
		}
	})

	t.Run("xlsx", func(t *testing.T) {
		f := openXLSX(t, dir, "out/i.xlsx")
		if d := cmp.Diff([]string{"records", "lines", "errors", "run"}, f.GetSheetList()); d != "" {
			t.Errorf("sheets (-want +got):\n%s", d)
		}
		rows := sheetRows(t, f, "records")
		want := append([]string{"id", "status", "error", "source", "row", "page", "simulated"}, invoiceColumns...)
		if d := cmp.Diff(want, rows[0]); d != "" {
			t.Errorf("records header (-want +got):\n%s", d)
		}
		if len(rows) != 10 {
			t.Fatalf("records has %d rows, want header + 9", len(rows))
		}
		totalCol := len(want)
		for i, r := range rows[1:] {
			cell := cellName(t, totalCol, i+2)
			ct, err := f.GetCellType("records", cell)
			if err != nil {
				t.Fatal(err)
			}
			if ct != excelize.CellTypeNumber && ct != excelize.CellTypeUnset {
				t.Errorf("records %s (total of %s): cell type %v, want a number", cell, r[0], ct)
			}
			if _, err := strconv.ParseFloat(r[totalCol-1], 64); err != nil {
				t.Errorf("records %s (total of %s) = %q, not a number", cell, r[0], r[totalCol-1])
			}
			if r[1] != "ok" {
				t.Errorf("records row %s: status %q", r[0], r[1])
			}
		}

		lines := sheetRows(t, f, "lines")
		if d := cmp.Diff([]string{"record_id", "index", "description", "quantity", "unit_price"}, lines[0]); d != "" {
			t.Errorf("lines header (-want +got):\n%s", d)
		}
		if n := len(lines) - 1; n != 23 {
			t.Errorf("lines sheet has %d rows, want 23", n)
		}
		ids := map[string]bool{}
		for _, r := range rows[1:] {
			ids[r[0]] = true
		}
		for _, l := range lines[1:] {
			if !ids[l[0]] {
				t.Errorf("lines row keyed by %q, not a record id", l[0])
			}
		}
		if errs := sheetRows(t, f, "errors"); len(errs) != 1 {
			t.Errorf("errors sheet has %d rows, want only the header: %q", len(errs), errs)
		}
		run := runSheet(t, f)
		if run["model"] != "gpt-4.1" || !strings.EqualFold(run["simulated"], "true") {
			t.Errorf("run sheet: model %q simulated %q", run["model"], run["simulated"])
		}
		if run["status.ok"] != "9" || run["documents"] != "9" {
			t.Errorf("run sheet: documents %q status.ok %q, want 9", run["documents"], run["status.ok"])
		}
	})
	if t.Failed() {
		return
	}

	// Again: every document is done, nothing is sent, the outputs still hold
	// the values.
	r = c.run(t, exitOK, args...)
	if n := requestsOf(t, r.stderr); n != 0 {
		t.Errorf("resumed run made %d requests, want 0", n)
	}
	if !strings.Contains(r.stderr, "skipped 9") {
		t.Errorf("resumed run summary does not say skipped 9:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "9 of them done in an earlier run") || strings.Contains(r.stderr, "documents/min") {
		t.Errorf("resumed run summary does not say the 9 were done before (or gives a rate of nothing sent):\n%s", r.stderr)
	}
	got, _ := readJSONL(t, dir, "out/i.jsonl")
	wantResumed(t, "resumed i.jsonl", got, allInvoicesOK)
	wantExpectedValues(t, dir, got)

	// export reproduces the values from the ledger.
	runDir := runDirOf(t, r.stderr)
	if runDir != runDirOf(t, c.run(t, exitOK, args...).stderr) {
		t.Errorf("the run dir changed between identical runs")
	}
	r = c.run(t, exitOK, "export", "--run-dir", runDir, "--out", "exp/x.jsonl", "--out", "exp/x.csv")
	if !strings.Contains(r.stderr, "exported 9 documents") {
		t.Errorf("export stderr:\n%s", r.stderr)
	}
	exp, _ := readJSONL(t, dir, "exp/x.jsonl")
	wantStatuses(t, "exported x.jsonl", exp, allInvoicesOK)
	wantExpectedValues(t, dir, exp)
	// The ledger, so the export, is in completion order; compare the rows.
	sorted := func(rows [][]string) [][]string {
		slices.SortFunc(rows, func(a, b []string) int { return slices.Compare(a, b) })
		return rows
	}
	if d := cmp.Diff(sorted(readCSV(t, dir, "out/i.lines.csv")), sorted(readCSV(t, dir, "exp/x.lines.csv"))); d != "" {
		t.Errorf("exported lines differ from the run's (-run +export):\n%s", d)
	}
}

// TestResumeSchemaChange: a changed schema extracts again what an earlier
// run with the same run dir did.
func TestResumeSchemaChange(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	args := func(spec string) []string {
		return []string{"run", "--mock", "--schema", spec, "--in", "testdata/samples/notes", "--run-dir", "rd", "--out", "o.jsonl"}
	}
	notes := map[string]string{"brightpath-invoice.txt": "ok", "kowalski-translation-invoice.txt": "ok"}

	r := c.run(t, exitOK, args("vendor, total number")...)
	if n := requestsOf(t, r.stderr); n != 2 {
		t.Errorf("first run: %d requests, want 2", n)
	}
	got, _ := readJSONL(t, dir, "o.jsonl")
	wantStatuses(t, "first run", got, notes)
	if d := cmp.Diff(map[string]any{"vendor": "Brightpath Web Studio", "total": 858.0},
		jsonValue(t, got["brightpath-invoice.txt"].Value)); d != "" {
		t.Errorf("projected value (-want +got):\n%s", d)
	}

	r = c.run(t, exitOK, args("vendor, total number")...)
	if n := requestsOf(t, r.stderr); n != 0 {
		t.Errorf("same schema: %d requests, want 0", n)
	}
	got, _ = readJSONL(t, dir, "o.jsonl")
	wantResumed(t, "same schema", got, notes)

	r = c.run(t, exitOK, args("vendor, total number, currency (EUR|PLN)")...)
	if n := requestsOf(t, r.stderr); n != 2 {
		t.Errorf("changed schema: %d requests, want 2", n)
	}
	got, _ = readJSONL(t, dir, "o.jsonl")
	wantStatuses(t, "changed schema", got, notes)
	if d := cmp.Diff(map[string]any{"vendor": "Kowalski Tłumaczenia Sp. z o.o.", "total": 1300.0, "currency": "PLN"},
		jsonValue(t, got["kowalski-translation-invoice.txt"].Value)); d != "" {
		t.Errorf("re-extracted value (-want +got):\n%s", d)
	}
}

// TestResumeOutputs: the outputs of a resumed run do not list the documents
// done in an earlier run as failures.
func TestResumeOutputs(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	args := []string{"run", "--mock", "--schema", "testdata/invoice.schema.json", "--in", "testdata/samples/notes", "--out", "n.xlsx", "--out", "n.jsonl"}
	c.run(t, exitOK, args...)
	r := c.run(t, exitOK, args...)
	if n := requestsOf(t, r.stderr); n != 0 {
		t.Errorf("resumed run: %d requests, want 0", n)
	}
	if strings.Contains(r.stderr, "failed documents:") {
		t.Errorf("the summary lists failures:\n%s", r.stderr)
	}
	got, _ := readJSONL(t, dir, "n.jsonl")
	wantExpectedValues(t, dir, got)
	f := openXLSX(t, dir, "n.xlsx")
	if errs := sheetRows(t, f, "errors"); len(errs) != 1 {
		t.Errorf("the errors sheet of a resumed run that is all ok lists %d documents, want none:\n%q", len(errs)-1, errs[1:])
	}
	if n := len(sheetRows(t, f, "lines")) - 1; n != 5 {
		t.Errorf("lines sheet has %d rows, want 5", n)
	}
}

// TestEncryptedPDF: without --pdf-password the encrypted invoice fails
// (exit 3) and is listed as an error everywhere; a resumed run keeps it
// failed without sending anything; --retry-failed with the password
// extracts it.
func TestEncryptedPDF(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	args := append(strings.Fields(invoiceArgs), "--in", "testdata/samples/invoices",
		"--out", "e.jsonl", "--out", "e.csv", "--out", "e.xlsx")
	const wisla = "wisla-software-encrypted.pdf"
	want := map[string]string{
		"acme-office-supplies.pdf": "ok", "bergmann-maschinenbau.pdf": "ok",
		"kestrel-design-studio.pdf": "ok", "lakshmi-traders-scanned.pdf": "ok", wisla: "error",
	}

	r := c.run(t, exitFailures, args...)
	if !strings.Contains(r.stderr, "failed documents:") || !strings.Contains(r.stderr, wisla) {
		t.Errorf("summary does not list the failed document:\n%s", r.stderr)
	}
	got, _ := readJSONL(t, dir, "e.jsonl")
	wantStatuses(t, "e.jsonl", got, want)
	if e := got[wisla].Error; !strings.Contains(e, "--pdf-password") {
		t.Errorf("JSONL error %q does not mention --pdf-password", e)
	}
	if v := string(got[wisla].Value); v != "null" && v != "" {
		t.Errorf("failed document has a value: %s", v)
	}

	for _, m := range byColumn(readCSV(t, dir, "e.csv")) {
		if m["id"] != wisla {
			continue
		}
		if m["status"] != "error" || !strings.Contains(m["error"], "--pdf-password") || m["vendor"] != "" {
			t.Errorf("CSV row of %s: status %q error %q vendor %q", wisla, m["status"], m["error"], m["vendor"])
		}
	}

	f := openXLSX(t, dir, "e.xlsx")
	errs := sheetRows(t, f, "errors")
	if d := cmp.Diff([]string{"id", "source", "row", "page", "status", "reason"}, errs[0]); d != "" {
		t.Errorf("errors header (-want +got):\n%s", d)
	}
	if len(errs) != 2 {
		t.Fatalf("errors sheet: %q, want one error row", errs)
	}
	if e := errs[1]; e[0] != wisla || e[4] != "error" || !strings.Contains(e[5], "--pdf-password") {
		t.Errorf("errors row %q, want %s, error and a reason naming --pdf-password", e, wisla)
	}
	if run := runSheet(t, f); run["status.error"] != "1" || run["status.ok"] != "4" {
		t.Errorf("run sheet: status.ok %q status.error %q", run["status.ok"], run["status.error"])
	}

	// Resumed: nothing sent, the failure still counts.
	r = c.run(t, exitFailures, args...)
	if n := requestsOf(t, r.stderr); n != 0 {
		t.Errorf("resumed run: %d requests, want 0", n)
	}
	got, _ = readJSONL(t, dir, "e.jsonl")
	wantResumed(t, "resumed e.jsonl", got, want)
	if e := got[wisla].Error; !strings.Contains(e, "--pdf-password") {
		t.Errorf("resumed failure: error %q lost the reason", e)
	}

	// --retry-failed with the password: only the failed one is sent.
	r = c.run(t, exitOK, append(args, "--retry-failed", "--pdf-password", "user")...)
	if n := requestsOf(t, r.stderr); n != 1 {
		t.Errorf("--retry-failed: %d requests, want 1", n)
	}
	got, _ = readJSONL(t, dir, "e.jsonl")
	if l := got[wisla]; l.Status != "ok" || l.Error != "" {
		t.Errorf("--retry-failed: %s status %q error %q, want ok", wisla, l.Status, l.Error)
	}
	want[wisla] = "ok"
	wantResumed(t, "--retry-failed e.jsonl", got, want)
	wantExpectedValues(t, dir, map[string]line{wisla: got[wisla]})
}

// TestTickets extracts CSV rows: row fields, source columns and a formula in
// a source column kept inert.
func TestTickets(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	c.run(t, exitOK, "run", "--mock", "--schema", "testdata/ticket.schema.json", "--in", "testdata/samples/tickets",
		"--text-column", "body", "--out", "t.jsonl", "--out", "t.csv", "--out", "t.xlsx")

	got, all := readJSONL(t, dir, "t.jsonl")
	if len(all) != 10 {
		t.Fatalf("%d lines, want 10", len(all))
	}
	for i, l := range all {
		want := "tickets.csv#row=" + strconv.Itoa(i+1)
		if l.ID != want || l.Row != i+1 || l.Status != "ok" || filepath.ToSlash(l.Source) != "testdata/samples/tickets/tickets.csv" {
			t.Errorf("line %d: id %q row %d status %q source %q, want %s", i+1, l.ID, l.Row, l.Status, l.Source, want)
		}
	}
	wantExpectedValues(t, dir, got)
	row7 := got["tickets.csv#row=7"]
	if row7.Columns["ticket_id"] != "T-1007" || !strings.HasPrefix(row7.Columns["body"], "=HYPERLINK(") {
		t.Errorf("row 7 columns: %q", row7.Columns)
	}

	rows := readCSV(t, dir, "t.csv")
	want := []string{"id", "status", "error", "source", "row", "page", "simulated",
		"customer", "category", "priority", "summary", "order_id",
		"input.ticket_id", "input.customer", "input.subject", "input.body", "input.created"}
	if d := cmp.Diff(want, rows[0]); d != "" {
		t.Errorf("t.csv header (-want +got):\n%s", d)
	}
	for _, m := range byColumn(rows) {
		if m["id"] == "tickets.csv#row=7" {
			if !strings.HasPrefix(m["input.body"], "'=HYPERLINK(") || m["row"] != "7" {
				t.Errorf("CSV row 7: row %q input.body %q, want it to start with '=", m["row"], m["input.body"])
			}
		}
	}

	f := openXLSX(t, dir, "t.xlsx")
	xrows := sheetRows(t, f, "records")
	body := -1
	for i, h := range xrows[0] {
		if h == "input.body" {
			body = i
		}
	}
	if body < 0 {
		t.Fatalf("records header %q has no input.body", xrows[0])
	}
	for i, r := range xrows[1:] {
		if r[0] != "tickets.csv#row=7" {
			continue
		}
		cell := cellName(t, body+1, i+2)
		if !strings.HasPrefix(r[body], "'=HYPERLINK(") {
			t.Errorf("XLSX %s = %q, want it to start with '=", cell, r[body])
		}
		if fm, err := f.GetCellFormula("records", cell); err != nil || fm != "" {
			t.Errorf("XLSX %s has formula %q (%v), want none", cell, fm, err)
		}
	}
}

// TestFormulaInjection: an extracted value that a spreadsheet would run as a
// formula is inert text in CSV and XLSX, and unchanged in JSONL.
func TestFormulaInjection(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const evil = `=HYPERLINK("http://evil.example","click")`
	writeFile(t, dir, "d/samples/t/evil.txt", []byte("My profile shows a formula instead of my link.\n"))
	writeFile(t, dir, "d/expected/t/evil.json", []byte(`{"customer":`+strconv.Quote(evil)+`,"note":"+1 SUM(A1)","total":-2}`))
	c := cmd{dir: dir}
	c.run(t, exitOK, "run", "--mock", "--schema", "customer, note, total number", "--in", "d/samples",
		"--out", "f.jsonl", "--out", "f.csv", "--out", "f.xlsx")

	got, _ := readJSONL(t, dir, "f.jsonl")
	if d := cmp.Diff(map[string]any{"customer": evil, "note": "+1 SUM(A1)", "total": -2.0},
		jsonValue(t, got["t/evil.txt"].Value)); d != "" {
		t.Fatalf("JSONL value (-want +got):\n%s", d)
	}

	m := byColumn(readCSV(t, dir, "f.csv"))[0]
	if m["customer"] != "'"+evil || m["note"] != "'+1 SUM(A1)" {
		t.Errorf("CSV customer %q note %q, want them quoted with a leading '", m["customer"], m["note"])
	}
	if m["total"] != "-2" {
		t.Errorf("CSV total %q, want -2 (numbers are not quoted)", m["total"])
	}

	f := openXLSX(t, dir, "f.xlsx")
	rows := sheetRows(t, f, "records")
	for i, h := range rows[0] {
		cell := cellName(t, i+1, 2)
		switch h {
		case "customer", "note":
			v := rows[1][i]
			if !strings.HasPrefix(v, "'") || v[1:] != map[string]string{"customer": evil, "note": "+1 SUM(A1)"}[h] {
				t.Errorf("XLSX %s (%s) = %q, want it quoted with a leading '", cell, h, v)
			}
			if fm, err := f.GetCellFormula("records", cell); err != nil || fm != "" {
				t.Errorf("XLSX %s (%s) has formula %q (%v), want none", cell, h, fm, err)
			}
		case "total":
			if ct, _ := f.GetCellType("records", cell); (ct != excelize.CellTypeNumber && ct != excelize.CellTypeUnset) || rows[1][i] != "-2" {
				t.Errorf("XLSX %s (total) = %q type %v, want the number -2", cell, rows[1][i], ct)
			}
		}
	}
}

// TestExitCodes covers usage errors (2) and fatal errors (1).
func TestExitCodes(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	writeFile(t, dir, "notstrict.json", []byte(`{"type":"object","properties":{"a":{"not":{"type":"string"}}},"required":["a"]}`))
	writeFile(t, dir, "trailing.json", []byte("{\n  \"type\": \"object\",\n  \"properties\": {\"a\": {}},\n}\n"))
	writeFile(t, dir, "empty.json", nil)
	notes := "testdata/samples/notes"
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"unknown flag", []string{"run", "--bogus", "--mock", "--schema", "a", "--in", notes}, exitUsage, []string{"unknown flag: --bogus", "quarry help"}},
		{"no input", []string{"run", "--mock", "--schema", "a"}, exitUsage, []string{"no input", "--in"}},
		{"no schema", []string{"run", "--mock", "--in", notes}, exitUsage, []string{"--schema is required"}},
		{"bad out extension", []string{"run", "--mock", "--schema", "a", "--in", notes, "--out", "x.txt"}, exitUsage, []string{"--out x.txt", ".jsonl"}},
		{"bad mock value", []string{"run", "--mock=maybe", "--schema", "a", "--in", notes}, exitUsage, []string{"--mock must be on, off or auto"}},
		{"bad order", []string{"run", "--mock", "--schema", "a", "--in", notes, "--order", "random"}, exitUsage, []string{"--order"}},
		{"bad pdf mode", []string{"run", "--mock", "--schema", "a", "--in", notes, "--pdf", "ocr"}, exitUsage, nil},
		{"bad spec", []string{"run", "--mock", "--schema", "a,,b", "--in", notes}, exitUsage, []string{"offset"}},
		{"missing input", []string{"run", "--mock", "--schema", "a", "--in", "nothing-here"}, exitUsage, []string{"nothing-here"}},
		{"zero concurrency", []string{"run", "--mock", "--schema", "a", "--in", notes, "-c", "0"}, exitUsage, []string{"--concurrency must be 1 or more"}},
		{"negative concurrency", []string{"run", "--mock", "--schema", "a", "--in", notes, "--concurrency", "-3"}, exitUsage, []string{"--concurrency must be 1 or more"}},
		{"zero attempts", []string{"run", "--mock", "--schema", "a", "--in", notes, "--max-attempts", "0"}, exitUsage, []string{"--max-attempts must be 1 or more"}},
		{"negative rpm", []string{"run", "--mock", "--schema", "a", "--in", notes, "--rpm", "-5"}, exitUsage, []string{"--rpm and --tpm"}},
		{"negative limit", []string{"run", "--mock", "--schema", "a", "--in", notes, "--limit", "-1"}, exitUsage, []string{"--limit must be"}},
		{"negative budget", []string{"run", "--mock", "--schema", "a", "--in", notes, "--budget", "-1"}, exitUsage, []string{"--budget must be"}},
		{"negative timeout", []string{"run", "--mock", "--schema", "a", "--in", notes, "--timeout", "-1s"}, exitUsage, []string{"--timeout must be"}},
		{"temperature over 2", []string{"run", "--mock", "--schema", "a", "--in", notes, "--temperature", "5"}, exitUsage, []string{"--temperature must be between 0 and 2"}},
		{"negative temperature", []string{"run", "--mock", "--schema", "a", "--in", notes, "--temperature", "-0.5"}, exitUsage, []string{"--temperature must be between 0 and 2"}},
		{"unknown service tier", []string{"run", "--mock", "--schema", "a", "--in", notes, "--service-tier", "fast"}, exitUsage, []string{"--service-tier must be auto, default, flex or priority"}},
		{"empty model", []string{"run", "--mock", "--schema", "a", "--in", notes, "--model", ""}, exitUsage, []string{"--model must name a model"}},
		{"export without flags", []string{"export"}, exitUsage, []string{"--run-dir"}},
		{"schema without argument", []string{"schema"}, exitUsage, nil},
		{"unknown command", []string{"bogus"}, exitUsage, []string{`unknown command "bogus"`}},
		{"no key and no mock", []string{"run", "--schema", "a", "--in", notes}, exitFatal, []string{"OPENAI_API_KEY", "--mock"}},
		{"mock off and no key", []string{"run", "--mock=off", "--schema", "a", "--in", notes}, exitFatal, []string{"OPENAI_API_KEY"}},
		{"schema not strict", []string{"run", "--mock", "--schema", "notstrict.json", "--in", notes}, exitFatal, []string{"cannot be made strict", "/properties/a"}},
		{"schema file not JSON", []string{"run", "--mock", "--schema", "trailing.json", "--in", notes}, exitFatal, []string{"trailing.json is not valid JSON: line 4, column 1"}},
		{"schema file empty", []string{"run", "--mock", "--schema", "empty.json", "--in", notes}, exitFatal, []string{"empty.json is empty"}},
		{"inline JSON schema", []string{"run", "--mock", "--schema", `{"type":"object","properties":{"a":{}}}`, "--in", notes}, exitUsage, []string{"not JSON itself: save the JSON to a file"}},
		{"schema file missing", []string{"run", "--mock", "--schema", "missing.schema.json", "--in", notes}, exitFatal, []string{"missing.schema.json"}},
		{"export of no run", []string{"export", "--run-dir", "nowhere", "--out", "x.jsonl"}, exitFatal, []string{"nowhere"}},
	}
	c := cmd{dir: dir}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.quarry(t, tt.args...)
			r.wantCode(t, tt.code, tt.args...)
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr does not mention %q:\n%s", s, r.stderr)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, ".quarry")); err == nil {
		t.Errorf("a failed setup created a run dir")
	}
}
