package partialjson

import (
	"strconv"
	"strings"

	"github.com/seed0611af48/quarry/internal/jsonptr"
)

// Kind says what happened to a value.
type Kind uint8

const (
	// ValueStart: a value became present. Objects, arrays and strings start
	// at their opening byte; numbers, true, false and null only once they
	// are complete, so their ValueStart is immediately followed by their
	// ValueEnd.
	ValueStart Kind = iota + 1
	// ValueEnd: a value is complete; Event.Raw holds its JSON text.
	ValueEnd
)

func (k Kind) String() string {
	switch k {
	case ValueStart:
		return "start"
	case ValueEnd:
		return "end"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// An Event reports that a value started or completed. Events are produced in
// input order: a value's ValueStart comes before the events of its children,
// its ValueEnd after them.
type Event struct {
	Kind Kind
	// Depth is 0 for the top-level value, 1 for its members or elements, and so on.
	Depth int
	// Raw is the value's compact JSON text, set for ValueEnd only. It aliases
	// the parser's buffer: it stays valid and unchanged, but must not be modified.
	Raw []byte

	n *node
}

// Pointer returns the RFC 6901 JSON pointer of the value, e.g. "/lines/3".
// It is computed on each call in O(depth), so that producing events costs
// the parser O(1) each.
func (e Event) Pointer() string { return pointer(e.n) }

// Parent returns the JSON pointer of the array or object that holds the
// value, and "" for the top-level value and its direct children.
func (e Event) Parent() string {
	if e.n == nil || e.n.parent == nil {
		return ""
	}
	return pointer(e.n.parent)
}

// Index returns the value's position in its array, or -1 when the value is
// not an array element.
func (e Event) Index() int {
	if e.n == nil || e.n.parent == nil || e.n.parent.kind != '[' {
		return -1
	}
	return e.n.index
}

// pointer returns the JSON pointer of n.
func pointer(n *node) string {
	if n == nil || n.parent == nil {
		return ""
	}
	var toks []*node
	for m := n; m.parent != nil; m = m.parent {
		toks = append(toks, m)
	}
	var b strings.Builder
	for i := len(toks) - 1; i >= 0; i-- {
		m := toks[i]
		b.WriteByte('/')
		if m.parent.kind == '[' {
			b.WriteString(strconv.Itoa(m.index))
			continue
		}
		b.WriteString(jsonptr.Escape(m.key))
	}
	return b.String()
}
