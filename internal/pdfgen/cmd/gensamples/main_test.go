package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

// TestCommittedSamples checks that the committed samples are what this
// command writes. After changing the invoices, run
//
//	go run ./internal/pdfgen/cmd/gensamples
func TestCommittedSamples(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := generate(root)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Errorf("%v (run go run ./internal/pdfgen/cmd/gensamples)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generated file (run go run ./internal/pdfgen/cmd/gensamples)", name)
		}
	}
}

// TestInvoiceArithmetic checks that each invoice's total is the sum of its
// lines and that it has 2 to 4 lines.
func TestInvoiceArithmetic(t *testing.T) {
	for _, inv := range invoices {
		x := inv.expected()
		if n := len(x.Lines); n < 2 || n > 4 {
			t.Errorf("%s: %d lines, want 2 to 4", inv.name, n)
		}
		var cents float64
		for _, l := range x.Lines {
			cents += l.Quantity * l.UnitPrice * 100
		}
		if got := float64(int64(cents+0.5)) / 100; got != x.Total {
			t.Errorf("%s: lines sum to %.2f, total is %.2f", inv.name, got, x.Total)
		}
	}
}

// TestSamplesExtract reads the committed samples back with pdftext: the
// text ones hold their invoice number and total, the scan holds no text,
// the encrypted one needs its password.
func TestSamplesExtract(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	e, err := pdftext.New(t.Context(), pdftext.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, inv := range invoices {
		t.Run(inv.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(root, "testdata/samples/invoices", inv.name+".pdf"))
			if err != nil {
				t.Fatal(err)
			}
			password := ""
			if inv.mode == encrypted {
				if _, err := e.Pages(t.Context(), data, ""); !errors.Is(err, pdftext.ErrPassword) {
					t.Errorf("Pages(no password) = %v; want ErrPassword", err)
				}
				password = "user"
			}
			pages, err := e.Pages(t.Context(), data, password)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(pages, "\n")
			if inv.mode == scanned {
				if text != "" {
					t.Errorf("scanned sample has text %q", text)
				}
				return
			}
			for _, want := range []string{inv.vendor, inv.number, inv.currency + " " + money(inv.total())} {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q:\n%s", want, text)
				}
			}
		})
	}
}
