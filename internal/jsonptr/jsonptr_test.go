package jsonptr

import (
	"slices"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		tokens []string
		ptr    string
	}{
		{nil, ""},
		{[]string{"a"}, "/a"},
		{[]string{"a/b", "~c", "0"}, "/a~1b/~0c/0"},
		{[]string{"~1"}, "/~01"},
		{[]string{""}, "/"},
	}
	for _, tt := range tests {
		if got := Join("", tt.tokens...); got != tt.ptr {
			t.Errorf("Join(%q) = %q, want %q", tt.tokens, got, tt.ptr)
		}
		got, ok := Split(tt.ptr)
		if !ok || !slices.Equal(got, tt.tokens) {
			t.Errorf("Split(%q) = %q, %v; want %q", tt.ptr, got, ok, tt.tokens)
		}
	}
	if _, ok := Split("a/b"); ok {
		t.Error(`Split("a/b") ok`)
	}
}

func FuzzSplitJoin(f *testing.F) {
	for _, s := range []string{"", "/a", "/a~1b/~0c", "/~01", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ptr string) {
		toks, ok := Split(ptr)
		if !ok {
			return
		}
		again, _ := Split(Join("", toks...))
		if !slices.Equal(toks, again) {
			t.Errorf("%q: %q then %q", ptr, toks, again)
		}
	})
}
