package pipeline

import (
	"fmt"
	"iter"
	"slices"
	"sync"
	"testing"
)

// memSink keeps what it receives.
type memSink struct {
	mu     sync.Mutex
	got    []Outcome
	closed int
	info   *RunInfo
}

func (s *memSink) Write(o *Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, *o)
	return nil
}

func (s *memSink) Close(info *RunInfo) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed++
	s.info = info
	return nil
}

func (s *memSink) outcomes() []Outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// docs yields n text documents "doc-0000"...; text gives each one's content.
func docs(n int, text func(i int) string) iter.Seq[Document] {
	return func(yield func(Document) bool) {
		for i := range n {
			d := Document{ID: fmt.Sprintf("doc-%04d", i), Source: "test", Row: i + 1,
				Parts: []Part{{Kind: PartText, Text: text(i)}}}
			if !yield(d) {
				return
			}
		}
	}
}

func plain(i int) string { return fmt.Sprintf("content %d", i) }

// readAll collects ReadLedger by ID.
func readAll(t *testing.T, dir string) map[string]Outcome {
	t.Helper()
	m := make(map[string]Outcome)
	for o, err := range ReadLedger(dir) {
		if err != nil {
			t.Fatalf("ReadLedger: %v", err)
		}
		if _, dup := m[o.ID]; dup {
			t.Fatalf("ReadLedger yielded %s twice", o.ID)
		}
		m[o.ID] = o
	}
	return m
}

func openLedger(t *testing.T, dir string) *Ledger {
	t.Helper()
	l, err := OpenLedger(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}
