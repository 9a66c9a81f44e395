package pdftext_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

// squash removes all white space, so that checks do not depend on how
// PDFium spaces and breaks lines.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// TestInvoiceCorpus reads the shared invoice corpus and looks for the
// invoice number and the total of each invoice's .json in the text.
func TestInvoiceCorpus(t *testing.T) {
	dir := sharedDir(t, "corpus/invoices")
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil || len(files) == 0 {
		t.Skipf("no PDFs in %s", dir)
	}
	e := sharedExtractor(t)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".pdf")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(strings.TrimSuffix(file, ".pdf") + ".json")
			if err != nil {
				t.Skip("no expected values:", err)
			}
			var want []struct {
				InvoiceNumber string  `json:"invoice_number"`
				Amount        float64 `json:"amount"`
			}
			if err := json.Unmarshal(raw, &want); err != nil || len(want) == 0 {
				t.Fatalf("reading %s: %v", name+".json", err)
			}
			pages, err := e.Pages(t.Context(), data, "")
			if err != nil {
				t.Fatal(err)
			}
			text := squash(strings.Join(pages, "\n"))
			if text == "" {
				t.Fatal("no text")
			}
			if n := squash(want[0].InvoiceNumber); n != "" && !strings.Contains(text, n) {
				t.Errorf("invoice number %q not in the text:\n%s", n, strings.Join(pages, "\n"))
			}
			if a := want[0].Amount; a != 0 && !containsAmount(text, a) {
				t.Errorf("amount %v not in the text:\n%s", a, strings.Join(pages, "\n"))
			}
		})
	}
}

// containsAmount looks for a in text written as 1234.50, 1234,50,
// 1,234.50, 1.234,50 or, for a whole amount, 1234.
func containsAmount(text string, a float64) bool {
	s := strconv.FormatFloat(a, 'f', 2, 64)
	whole, cents, _ := strings.Cut(s, ".")
	var grouped string // whole with "," between groups of three digits
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			grouped += ","
		}
		grouped += string(d)
	}
	forms := []string{
		s, whole + "," + cents,
		grouped + "." + cents, strings.ReplaceAll(grouped, ",", ".") + "," + cents,
	}
	if a == float64(int64(a)) {
		forms = append(forms, strconv.FormatInt(int64(a), 10))
	}
	for _, f := range forms {
		if strings.Contains(text, f) {
			return true
		}
	}
	return false
}

// TestMalformedCorpus reads every file of the shared malformed-PDF corpus:
// each one gives text or an error, never a crash or a hang.
func TestMalformedCorpus(t *testing.T) {
	dir := sharedDir(t, "corpus/malformed-pdf")
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil || len(files) == 0 {
		t.Skipf("no PDFs in %s", dir)
	}
	e := sharedExtractor(t)
	var withText, empty, failed int
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		pages, err := e.Pages(t.Context(), data, "")
		switch {
		case errors.Is(err, pdftext.ErrCorrupt), errors.Is(err, pdftext.ErrPassword), errors.Is(err, pdftext.ErrTimeout):
			failed++
			t.Logf("%s: %v", filepath.Base(file), err)
		case err != nil:
			t.Errorf("%s: unexpected error %v", filepath.Base(file), err)
		case squash(strings.Join(pages, "")) == "":
			empty++
		default:
			withText++
		}
	}
	t.Logf("%d files: %d with text, %d without text, %d errors", len(files), withText, empty, failed)
}
