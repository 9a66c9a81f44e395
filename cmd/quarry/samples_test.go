package main

import (
	"path/filepath"
	"testing"
)

func TestExpectedPath(t *testing.T) {
	tests := []struct {
		source    string
		row, page int
		want      string
	}{
		{"testdata/samples/invoices/a.pdf", 0, 0, "testdata/expected/invoices/a.json"},
		{"samples/a.txt", 0, 0, "expected/a.json"},
		{"/abs/x/samples/t/tickets.csv", 3, 0, "/abs/x/expected/t/tickets/row-3.json"},
		{"samples/scan.pdf", 0, 2, "expected/scan/page-2.json"},
		{"samples/scan.pdf", 4, 2, "expected/scan/row-4.json"},
		{"a/samples/b/samples/c.txt", 0, 0, "a/samples/b/expected/c.json"},
		{"samples/README", 0, 0, "expected/README.json"},
		{"samples/v1.2/notes", 0, 0, "expected/v1.2/notes.json"},
		{"samples/archive.tar.gz", 0, 0, "expected/archive.tar.json"},
		{"samples/deep/er/x.md", 0, 0, "expected/deep/er/x.json"},
		{"-", 0, 0, ""},
		{"", 0, 0, ""},
		{"a.txt", 0, 0, ""},
		{"mysamples/a.txt", 0, 0, ""},
		{"samples.txt", 0, 0, ""},
		{"testdata/samplesx/a.txt", 0, 0, ""},
	}
	for _, tt := range tests {
		got := expectedPath(filepath.FromSlash(tt.source), tt.row, tt.page)
		want := tt.want
		if want != "" {
			want = filepath.FromSlash(want)
		}
		if got != want {
			t.Errorf("expectedPath(%q, %d, %d) = %q, want %q", tt.source, tt.row, tt.page, got, want)
		}
	}
}
