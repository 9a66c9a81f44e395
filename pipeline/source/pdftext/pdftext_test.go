package pdftext_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/seed0611af48/quarry/internal/pdfgen"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

func TestPages(t *testing.T) {
	e := sharedExtractor(t)
	tests := []struct {
		name  string
		pages [][]string
		want  []string
	}{
		{
			name:  "one page",
			pages: [][]string{{"Invoice INV-001", "Total: 12.50 USD"}},
			want:  []string{"Invoice INV-001\nTotal: 12.50 USD"},
		},
		{
			name:  "several pages and an empty one",
			pages: [][]string{{"first"}, {}, {"third", "last line"}},
			want:  []string{"first", "", "third\nlast line"},
		},
		{
			name:  "trailing spaces and escapes",
			pages: [][]string{{"a (b) \\ c   ", "Prix: 4,50 €"}},
			want:  []string{"a (b) \\ c\nPrix: 4,50 €"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Pages(t.Context(), genPDF(t, tt.pages...), "")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Pages() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPagesImageOnly(t *testing.T) {
	var b bytes.Buffer
	if err := pdfgen.WriteImageOnly(&b, pattern(200, 100), pattern(50, 80)); err != nil {
		t.Fatal(err)
	}
	got, err := sharedExtractor(t).Pages(t.Context(), b.Bytes(), "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"", ""}, got); diff != "" {
		t.Errorf("Pages() of a scan mismatch (-want +got):\n%s", diff)
	}
}

func TestPagesBadInput(t *testing.T) {
	e := sharedExtractor(t)
	valid := genPDF(t, []string{"hello"})
	random := make([]byte, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	tests := []struct {
		name    string
		data    []byte
		wantMsg string // a part of the error message
	}{
		{"empty file", nil, "pdftext: corrupt PDF: empty file"},
		{"random bytes", random, "pdftext: corrupt PDF: "},
		{"plain text", []byte("Invoice 42, total 10.00\n"), "pdftext: corrupt PDF: "},
		{"header only", []byte("%PDF-1.7\n"), "pdftext: corrupt PDF: "},
		{"random bytes after a PDF header", append([]byte("%PDF-1.4\n"), random...), "pdftext: corrupt PDF: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.Pages(t.Context(), tt.data, "")
			if !errors.Is(err, pdftext.ErrCorrupt) {
				t.Fatalf("Pages() = %q, %v; want ErrCorrupt", got, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
		})
	}
	// The instance is still sound afterwards.
	if got, err := e.Pages(t.Context(), valid, ""); err != nil || len(got) != 1 || got[0] != "hello" {
		t.Errorf("Pages() after bad input = %q, %v", got, err)
	}
}

// TestPagesTruncated cuts a valid PDF at every 97th byte: PDFium repairs
// what it can; every cut gives text or ErrCorrupt.
func TestPagesTruncated(t *testing.T) {
	e := sharedExtractor(t)
	data := genPDF(t, []string{"Invoice INV-77", "Total 99.00"}, []string{"page two"})
	for n := 1; n < len(data); n += 97 {
		_, err := e.Pages(t.Context(), data[:n], "")
		if err != nil && !errors.Is(err, pdftext.ErrCorrupt) {
			t.Errorf("Pages(first %d bytes) = %v; want text or ErrCorrupt", n, err)
		}
	}
}

func TestPagesPassword(t *testing.T) {
	data, err := os.ReadFile("testdata/encrypted.pdf")
	if err != nil {
		t.Fatal(err)
	}
	e := sharedExtractor(t)
	for _, pw := range []string{"user", "owner"} {
		t.Run("password "+pw, func(t *testing.T) {
			got, err := e.Pages(t.Context(), data, pw)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Invoice number: FV/2024/05/007", "Total due: PLN 1650.00"} {
				if len(got) != 1 || !strings.Contains(got[0], want) {
					t.Errorf("Pages() = %q; want one page containing %q", got, want)
				}
			}
		})
	}
	for _, pw := range []string{"", "wrong"} {
		t.Run(fmt.Sprintf("password %q", pw), func(t *testing.T) {
			got, err := e.Pages(t.Context(), data, pw)
			if !errors.Is(err, pdftext.ErrPassword) {
				t.Fatalf("Pages() = %q, %v; want ErrPassword", got, err)
			}
		})
	}
	// A password given for a document that is not encrypted is ignored.
	if _, err := e.Pages(t.Context(), genPDF(t, []string{"x"}), "unused"); err != nil {
		t.Errorf("Pages(unencrypted, password) = %v", err)
	}
}

func TestPagesContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := sharedExtractor(t).Pages(ctx, genPDF(t, []string{"x"}), "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Pages(cancelled ctx) = %v; want context.Canceled", err)
	}
}

// pattern is a black and white checkerboard.
func pattern(w, h int) image.Image {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			if (x/10+y/10)%2 == 0 {
				img.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	return img
}

// bigPDF has so many pages that reading it takes seconds: a stand-in for a
// document that makes PDFium hang.
func bigPDF(t testing.TB) []byte {
	pages := make([][]string, 5000)
	for i := range pages {
		pages[i] = []string{fmt.Sprintf("page %d", i+1)}
	}
	return genPDF(t, pages...)
}

// TestPagesTimeout checks that a document over the timeout is stopped, and
// that its instance is replaced so the next document is read.
func TestPagesTimeout(t *testing.T) {
	e, err := pdftext.New(t.Context(), pdftext.Options{Timeout: 1}) // 1ns
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	_, err = e.Pages(t.Context(), bigPDF(t), "")
	if !errors.Is(err, pdftext.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Pages(big) = %v; want ErrTimeout and DeadlineExceeded", err)
	}
	// With a 1ns timeout every document is stopped, but each one reaches a
	// fresh instance: the error is a timeout again, not a dead instance.
	for range 2 {
		if _, err := e.Pages(t.Context(), bigPDF(t), ""); !errors.Is(err, pdftext.ErrTimeout) {
			t.Fatalf("Pages(after timeout) = %v; want ErrTimeout", err)
		}
	}
}

// TestPagesDeadlineMidDocument stops a document through the caller's
// context, then reads another one on the same (single) instance slot.
func TestPagesDeadlineMidDocument(t *testing.T) {
	e, err := pdftext.New(t.Context(), pdftext.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// Start the instance first, so the deadline falls while reading.
	if _, err := e.Pages(t.Context(), genPDF(t, []string{"warm"}), ""); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 1) // 1ns
	defer cancel()
	_, err = e.Pages(ctx, bigPDF(t), "")
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, pdftext.ErrTimeout) {
		t.Fatalf("Pages(ctx deadline) = %v; want DeadlineExceeded without ErrTimeout", err)
	}
	got, err := e.Pages(t.Context(), genPDF(t, []string{"after"}), "")
	if err != nil || len(got) != 1 || got[0] != "after" {
		t.Fatalf("Pages(after kill) = %q, %v", got, err)
	}
}

func TestClose(t *testing.T) {
	e, err := pdftext.New(t.Context(), pdftext.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Errorf("second Close() = %v", err)
	}
	if _, err := e.Pages(t.Context(), genPDF(t, []string{"x"}), ""); !errors.Is(err, pdftext.ErrClosed) {
		t.Errorf("Pages() after Close = %v; want ErrClosed", err)
	}
}

// TestCloseDuringPages closes the Extractor while a document is read.
func TestCloseDuringPages(t *testing.T) {
	e, err := pdftext.New(t.Context(), pdftext.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Pages(t.Context(), genPDF(t, []string{"warm"}), ""); err != nil {
		t.Fatal(err)
	}
	big := bigPDF(t)
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		close(started)
		_, err := e.Pages(t.Context(), big, "")
		done <- err
	}()
	<-started
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// Close waited for the call; it either finished or was stopped.
	if err := <-done; err != nil && !errors.Is(err, pdftext.ErrClosed) {
		t.Errorf("Pages() during Close = %v; want nil or ErrClosed", err)
	}
}

func TestPagesConcurrent(t *testing.T) {
	e := sharedExtractor(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			want := fmt.Sprintf("document %d", i)
			got, err := e.Pages(t.Context(), genPDF(t, []string{want}), "")
			switch {
			case err != nil:
				errs <- err
			case len(got) != 1 || got[0] != want:
				errs <- fmt.Errorf("got %q, want [%q]", got, want)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func FuzzPages(f *testing.F) {
	f.Add(genPDF(f, []string{"Invoice 1", "Total 2.00"}))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := sharedExtractor(t).Pages(t.Context(), data, "")
		if err != nil && !errors.Is(err, pdftext.ErrCorrupt) && !errors.Is(err, pdftext.ErrPassword) &&
			!errors.Is(err, pdftext.ErrTimeout) {
			t.Fatalf("unexpected error: %v", err)
		}
	})
}
