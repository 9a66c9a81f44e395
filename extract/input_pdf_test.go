package extract_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
)

// TestPDFHeader: a PDF's "%PDF-" header may sit anywhere in its first 1024
// bytes, as PDF readers (PDFium, and pipeline/source before sending) accept.
// Before, extract wanted it first (after white space): a PDF that source had
// read and sent as a file (qpdf's issue-100.pdf, one byte before the
// header) then failed with "not a PDF file (no %PDF- header)".
func TestPDFHeader(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		ok   bool
	}{
		{"header first", []byte("%PDF-1.4\n"), true},
		{"a byte before the header", []byte("\x14%PDF-1.4\x00\x00\x00\n"), true},
		{"header at byte 1000", append(bytes.Repeat([]byte("x"), 1000), "%PDF-1.7\n"...), true},
		{"header past byte 1024", append(bytes.Repeat([]byte("x"), 1030), "%PDF-1.7\n"...), false},
		{"no header", []byte("hello"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, _ := setup(t, extract.Extractor{}, extracttest.JSON(goodInvoice()))
			_, _, err := extract.One[Invoice](t.Context(), ex, extract.PDF(tt.data, "x.pdf"))
			if tt.ok && err != nil {
				t.Fatalf("err = %v, want it sent", err)
			}
			if !tt.ok && !errors.Is(err, extract.ErrInput) {
				t.Fatalf("err = %v, want ErrInput", err)
			}
		})
	}
}
