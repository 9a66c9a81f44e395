package eval

import (
	"encoding/json"
	"strconv"

	"github.com/seed0611af48/quarry/schema"
)

// Verdict is the result of comparing one expected value.
type Verdict string

const (
	Correct Verdict = "correct" // equal under the field's rule
	Wrong   Verdict = "wrong"   // a different value (null and a value differ)
	Missing Verdict = "missing" // nothing extracted: no such key, no such list item, or the document failed
	Extra   Verdict = "extra"   // a list item extracted that no expected item pairs with
)

// A Mismatch is one expected value the extraction did not get right, or an
// extra list item.
type Mismatch struct {
	ID string `json:"id"`
	// Pointer locates the value in the expected answer (for Extra, in the
	// extracted one); GotPointer locates the extracted value it was compared
	// with when that differs (a list item paired with another position).
	Pointer    string          `json:"pointer"`
	GotPointer string          `json:"got_pointer,omitempty"`
	Field      string          `json:"field"` // the pattern, e.g. /lines/*/quantity
	Rule       string          `json:"rule"`
	Verdict    Verdict         `json:"verdict"`
	Expected   json.RawMessage `json:"expected,omitempty"`
	Got        json.RawMessage `json:"got,omitempty"`
}

// tally counts one field's comparisons.
type tally struct {
	compared, correct, exact, missing int
	// lists only
	expItems, gotItems, matched int
}

// comparer compares one document. With rec nil it only counts (scoring
// candidate pairs of list items).
type comparer struct {
	tallies []tally
	extra   int
	rec     func(Mismatch)
	id      string
}

func raw(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// value compares exp (present in the expected answer) with got (gotOK: the
// extraction has it) at node n; it returns the values compared and correct.
func (c *comparer) value(n *node, ptr, gotPtr string, exp, got any, gotOK bool) (cmp, ok int) {
	if n.rule.Mode == ModeIgnore {
		return 0, 0
	}
	switch n.kind {
	case kindObject:
		if em, isObj := exp.(map[string]any); isObj {
			gm, gotObj := got.(map[string]any)
			for _, p := range n.props {
				e, has := em[p.name]
				if !has {
					continue // not labelled
				}
				g, gHas := gm[p.name]
				ep, gp := ptr, gotPtr
				if c.rec != nil { // a dry run (scoring pairs) needs no pointers
					ep, gp = schema.Pointer(ptr, p.name), schema.Pointer(gotPtr, p.name)
				}
				a, b := c.value(p.node, ep, gp, e, g, gotOK && gotObj && gHas)
				cmp += a
				ok += b
			}
			return cmp, ok
		}
	case kindList:
		if el, isList := exp.([]any); isList {
			return c.list(n, ptr, gotPtr, el, got, gotOK)
		}
	}
	return c.leaf(n, ptr, gotPtr, exp, got, gotOK)
}

// leaf compares a value whole.
func (c *comparer) leaf(n *node, ptr, gotPtr string, exp, got any, gotOK bool) (cmp, ok int) {
	v, exact := Missing, false
	if gotOK {
		var eq bool
		eq, exact = CompareValues(n.rule, exp, got)
		v = Wrong
		if eq {
			v = Correct
		}
	}
	if c.rec != nil {
		t := &c.tallies[n.index]
		t.compared++
		switch v {
		case Correct:
			t.correct++
		case Missing:
			t.missing++
		}
		if exact {
			t.exact++
		}
		if v != Correct {
			m := Mismatch{ID: c.id, Pointer: pointerOr(ptr), Field: pointerOr(n.pattern), Rule: n.rule.String(), Verdict: v, Expected: raw(exp)}
			if gotOK {
				m.Got = raw(got)
				if gotPtr != ptr {
					m.GotPointer = pointerOr(gotPtr)
				}
			}
			c.rec(m)
		}
	}
	if v == Correct {
		return 1, 1
	}
	return 1, 0
}

// list pairs the items of two lists and compares the pairs.
func (c *comparer) list(n *node, ptr, gotPtr string, exp []any, got any, gotOK bool) (cmp, ok int) {
	gl, _ := got.([]any)
	if !gotOK {
		gl = nil
	}
	var pair []int
	switch {
	case n.rule.Mode == ModeOrdered || len(exp) > maxAssign || len(gl) > maxAssign:
		pair = byPosition(len(exp), len(gl))
	default:
		pair = assign(c.similarity(n.items, exp, gl), len(gl))
	}
	paired := make([]bool, len(gl))
	matched := 0
	for i, e := range exp {
		ip := ptr
		if c.rec != nil {
			ip = ptr + "/" + strconv.Itoa(i)
		}
		j := pair[i]
		if j < 0 {
			a, b := c.value(n.items, ip, ip, e, nil, false)
			cmp += a
			ok += b
			continue
		}
		paired[j] = true
		jp := gotPtr
		if c.rec != nil {
			jp = gotPtr + "/" + strconv.Itoa(j)
		}
		a, b := c.value(n.items, ip, jp, e, gl[j], true)
		cmp += a
		ok += b
		if a == b {
			matched++
		}
	}
	extra := 0
	for j, p := range paired {
		if p {
			continue
		}
		extra++
		if c.rec != nil {
			c.rec(Mismatch{ID: c.id, Pointer: pointerOr(gotPtr) + "/" + strconv.Itoa(j), Field: pointerOr(n.pattern),
				Rule: n.rule.String(), Verdict: Extra, Got: raw(gl[j])})
		}
	}
	if c.rec != nil {
		t := &c.tallies[n.index]
		t.expItems += len(exp)
		t.gotItems += len(gl)
		t.matched += matched
		c.extra += extra
	}
	// An extra item counts against the similarity of whatever holds the list.
	return cmp + extra, ok
}

// similarity scores every (expected, extracted) pair of items: the share
// of the expected item's compared values that are right.
func (c *comparer) similarity(items *node, exp, got []any) [][]float64 {
	dry := &comparer{}
	sim := make([][]float64, len(exp))
	for i, e := range exp {
		sim[i] = make([]float64, len(got))
		for j, g := range got {
			a, b := dry.value(items, "", "", e, g, true)
			switch {
			case a > 0:
				sim[i][j] = float64(b) / float64(a)
			case jsonEqual(e, g):
				sim[i][j] = 1
			default:
				sim[i][j] = 0.01 // nothing labelled in the item: pair, but prefer any real match
			}
		}
	}
	return sim
}
