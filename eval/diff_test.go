package eval

import (
	"testing"
)

const linesSchema = `{"type":"object","properties":{
	"lines":{"type":"array","items":{"type":"object","properties":{
		"sku":{"type":"string"},"qty":{"type":"integer"}}}},
	"tags":{"type":"array","items":{"type":"string"}},
	"steps":{"type":"array","x-quarry-compare":"ordered","items":{"type":"string"}}}}`

func TestListAlignment(t *testing.T) {
	plan, err := NewPlan([]byte(linesSchema), nil)
	if err != nil {
		t.Fatal(err)
	}
	const exp = `{"lines":[{"sku":"A","qty":1},{"sku":"B","qty":2},{"sku":"C","qty":3}]}`
	tests := []struct {
		name                      string
		exp, got                  string
		compared, correct, extra  int
		expItems, gotItems, match int
		verdicts                  []Verdict
	}{
		{"same", exp, exp, 6, 6, 0, 3, 3, 3, nil},
		{"reordered", exp, `{"lines":[{"sku":"C","qty":3},{"sku":"A","qty":1},{"sku":"B","qty":2}]}`, 6, 6, 0, 3, 3, 3, nil},
		{"missing middle", exp, `{"lines":[{"sku":"A","qty":1},{"sku":"C","qty":3}]}`, 6, 4, 0, 3, 2, 2, []Verdict{Missing, Missing}},
		{"extra", exp, `{"lines":[{"sku":"X","qty":9},{"sku":"A","qty":1},{"sku":"B","qty":2},{"sku":"C","qty":3}]}`, 6, 6, 1, 3, 4, 3, []Verdict{Extra}},
		{"one value wrong, reordered", exp, `{"lines":[{"sku":"B","qty":2},{"sku":"C","qty":4},{"sku":"A","qty":1}]}`, 6, 5, 0, 3, 3, 2, []Verdict{Wrong}},
		{"missing and extra", exp, `{"lines":[{"sku":"C","qty":3},{"sku":"Z","qty":7},{"sku":"A","qty":1}]}`, 6, 4, 1, 3, 3, 2, []Verdict{Missing, Missing, Extra}},
		{"not a list", exp, `{"lines":null}`, 6, 0, 0, 3, 0, 0, []Verdict{Missing, Missing, Missing, Missing, Missing, Missing}},
		{"expected empty, got items", `{"lines":[]}`, exp, 0, 0, 3, 0, 3, 0, []Verdict{Extra, Extra, Extra}},
		{"expected null list", `{"lines":null}`, `{"lines":[]}`, 1, 0, 0, 0, 0, 0, []Verdict{Wrong}},
		{"scalar list reordered", `{"tags":["x","y","z"]}`, `{"tags":["Z","x","y","w"]}`, 3, 3, 1, 3, 4, 3, []Verdict{Extra}},
		{"ordered list pairs by position", `{"steps":["a","b"]}`, `{"steps":["b","a"]}`, 2, 0, 0, 2, 2, 0, []Verdict{Wrong, Wrong}},
		{"unlabelled key not compared", `{}`, exp, 0, 0, 0, 0, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := decode([]byte(tt.exp))
			g, _ := decode([]byte(tt.got))
			var verdicts []Verdict
			c := &comparer{tallies: make([]tally, len(plan.fields)), rec: func(m Mismatch) { verdicts = append(verdicts, m.Verdict) }}
			cmpd, ok := c.value(plan.root, "", "", e, g, true)
			var items tally
			for i, n := range plan.fields {
				if n.kind == kindList {
					items.expItems += c.tallies[i].expItems
					items.gotItems += c.tallies[i].gotItems
					items.matched += c.tallies[i].matched
				}
			}
			if cmpd-c.extra != tt.compared || ok != tt.correct || c.extra != tt.extra {
				t.Errorf("compared %d, correct %d, extra %d; want %d, %d, %d", cmpd-c.extra, ok, c.extra, tt.compared, tt.correct, tt.extra)
			}
			if items.expItems != tt.expItems || items.gotItems != tt.gotItems || items.matched != tt.match {
				t.Errorf("items expected %d, extracted %d, matched %d; want %d, %d, %d", items.expItems, items.gotItems, items.matched, tt.expItems, tt.gotItems, tt.match)
			}
			if len(verdicts) != len(tt.verdicts) {
				t.Fatalf("verdicts %v, want %v", verdicts, tt.verdicts)
			}
			for i := range verdicts {
				if verdicts[i] != tt.verdicts[i] {
					t.Fatalf("verdicts %v, want %v", verdicts, tt.verdicts)
				}
			}
		})
	}
}

// TestLongListByPosition: lists past maxAssign pair by position.
func TestLongListByPosition(t *testing.T) {
	plan, err := NewPlan([]byte(linesSchema), nil)
	if err != nil {
		t.Fatal(err)
	}
	exp := make([]any, maxAssign+1)
	got := make([]any, maxAssign+1)
	for i := range exp {
		exp[i] = "x" + string(rune('a'+i%26))
		got[(i+1)%len(got)] = exp[i]
	}
	c := &comparer{tallies: make([]tally, len(plan.fields)), rec: func(Mismatch) {}}
	_, ok := c.value(plan.root, "", "", map[string]any{"tags": exp}, map[string]any{"tags": got}, true)
	if ok == len(exp) {
		t.Fatalf("a rotated list of %d items paired by position should not be all right", len(exp))
	}
}

func TestIgnoredFieldsAreNotCompared(t *testing.T) {
	plan, err := NewPlan([]byte(`{"type":"object","properties":{
		"a":{"type":"string"},
		"note":{"type":"string","x-quarry-compare":"ignore"},
		"meta":{"type":"object","x-quarry-compare":"ignore","properties":{"x":{"type":"string"}}},
		"tags":{"type":"array","x-quarry-compare":"ignore","items":{"type":"string"}}}}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := decode([]byte(`{"a":"x","note":"n","meta":{"x":"1"},"tags":["a"]}`))
	g, _ := decode([]byte(`{"a":"x","note":"other","meta":null,"tags":[]}`))
	var got []Mismatch
	c := &comparer{tallies: make([]tally, len(plan.fields)), rec: func(m Mismatch) { got = append(got, m) }}
	if n, ok := c.value(plan.root, "", "", e, g, true); n != 1 || ok != 1 || len(got) != 0 {
		t.Errorf("compared %d, right %d, mismatches %v; want only /a compared", n, ok, got)
	}
	for i, tl := range c.tallies {
		if tl.compared > 0 && plan.fields[i].pattern != "/a" {
			t.Errorf("%s tallied %+v", plan.fields[i].pattern, tl)
		}
	}
}

// FuzzCompare: any schema and any two values compare without a panic, and
// a value always equals itself.
func FuzzCompare(f *testing.F) {
	f.Add([]byte(linesSchema), []byte(`{"lines":[{"sku":"A","qty":1}],"tags":["x"]}`), []byte(`{"lines":[{"sku":"a","qty":1.0},{}],"tags":null}`))
	f.Add([]byte(`{"type":"object","properties":{"a":{"$ref":"#"},"b":{"$ref":"#"}}}`), []byte(`{"a":{"b":{}}}`), []byte(`{"a":[]}`))
	f.Add([]byte(`{"type":"array","items":{"type":"string","format":"date"}}`), []byte(`["2024-03-05","05.03.2024"]`), []byte(`["March 5, 2024"]`))
	f.Fuzz(func(t *testing.T, schemaDoc, exp, got []byte) {
		plan, err := NewPlan(schemaDoc, nil)
		if err != nil {
			return
		}
		e, err1 := decode(exp)
		g, err2 := decode(got)
		if err1 != nil || err2 != nil {
			return
		}
		c := &comparer{tallies: make([]tally, len(plan.fields)), rec: func(Mismatch) {}}
		c.value(plan.root, "", "", e, g, true)
		self := &comparer{tallies: make([]tally, len(plan.fields)), rec: func(m Mismatch) {
			t.Errorf("a value differs from itself at %s: %+v", m.Pointer, m)
		}}
		self.value(plan.root, "", "", e, e, true)
	})
}
