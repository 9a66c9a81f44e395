package sink

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/seed0611af48/quarry/pipeline"
)

// evidenceOutcome is a record with the evidence of its values, one of them
// unsupported and one whose quote is not in the source.
func evidenceOutcome() *pipeline.Outcome {
	return &pipeline.Outcome{
		ID: "a.pdf", Status: pipeline.StatusOK, Attempts: 1,
		Value: json.RawMessage(`{"vendor":"Acme","total":1492.96,"issued":"2026-02-27","lines":[]}`),
		Evidence: json.RawMessage(`[
			{"pointer":"/vendor","value":"Acme","quote":"Acme GmbH","page":1,"start":0,"end":9,"match":"exact","score":1,"verdict":"supported"},
			{"pointer":"/total","value":1492.96,"quote":"=Total 1,429.96","page":2,"start":4,"end":19,"match":"normalized","score":1,"verdict":"unsupported","reason":"the source text \"Total 1,429.96\" says 1,429.96, not 1492.96"},
			{"pointer":"/issued","value":"2026-02-27","quote":"27 Feb","start":0,"end":0,"match":"none","score":0,"verdict":"not_found","reason":"the quote \"27 Feb\" is not in the source"}
		]`),
	}
}

func TestJSONLEvidence(t *testing.T) {
	var b bytes.Buffer
	s := NewJSONL(&b, Options{})
	if err := s.Write(evidenceOutcome()); err != nil {
		t.Fatal(err)
	}
	s.Close(nil)
	var line struct {
		Evidence map[string]map[string]any `json:"evidence"`
	}
	if err := json.Unmarshal(b.Bytes(), &line); err != nil {
		t.Fatalf("%v: %s", err, b.Bytes())
	}
	want := map[string]any{"quote": "=Total 1,429.96", "page": 2.0, "start": 4.0, "end": 19.0, "match": "normalized", "score": 1.0,
		"verdict": "unsupported", "reason": `the source text "Total 1,429.96" says 1,429.96, not 1492.96`}
	if diff := cmp.Diff(want, line.Evidence["/total"]); diff != "" {
		t.Errorf("/total (-want +got):\n%s", diff)
	}
	if len(line.Evidence) != 3 {
		t.Errorf("%d pointers: %s", len(line.Evidence), b.Bytes())
	}
	// Without evidence, no key.
	b.Reset()
	o := evidenceOutcome()
	o.Evidence = nil
	NewJSONL(&b, Options{}).Write(o)
	if strings.Contains(b.String(), "evidence") {
		t.Errorf("evidence without evidence: %s", b.String())
	}
}

func TestCSVEvidence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	s, err := Open(path, invoiceSchema(t), Options{Evidence: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(evidenceOutcome()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(nil); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(filepath.Dir(path), "out.evidence.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := `record_id,field,value,quote,page,start,end,match,score,verdict,reason
a.pdf,/vendor,Acme,Acme GmbH,1,0,9,exact,1,supported,
a.pdf,/total,1492.96,"'=Total 1,429.96",2,4,19,normalized,1,unsupported,"the source text ""Total 1,429.96"" says 1,429.96, not 1492.96"
a.pdf,/issued,2026-02-27,27 Feb,,,,none,0,not_found,"the quote ""27 Feb"" is not in the source"
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("out.evidence.csv (-want +got):\n%s", diff)
	}
	// Off by default.
	path = filepath.Join(t.TempDir(), "plain.csv")
	s, _ = Open(path, invoiceSchema(t), Options{})
	s.Write(evidenceOutcome())
	s.Close(nil)
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), "plain.evidence.csv")); err == nil {
		t.Error("evidence file without Options.Evidence")
	}
}

func TestXLSXEvidence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.xlsx")
	s, err := Open(path, invoiceSchema(t), Options{Evidence: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(evidenceOutcome()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(nil); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, path)
	got := rows(t, f, SheetEvidence)
	want := [][]string{
		evidenceHeader,
		{"a.pdf", "/vendor", "Acme", "Acme GmbH", "1", "0", "9", "exact", "1", "supported"},
		{"a.pdf", "/total", "1492.96", "'=Total 1,429.96", "2", "4", "19", "normalized", "1", "unsupported", `the source text "Total 1,429.96" says 1,429.96, not 1492.96`},
		{"a.pdf", "/issued", "2026-02-27", "27 Feb", "", "", "", "none", "0", "not_found", `the quote "27 Feb" is not in the source`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("evidence sheet (-want +got):\n%s", diff)
	}
	if idx, _ := f.GetSheetIndex(SheetEvidence); idx < 0 {
		t.Error("no evidence sheet")
	}
}

func openXLSX(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
