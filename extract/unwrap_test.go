package extract

import (
	"strings"
	"testing"
)

func FuzzUnwrapAnswer(f *testing.F) {
	for _, s := range []string{`{"a":1}`, "```json\n{\"a\":1}\n```", "\ufeff```\n[]\n```\n", "```", "```json```", "x```json\n{}\n```"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, note := unwrapAnswer(s)
		if note == "" && got != s {
			t.Fatalf("changed %q to %q without a note", s, got)
		}
		if len(got) > len(s) || !strings.Contains(s, got) {
			t.Fatalf("unwrapAnswer(%q) = %q: not a part of the answer", s, got)
		}
	})
}
