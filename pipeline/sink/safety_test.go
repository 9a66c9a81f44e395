package sink

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/xuri/excelize/v2"
)

const injectionSchema = `{"type":"object","additionalProperties":false,"properties":{
	"a":{"type":"string"},"b":{"type":"string"},"c":{"type":"string"},"d":{"type":"string"},
	"e":{"type":"string"},"n":{"type":"number"}}}`

var injection = &pipeline.Outcome{
	ID: "doc", Status: pipeline.StatusOK,
	Value: json.RawMessage(`{"a":"=HYPERLINK(\"http://x\",\"click\")","b":"+1","c":"-2","d":"@SUM(A1)","e":"\tx","n":-2}`),
}

var inert = []string{`'=HYPERLINK("http://x","click")`, "'+1", "'-2", "'@SUM(A1)", "'\tx"}

func TestFormulaInjectionCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	s, err := NewCSV(path, []byte(injectionSchema), Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, s, []*pipeline.Outcome{injection}, nil)
	r := readCSV(t, path, ',')
	if diff := cmp.Diff(inert, r[1][6:11]); diff != "" {
		t.Errorf("strings (-want +got):\n%s", diff)
	}
	if got := r[1][11]; got != "-2" {
		t.Errorf("number n = %q, want -2 unquoted", got)
	}
}

func TestFormulaInjectionXLSX(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.xlsx")
	s, err := NewXLSX(path, []byte(injectionSchema), Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, s, []*pipeline.Outcome{injection}, nil)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, want := range inert {
		ref, _ := excelize.CoordinatesToCellName(7+i, 2)
		typ, _ := f.GetCellType("records", ref)
		got, _ := f.GetCellValue("records", ref)
		formula, _ := f.GetCellFormula("records", ref)
		if typ != excelize.CellTypeInlineString || got != want || formula != "" {
			t.Errorf("%s: type %v value %q formula %q, want inline text %q", ref, typ, got, formula, want)
		}
	}
	typ, _ := f.GetCellType("records", "L2")
	got, _ := f.GetCellValue("records", "L2")
	if typ != excelize.CellTypeUnset || got != "-2" {
		t.Errorf("number n: type %v value %q, want numeric -2", typ, got)
	}
}

func TestCellLimit(t *testing.T) {
	long := strings.Repeat("é", 40000) + "😀"
	o := &pipeline.Outcome{ID: "big", Status: pipeline.StatusOK,
		Value: json.RawMessage(`{"a":"` + long + `","n":1}`)}
	for _, ext := range []string{".csv", ".xlsx", ".jsonl"} {
		t.Run(ext, func(t *testing.T) {
			var logs bytes.Buffer
			opts := Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
			path := filepath.Join(t.TempDir(), "out"+ext)
			s, err := Open(path, []byte(injectionSchema), opts)
			if err != nil {
				t.Fatal(err)
			}
			writeAll(t, s, []*pipeline.Outcome{o}, nil)

			var got string
			switch ext {
			case ".csv":
				got = readCSV(t, path, ',')[1][6]
			case ".xlsx":
				f, err := excelize.OpenFile(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				got, _ = f.GetCellValue("records", "G2")
			case ".jsonl":
				b, _ := os.ReadFile(path)
				if !bytes.Contains(b, []byte(long)) || logs.Len() != 0 {
					t.Errorf("JSONL must keep the full value silently; logs: %s", logs.String())
				}
				return
			}
			if n := len(utf16.Encode([]rune(got))); n != MaxCellChars {
				t.Errorf("cell has %d UTF-16 units, limit %d", n, MaxCellChars)
			}
			if !strings.HasPrefix(got, "éé") || !strings.HasSuffix(got, "…[truncated 7258 chars]") {
				t.Errorf("cell ends %q", got[len(got)-40:])
			}
			var rec map[string]any
			if err := json.Unmarshal(logs.Bytes(), &rec); err != nil {
				t.Fatalf("want one JSON log record, got %q", logs.String())
			}
			if rec["level"] != "WARN" || rec["record"] != "big" || rec["column"] != "a" || rec["chars"] != float64(40002) {
				t.Errorf("log record %v", rec)
			}
		})
	}
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "a=b": "a=b", "=1": "'=1", "+": "'+", "-": "'-", "@x": "'@x", "\tx": "'\tx", "\rx": "'\rx", " =1": "' =1", " x": " x",
	} {
		if got := neutralise(in); got != want {
			t.Errorf("neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSheetNames(t *testing.T) {
	for in, want := range map[string]string{
		"lines":                 "lines",
		"a/b\\c[d]:e*f?g":       "a_b_c_d__e_f_g",
		"'quoted'":              "quoted",
		strings.Repeat("x", 40): strings.Repeat("x", 31),
		"":                      "sheet",
		strings.Repeat("😀", 20): strings.Repeat("😀", 15),
	} {
		if got := sanitiseSheetName(in); got != want {
			t.Errorf("sanitiseSheetName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNeutraliseBypasses(t *testing.T) {
	for _, in := range []string{" =HYPERLINK(\"http://x\")", "＝1+1", "\n=1+1", "\u00a0=1+1", "＠SUM(A1)", "\t=1", "  -2+3", "=1"} {
		if got := neutralise(in); got != "'"+in {
			t.Errorf("neutralise(%q) = %q, want it quoted", in, got)
		}
	}
	for _, in := range []string{"hello", " hello", "1-2", "a=b", ""} {
		if got := neutralise(in); got != in {
			t.Errorf("neutralise(%q) = %q, want it unchanged", in, got)
		}
	}
}

func TestSheetNameNeverEndsInQuote(t *testing.T) {
	name := sanitiseSheetName(strings.Repeat("a", 30) + "'bc")
	if strings.HasSuffix(name, "'") || len(name) > 31 || name == "" {
		t.Errorf("sheet name %q", name)
	}
}
