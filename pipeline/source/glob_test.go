package source

import "testing"

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"*.pdf", "a.pdf", true},
		{"*.pdf", "x/y/a.pdf", true}, // the base name
		{"*.pdf", "a.PDF", false},
		{"x/*.pdf", "x/a.pdf", true},
		{"x/*.pdf", "x/y/a.pdf", false},
		{"x/**/*.pdf", "x/a.pdf", true},
		{"x/**/*.pdf", "x/y/z/a.pdf", true},
		{"**", "a/b", true},
		{"2024/**", "2024", true},
		{"2024/**", "2024/a/b.txt", true},
		{"2024/**", "2023/a.txt", false},
		{"**/b/**", "a/b/c", true},
		{"**/b/**", "a/bb/c", false},
		{"./a/", "a", true},
		{`a\b`, "a/b", true},
		{"a?c", "abc", true},
		{"[!a]*", "abc", false},
		{"drafts", "x/drafts", true},
	}
	for _, tt := range tests {
		g, err := compileGlob(tt.pattern)
		if err != nil {
			t.Fatalf("compileGlob(%q): %v", tt.pattern, err)
		}
		if got := g.match(tt.path); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
	for _, bad := range []string{"", "[", "a/[b"} {
		if _, err := compileGlob(bad); err == nil {
			t.Errorf("compileGlob(%q): no error", bad)
		}
	}
}
