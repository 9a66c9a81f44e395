package review

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/seed0611af48/quarry/pipeline"
)

func TestLeaves(t *testing.T) {
	tests := []struct {
		in   string
		want string // pointer=value, space-separated
		bad  bool
	}{
		{`{"a":1,"b":{"c":"x","d":[true,null]}}`, `/a=1 /b/c="x" /b/d/0=true /b/d/1=null`, false},
		{`{"z":1,"a":2}`, `/z=1 /a=2`, false}, // the value's order, not sorted
		{`"root"`, `="root"`, false},
		{`{"a/b":{"~":1.50}}`, `/a~1b/~0=1.50`, false},
		{`{}`, ``, false},
		{``, ``, false},
		{`{"a":1,"b":`, `/a=1`, true},
		{strings.Repeat("[", 300) + strings.Repeat("]", 300), ``, true},
	}
	for _, tt := range tests {
		ls, err := leaves(json.RawMessage(tt.in))
		var got []string
		for _, l := range ls {
			got = append(got, l.pointer+"="+string(l.value))
		}
		if strings.Join(got, " ") != tt.want || (err != nil) != tt.bad {
			t.Errorf("leaves(%.40q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

// FuzzLeaves checks that any ledger value is walked without a panic, and
// that a valid one (as Go writes it again: no duplicate keys) gives as many
// leaves as it has scalars.
func FuzzLeaves(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":null}],"c":"\u003c"}`, `[[],{}]`, `1e400`, `{"a":1}x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := leaves(json.RawMessage(s)); err != nil {
			return
		}
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		again, _ := json.Marshal(v)
		ls, err := leaves(again)
		if err != nil {
			t.Fatalf("leaves(%q): %v", again, err)
		}
		if n := countScalars(v); n != len(ls) {
			t.Fatalf("%d leaves for %d scalars in %q", len(ls), n, s)
		}
	})
}

func countScalars(v any) int {
	switch v := v.(type) {
	case map[string]any:
		n := 0
		for _, e := range v {
			n += countScalars(e)
		}
		return n
	case []any:
		n := 0
		for _, e := range v {
			n += countScalars(e)
		}
		return n
	}
	return 1
}

// FuzzFields feeds any recorded value and evidence to the page's reading of
// them: no panic, and every field has a pointer or comes from the value.
func FuzzFields(f *testing.F) {
	f.Add(`{"a":1}`, `[{"pointer":"/a","value":1,"quote":"1","page":2,"start":-4,"end":99,"end_page":1,"match":"exact","score":1,"verdict":"supported","boxes":[{"page":0,"x":1,"y":1,"w":1,"h":1}]}]`)
	f.Add(`[1,2]`, `{}`)
	f.Add(`null`, `[{"pointer":"/x"}]`)
	f.Fuzz(func(t *testing.T, value, ev string) {
		o := &pipeline.Outcome{Value: json.RawMessage(value), Evidence: json.RawMessage(ev)}
		fields, _ := fieldsOf(o)
		for _, fl := range fields {
			for p := -1; p < 4; p++ {
				s, e, ok := fl.spanOn(p, 10)
				if ok && (s > e && fl.EndPage == 0) {
					t.Fatalf("spanOn(%d) = %d, %d for %+v", p, s, e, fl)
				}
			}
		}
	})
}
