package sink

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCSVGolden(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	s, err := Open(path, invoiceSchema(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, s, outcomes(), runInfo())
	for _, name := range []string{"out.csv", "out.lines.csv", "out.lines.taxes.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name, b)
	}
	if err := s.Close(nil); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}

func TestTSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.tsv")
	s, err := Open(path, invoiceSchema(t), Options{OmitColumns: true, ListSeparator: "; "})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, s, outcomes()[:1], nil)
	rows := readCSV(t, path, '\t')
	want := []string{"id", "status", "error", "source", "row", "page", "vendor", "address.street", "address.city",
		"issued", "created_at", "total", "paid", "tags", "customer.name", "customer.vat_id"}
	if diff := cmp.Diff(want, rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if got := rows[1][13]; got != "urgent; eu" {
		t.Errorf("tags = %q, want joined", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.lines.taxes.tsv")); err != nil {
		t.Error(err)
	}
}

func readCSV(t *testing.T, path string, comma rune) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = comma
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestOpenUnknown(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "out.orc"), nil, Options{})
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), ".orc") || !strings.Contains(err.Error(), ".parquet") {
		t.Fatalf("Open(.orc) = %v", err)
	}
}
