package source

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/pipeline"
)

// writeTree writes files (slash paths → content) under a new temp dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// summary is what the tests compare of a document.
type summary struct {
	ID      string
	Row     int               `json:",omitempty"`
	Page    int               `json:",omitempty"`
	Text    string            `json:",omitempty"`
	Kinds   string            `json:",omitempty"` // part kinds and MIME types, for non-text parts
	Columns []string          `json:",omitempty"` // "name=value"
	Meta    map[string]string `json:",omitempty"`
	Err     string            `json:",omitempty"` // ReadError.Reason
}

func summarize(t *testing.T, d pipeline.Document) summary {
	t.Helper()
	s := summary{ID: d.ID, Row: d.Row, Page: d.Page, Meta: d.Meta}
	var text []string
	var kinds []string
	for _, p := range d.Parts {
		if p.Kind == pipeline.PartText {
			text = append(text, p.Text)
			continue
		}
		kinds = append(kinds, string(p.Kind)+":"+p.MIMEType+":"+p.Filename)
		if len(p.Data) == 0 {
			t.Errorf("%s: %s part without data", d.ID, p.Kind)
		}
	}
	s.Text = strings.Join(text, "")
	s.Kinds = strings.Join(kinds, ",")
	for _, c := range d.Columns {
		s.Columns = append(s.Columns, c.Name+"="+c.Value)
	}
	if d.Err != nil {
		var re *ReadError
		if !errors.As(d.Err, &re) {
			t.Fatalf("%s: Err %T is not a *ReadError: %v", d.ID, d.Err, d.Err)
		}
		if !strings.HasPrefix(d.Err.Error(), "source: "+d.ID+": ") {
			t.Errorf("%s: message %q lacks the prefix", d.ID, d.Err)
		}
		s.Err = re.Reason
		if len(d.Parts) > 0 {
			t.Errorf("%s: parts with Err", d.ID)
		}
	}
	return s
}

// collect opens inputs and summarizes every document.
func collect(t *testing.T, inputs []string, opts Options) []summary {
	t.Helper()
	seq, err := Open(t.Context(), inputs, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var got []summary
	for d := range seq {
		if d.Source == "" {
			t.Errorf("%s: no Source", d.ID)
		}
		got = append(got, summarize(t, d))
	}
	return got
}

func pngBytes(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.Black)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, 2, 2), []color.Color{color.White, color.Black}), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpBytes is the header of a WebP file: enough for sniffing.
const webpBytes = "RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"

// fakePDF stands in for package pdftext: the text of a "PDF" is its bytes
// after the header line, pages split by form feeds.
type fakePDF struct{ calls int }

var errFakePassword = errors.New("fake: password required")

func (f *fakePDF) Pages(ctx context.Context, data []byte, password string) ([]string, error) {
	f.calls++
	body := string(data[bytes.IndexByte(data, '\n')+1:])
	switch {
	case strings.HasPrefix(body, "ENCRYPTED"):
		if password != "secret" {
			return nil, errFakePassword
		}
		body = strings.TrimPrefix(body, "ENCRYPTED")
	case strings.HasPrefix(body, "CORRUPT"):
		return nil, errors.New("fake: xref table not found")
	}
	return strings.Split(body, "\f"), nil
}

func isFakePassword(err error) bool { return errors.Is(err, errFakePassword) }
