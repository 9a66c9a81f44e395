package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// convFuzzSeeds adds the golden inputs under testdata/convert as seeds; the
// committed corpus under testdata/fuzz adds more.
func convFuzzSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "convert", "*", "input.json"))
	lints, _ := filepath.Glob(filepath.Join("testdata", "lint", "*.json"))
	for _, name := range append(files, lints...) {
		doc, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(doc)
	}
}

// FuzzStrictify checks that Strictify never panics, that what it returns
// passes Lint, and that converting its output again changes nothing.
func FuzzStrictify(f *testing.F) {
	convFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, changes, err := Strictify(doc)
		if err != nil {
			if out != nil || changes != nil {
				t.Fatalf("Strictify returned output or changes with error %v", err)
			}
			return
		}
		if fs := Lint(out); fs != nil {
			t.Fatalf("Lint(Strictify(%q)) = %v\noutput:\n%s", doc, fs, out)
		}
		again, changes2, err := Strictify(out)
		if err != nil {
			t.Fatalf("Strictify of its own output: %v\noutput:\n%s", err, out)
		}
		if !bytes.Equal(again, out) || len(changes2) != 0 {
			t.Fatalf("Strictify is not idempotent; changes %v\nfirst:\n%s\nsecond:\n%s", changes2, out, again)
		}
	})
}

// FuzzLint checks that Lint never panics and returns sorted findings, each
// with a rule and a message.
func FuzzLint(f *testing.F) {
	convFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		fs := Lint(doc)
		if !slices.IsSortedFunc(fs, func(a, b Finding) int {
			switch {
			case a.Pointer < b.Pointer:
				return -1
			case a.Pointer > b.Pointer:
				return 1
			}
			return 0
		}) {
			t.Fatalf("findings not sorted: %v", fs)
		}
		for _, x := range fs {
			if x.Rule == "" || x.Message == "" {
				t.Fatalf("finding without rule or message: %+v", x)
			}
		}
	})
}
