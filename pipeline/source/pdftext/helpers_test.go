package pdftext_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/seed0611af48/quarry/internal/pdfgen"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

// shared is one Extractor for the tests that need no special options, so
// the package's tests start PDFium once. It uses the default compilation
// cache directory, shared by every test binary.
var shared struct {
	once sync.Once
	e    *pdftext.Extractor
	err  error
}

func sharedExtractor(t testing.TB) *pdftext.Extractor {
	t.Helper()
	shared.once.Do(func() {
		shared.e, shared.err = pdftext.New(t.Context(), pdftext.Options{Workers: 2})
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.e
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.e != nil {
		if err := shared.e.Close(); err != nil {
			println("closing shared extractor:", err.Error())
			code = 1
		}
	}
	os.Exit(code)
}

// genPDF returns a PDF written by pdfgen.
func genPDF(t testing.TB, pages ...[]string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := pdfgen.Write(&b, pages); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sharedDir returns ../shared/<sub> beside the repository root (the
// directory holding go.mod), or skips the test when it is absent.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root (go.mod) not found")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", sub)
	if _, err := os.Stat(d); err != nil {
		t.Skipf("%s absent: %v", d, err)
	}
	return d
}
