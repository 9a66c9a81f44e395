package source

import (
	"bytes"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoRoot is the folder holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package")
		}
		dir = parent
	}
}

// expectedPath maps a document ID (relative to testdata/samples) to its
// expected answer under testdata/expected: the file's extension is dropped;
// a whole file's answer is "<stem>.json", a row's or page's is
// "<stem>/row-N.json" or "<stem>/page-N.json".
//
//	invoices/acme.pdf         → invoices/acme.json
//	tickets/tickets.csv#row=3 → tickets/tickets/row-3.json
func expectedPath(id string) string {
	file, frag, split := strings.Cut(id, "#")
	stem := strings.TrimSuffix(file, path.Ext(file))
	if split {
		return stem + "/" + strings.Replace(frag, "=", "-", 1) + ".json"
	}
	return stem + ".json"
}

type ticket struct {
	Customer string  `json:"customer"`
	Category string  `json:"category"`
	Priority string  `json:"priority"`
	Summary  string  `json:"summary"`
	OrderID  *string `json:"order_id"`
}

type invoice struct {
	Vendor        string  `json:"vendor"`
	InvoiceNumber string  `json:"invoice_number"`
	IssueDate     string  `json:"issue_date"`
	DueDate       *string `json:"due_date"`
	Currency      string  `json:"currency"`
	Total         float64 `json:"total"`
	Lines         []struct {
		Description string  `json:"description"`
		Quantity    float64 `json:"quantity"`
		UnitPrice   float64 `json:"unit_price"`
	} `json:"lines"`
}

func TestExpectedPath(t *testing.T) {
	for id, want := range map[string]string{
		"invoices/acme.pdf":         "invoices/acme.json",
		"notes/a.b.txt":             "notes/a.b.json",
		"tickets/tickets.csv#row=3": "tickets/tickets/row-3.json",
		"invoices/big.pdf#page=12":  "invoices/big/page-12.json",
	} {
		if got := expectedPath(id); got != want {
			t.Errorf("expectedPath(%q) = %q, want %q", id, got, want)
		}
	}
}

// TestSamples reads the CLI demo samples: every document reads cleanly and
// has exactly one expected answer, of the right shape.
func TestSamples(t *testing.T) {
	root := repoRoot(t)
	samples := filepath.Join(root, "testdata", "samples")
	expected := filepath.Join(root, "testdata", "expected")
	want := map[string]bool{}
	for _, dir := range []string{"tickets", "notes", "receipts"} {
		files, _ := filepath.Glob(filepath.Join(expected, dir, "*"))
		for _, f := range files {
			filepath.WalkDir(f, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(expected, p)
					want[filepath.ToSlash(rel)] = true
				}
				return err
			})
		}
	}
	if len(want) == 0 {
		t.Skip("no samples")
	}
	seq, err := Open(t.Context(), []string{samples}, Options{Include: []string{"tickets/**", "notes/**", "receipts/**"}})
	if err != nil {
		t.Fatal(err)
	}
	date := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	n := 0
	for d := range seq {
		n++
		if d.Err != nil {
			t.Errorf("%s: %v", d.ID, d.Err)
			continue
		}
		rel := expectedPath(d.ID)
		if !want[rel] {
			t.Errorf("%s: no expected answer %s", d.ID, rel)
			continue
		}
		delete(want, rel)
		data, err := os.ReadFile(filepath.Join(expected, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if strings.HasPrefix(d.ID, "tickets/") {
			var tk ticket
			if err := dec.Decode(&tk); err != nil {
				t.Errorf("%s: %v", rel, err)
			}
			if !strings.Contains("billing bug account other", tk.Category) || !strings.Contains("low medium high", tk.Priority) || tk.Customer == "" || tk.Summary == "" {
				t.Errorf("%s: bad ticket %+v", rel, tk)
			}
			continue
		}
		var inv invoice
		if err := dec.Decode(&inv); err != nil {
			t.Errorf("%s: %v", rel, err)
		}
		if !date.MatchString(inv.IssueDate) || (inv.DueDate != nil && !date.MatchString(*inv.DueDate)) ||
			!strings.Contains("USD EUR GBP INR PLN", inv.Currency) || len(inv.Lines) == 0 || inv.Vendor == "" {
			t.Errorf("%s: bad invoice %+v", rel, inv)
		}
		sum := 0.0
		for _, l := range inv.Lines {
			sum += l.Quantity * l.UnitPrice
		}
		if d := sum - inv.Total; d > 0.005 || d < -0.005 {
			t.Errorf("%s: lines add up to %.2f, total is %.2f", rel, sum, inv.Total)
		}
	}
	for rel := range want {
		t.Errorf("expected answer %s has no document", rel)
	}
	if n < 12 {
		t.Errorf("only %d sample documents", n)
	}
}
