package eval

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/pipeline"
)

func TestFolderLabels(t *testing.T) {
	l, err := Folder(filepath.Join("..", "testdata", "expected"))
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 19 {
		t.Errorf("Len = %d, want 19 (the files under testdata/expected)", l.Len())
	}
	tests := []struct {
		id   string
		ok   bool
		want string // a substring of the answer
	}{
		{"invoices/acme-office-supplies.pdf", true, "INV-2024-0117"},
		{"tickets/tickets.csv#row=1", true, "Maria Gonzalez"},
		{"receipts/receipt-kwik-hardware.png", true, ""},
		{"invoices/unknown.pdf", false, ""},
		{"../README.md", false, ""},
		{"invoices/../../README.md", false, ""},
		{"tickets/tickets.csv#row=99", false, ""},
	}
	for _, tt := range tests {
		b, ok, err := l.Expected(tt.id)
		if err != nil || ok != tt.ok || !strings.Contains(string(b), tt.want) {
			t.Errorf("Expected(%q) = %.40s, %v, %v; want ok %v containing %q", tt.id, b, ok, err, tt.ok, tt.want)
		}
	}
	if got := l.Path("big.pdf#page=2"); got != filepath.Join(filepath.Join("..", "testdata", "expected"), "big", "page-2.json") {
		t.Errorf("Path(big.pdf#page=2) = %s", got)
	}
}

func TestFolderBadFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.json"), []byte(`{"x":`), 0o644)
	l, err := Folder(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = l.Expected("a.txt")
	var le *LabelError
	if !errors.As(err, &le) || le.Path != filepath.Join(dir, "a.json") {
		t.Fatalf("err = %v, want a *LabelError naming a.json", err)
	}
	os.WriteFile(filepath.Join(dir, "v1..2.json"), []byte(`{"x":1}`), 0o644)
	if _, ok, err := l.Expected("v1..2.pdf"); !ok || err != nil {
		t.Errorf(`Expected("v1..2.pdf") = %v, %v: two dots in a name are not a parent folder`, ok, err)
	}
	if _, err := Folder(t.TempDir()); !errors.Is(err, ErrLabels) {
		t.Errorf("empty folder: err = %v", err)
	}
}

func TestReadJSONL(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		line     int
		err      string
	}{
		{"ok", "{\"id\":\"a\",\"expected\":{\"x\":1}}\n\n{\"id\":\"b\",\"expected\":null}\r\n", 2, 0, ""},
		{"no newline at end", `{"id":"a","expected":1}`, 1, 0, ""},
		{"missing expected", "{\"id\":\"a\",\"expected\":1}\n{\"id\":\"b\"}\n", 0, 2, `"expected" is missing`},
		{"empty id", `{"id":"","expected":1}`, 0, 1, `"id" is missing or empty`},
		{"unknown key", `{"id":"a","expect":1}`, 0, 1, "unknown field"},
		{"duplicate", "{\"id\":\"a\",\"expected\":1}\n{\"id\":\"a\",\"expected\":2}\n", 0, 2, "twice"},
		{"not an object", `[1]`, 0, 1, "want {"},
		{"two values", `{"id":"a","expected":1} {"id":"b","expected":1}`, 0, 1, "more than one"},
		{"empty", "\n\n", 0, 0, "no labelled documents"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ReadJSONL(strings.NewReader(tt.in), "labels.jsonl")
			if tt.err == "" {
				if err != nil || len(m) != tt.n {
					t.Fatalf("ReadJSONL = %d labels, %v; want %d", len(m), err, tt.n)
				}
				return
			}
			var le *LabelError
			if !errors.As(err, &le) || le.Line != tt.line || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrLabels) {
				t.Fatalf("err = %v, want a *LabelError at line %d containing %q", err, tt.line, tt.err)
			}
		})
	}
}

func TestOpenLabels(t *testing.T) {
	dir := t.TempDir()
	jl := filepath.Join(dir, "labels.jsonl")
	os.WriteFile(jl, []byte(`{"id":"a.txt","expected":{"vendor":"A"}}`+"\n"), 0o644)
	if l, err := OpenLabels(jl); err != nil || l.Len() != 1 {
		t.Fatalf("OpenLabels(jsonl) = %v, %v", l, err)
	}
	if l, err := OpenLabels(filepath.Join("..", "testdata", "expected")); err != nil || l.Len() != 19 {
		t.Fatalf("OpenLabels(folder) = %v, %v", l, err)
	}
	if _, err := OpenLabels(filepath.Join(dir, "nope")); !errors.Is(err, ErrLabels) {
		t.Fatalf("OpenLabels(missing) err = %v", err)
	}

	// A reviewed run: ok outcomes are labels, expected.jsonl corrects them.
	run := filepath.Join(dir, "run")
	led, err := pipeline.OpenLedger(run)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []pipeline.Outcome{
		{ID: "a.txt", Status: pipeline.StatusOK, Value: json.RawMessage(`{"vendor":"A"}`)},
		{ID: "b.txt", Status: pipeline.StatusOK, Value: json.RawMessage(`{"vendor":"Bee"}`)},
		{ID: "c.txt", Status: pipeline.StatusError, Reason: "x"},
		{ID: "d.txt", Status: pipeline.StatusInvalid, Value: json.RawMessage(`{"vendor":"D?"}`)},
	} {
		if err := led.Append(&o); err != nil {
			t.Fatal(err)
		}
	}
	led.Close()
	os.WriteFile(filepath.Join(run, "expected.jsonl"), []byte(`{"id":"b.txt","expected":{"vendor":"B"}}`+"\n"+`{"id":"d.txt","expected":{"vendor":"D"}}`+"\n"), 0o644)
	l, err := OpenLabels(run)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.txt": `{"vendor":"A"}`, "b.txt": `{"vendor":"B"}`, "d.txt": `{"vendor":"D"}`}
	if l.Len() != len(want) {
		t.Errorf("Len = %d, want %d", l.Len(), len(want))
	}
	for id, v := range want {
		if b, ok, _ := l.Expected(id); !ok || !bytes.Equal(b, []byte(v)) {
			t.Errorf("Expected(%s) = %s, %v; want %s", id, b, ok, v)
		}
	}
}

// FuzzReadJSONL: any input gives labels or a *LabelError, never a panic;
// every label read is valid JSON under a non-empty ID.
func FuzzReadJSONL(f *testing.F) {
	f.Add([]byte("{\"id\":\"a\",\"expected\":{\"x\":1}}\n{\"id\":\"b\",\"expected\":null}\n"))
	f.Add([]byte(`{"id":"a","expected":1} {"id":"b"}`))
	f.Add([]byte("\r\n\r\n{\"id\":\"\u00e9\",\"expected\":[1,2,{\"a\":\"b\"}]}\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		m, err := ReadJSONL(bytes.NewReader(in), "fuzz.jsonl")
		if err != nil {
			var le *LabelError
			if !errors.As(err, &le) {
				t.Fatalf("err %T %v, want *LabelError", err, err)
			}
			return
		}
		for id, v := range m {
			if id == "" || !json.Valid(v) {
				t.Fatalf("label %q = %q", id, v)
			}
		}
	})
}
