package pdfgen_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/seed0611af48/quarry/internal/pdfgen"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

func extractor(t *testing.T) *pdftext.Extractor {
	t.Helper()
	e, err := pdftext.New(t.Context(), pdftext.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// checkXref checks that every in-use entry of the cross-reference table
// points at the start of its object, and that startxref points at the table.
func checkXref(t *testing.T, pdf []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	start, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[start:], []byte("xref\n")) {
		t.Fatalf("startxref %d does not point at the xref table", start)
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n\r\n`).FindAllSubmatch(pdf[start:], -1)
	if len(entries) == 0 {
		t.Fatal("no xref entries")
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if want := strconv.Itoa(i+1) + " 0 obj\n"; !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %q, want %q", i+1, pdf[off:min(off+10, len(pdf))], want)
		}
	}
}

func TestWriteRoundTrip(t *testing.T) {
	e := extractor(t)
	tests := []struct {
		name  string
		pages [][]string
		want  []string
	}{
		{"one line", [][]string{{"Hello"}}, []string{"Hello"}},
		{"lines and pages", [][]string{{"Invoice 7", "Total: 3.00"}, {"page 2"}}, []string{"Invoice 7\nTotal: 3.00", "page 2"}},
		{"empty page", [][]string{{}}, []string{""}},
		{"escapes and Latin-1", [][]string{{`(a) \ b`, "Müller € 5,00 – «ok»"}}, []string{`(a) \ b` + "\nMüller € 5,00 – «ok»"}},
		{"a full page", [][]string{fill(pdfgen.MaxLines)}, []string{strings.Join(fill(pdfgen.MaxLines), "\n")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := pdfgen.Write(&b, tt.pages); err != nil {
				t.Fatal(err)
			}
			checkXref(t, b.Bytes())
			got, err := e.Pages(t.Context(), b.Bytes(), "")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("text mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func fill(n int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = "line " + strconv.Itoa(i+1)
	}
	return lines
}

func TestWriteDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	pages := [][]string{{"same"}, {"input"}}
	if err := pdfgen.Write(&a, pages); err != nil {
		t.Fatal(err)
	}
	if err := pdfgen.Write(&b, pages); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes of the same pages differ")
	}
}

func TestWriteErrors(t *testing.T) {
	tests := []struct {
		name  string
		pages [][]string
		want  string
	}{
		{"no pages", nil, "pdfgen: no pages"},
		{"too many lines", [][]string{fill(pdfgen.MaxLines + 1)}, "pdfgen: page 1 has"},
		{"not WinAnsi", [][]string{{"ok"}, {"fine", "Łódź"}}, `pdfgen: page 2, line 2: character 'Ł'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := pdfgen.Write(&bytes.Buffer{}, tt.pages)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Write() = %v; want an error starting %q", err, tt.want)
			}
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteWriterError(t *testing.T) {
	if err := pdfgen.Write(failWriter{}, [][]string{{"x"}}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Write(failing writer) = %v; want the writer's error", err)
	}
}

func TestWriteImageOnly(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 300, 120))
	for y := 20; y < 100; y++ {
		for x := range 300 {
			img.SetGray(x, y, color.Gray{Y: uint8(x)})
		}
	}
	var b bytes.Buffer
	if err := pdfgen.WriteImageOnly(&b, img, img.SubImage(image.Rect(10, 10, 50, 600))); err != nil {
		t.Fatal(err)
	}
	checkXref(t, b.Bytes())
	got, err := extractor(t).Pages(t.Context(), b.Bytes(), "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"", ""}, got); diff != "" {
		t.Errorf("text of an image-only PDF (-want +got):\n%s", diff)
	}
	if err := pdfgen.WriteImageOnly(&b); err == nil {
		t.Error("WriteImageOnly() with no images succeeded")
	}
	if err := pdfgen.WriteImageOnly(&b, image.NewGray(image.Rect(0, 0, 0, 5))); err == nil {
		t.Error("WriteImageOnly() with an empty image succeeded")
	}
}

func TestWriteMixed(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 200, 80))
	var b bytes.Buffer
	err := pdfgen.WriteMixed(&b,
		pdfgen.Page{Lines: []string{"Invoice 7"}}, pdfgen.Page{Lines: []string{"Total 12.00"}},
		pdfgen.Page{Image: img}, pdfgen.Page{Lines: []string{"Notes"}}, pdfgen.Page{Image: img})
	if err != nil {
		t.Fatal(err)
	}
	checkXref(t, b.Bytes())
	got, err := extractor(t).Pages(t.Context(), b.Bytes(), "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Invoice 7", "Total 12.00", "", "Notes", ""}, got); diff != "" {
		t.Errorf("text of a mixed PDF (-want +got):\n%s", diff)
	}
	if err := pdfgen.WriteMixed(&b); err == nil {
		t.Error("WriteMixed() with no pages succeeded")
	}
	if err := pdfgen.WriteMixed(&b, pdfgen.Page{Image: image.NewGray(image.Rect(0, 0, 0, 5))}); err == nil {
		t.Error("WriteMixed with an empty image succeeded")
	}
}
