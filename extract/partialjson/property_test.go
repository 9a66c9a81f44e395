package partialjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// samples are answers the parser must agree with encoding/json on, however
// they are cut into deltas.
var samples = map[string]string{
	"invoice": `{
  "invoice_id": "INV-2024-0001",
  "customer": {"name": "Café \"Zürich\" AG", "vat": null, "tags": ["b2b", "eu"]},
  "issued": "2024-03-01",
  "paid": false, "draft": true,
  "lines": [
    {"sku": "A-1", "description": "Widget\twith tab\nand newline", "qty": 2, "unit_price": 19.99, "tax": 0.2},
    {"sku": "B-2", "description": "日本語のテキスト 😀 \u00e9\ud83d\ude00\u20ac", "qty": 10, "unit_price": 1e2, "tax": -0},
    {"sku": "C-3", "description": "back\\slash \/ solidus", "qty": 12345678901234567890, "unit_price": 0.5E-3, "tax": 1.0e+2},
    {"sku": "", "description": "", "qty": 0, "unit_price": -12.75, "tax": 0}
  ],
  "matrix": [[1, 2], [], [[3]], [{"a": []}]],
  "notes": [],
  "extra": {},
  "total": 1234.5
}`,
	"list of strings": `["a", "bb", "", "ddd \u0041", "e\"e"]`,
	"string":          `"plain ASCII, \"quoted\", \\ and \u2603 snowman, é, \ud834\udd1e"`,
	"number":          `-12.5e-3`,
	"zero":            `0`,
	"true":            ` true `,
	"null":            `null`,
	"empty array":     `[]`,
	"empty object":    `{ }`,
	"lone surrogates": `["\ud83d", "\ude00", "\ud83d\u0041", "\ud83d\ud83d\ude00"]`,
	"nested":          strings.Repeat(`{"a":[`, 40) + `"deep"` + strings.Repeat(`]}`, 40),
	"odd keys":        `{"a/b": 1, "c~d": {"": [true, false, null]}, "ü": "x"}`,
	"white space":     "\r\n\t [ 1 ,\t2 , { \"k\" :\n\"v\" } ] \n",
}

func TestSplitAtEveryByte(t *testing.T) {
	for name, doc := range samples {
		t.Run(name, func(t *testing.T) {
			for cut := 0; cut <= len(doc); cut++ {
				feed(t, doc, []int{cut})
			}
			all := make([]int, len(doc)) // one byte per delta
			for i := range all {
				all[i] = i
			}
			feed(t, doc, all)
		})
	}
}

func TestRandomSplits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for name, doc := range samples {
		t.Run(name, func(t *testing.T) {
			for range 50 {
				feed(t, doc, randomCuts(r, len(doc), 20))
			}
		})
	}
}

// randomCuts returns sorted cut offsets in [0, n] between deltas of 1 to max bytes.
func randomCuts(r *rand.Rand, n, max int) []int {
	var cuts []int
	for at := 0; at < n; {
		at += 1 + r.IntN(max)
		cuts = append(cuts, min(at, n))
	}
	return cuts
}

// feed writes doc cut at the given offsets and checks the parser after every
// delta: no error, values only grow, present values stay present, the
// snapshot decodes to the value, and in the end the events and values agree
// with encoding/json.
func feed(t *testing.T, doc string, cuts []int) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("cuts %v: %s", cuts, fmt.Sprintf(format, args...))
	}
	var p Parser
	var (
		prev    any
		hadPrev bool
		started = map[string]bool{}
		events  []Event
	)
	check := func() {
		t.Helper()
		for _, e := range p.Events() {
			ptr := e.Pointer()
			switch e.Kind {
			case ValueStart:
				if started[ptr] {
					fail("second start of %q", ptr)
				}
				started[ptr] = true
			case ValueEnd:
				if !started[ptr] {
					fail("end before start of %q", ptr)
				}
				if !p.Done(ptr) {
					fail("Done(%q) = false after its end", ptr)
				}
			}
			events = append(events, e)
		}
		for ptr := range started {
			if !p.Present(ptr) {
				fail("Present(%q) = false after its start", ptr)
			}
		}
		v := p.Value()
		if hadPrev {
			if err := growsFrom(prev, v, ""); err != nil {
				fail("value did not grow: %v", err)
			}
		}
		prev, hadPrev = v, p.Present("")
		snap := p.Snapshot()
		if snap == nil {
			if p.Present("") {
				fail("nil Snapshot with a present value")
			}
			return
		}
		sv, err := decodeStd(snap)
		if err != nil {
			fail("Snapshot %q: %v", snap, err)
		}
		if d := diff(sv, plainValue(v)); d != "" {
			fail("Snapshot %s and Value differ (-snapshot +value):\n%s", snap, d)
		}
	}
	at := 0
	for _, c := range append(cuts, len(doc)) {
		if err := p.WriteString(doc[at:c]); err != nil {
			fail("Write: %v", err)
		}
		at = c
		check()
	}
	if err := p.Close(); err != nil {
		fail("Close: %v", err)
	}
	check()

	want, err := decodeStd([]byte(doc))
	if err != nil {
		t.Fatalf("bad sample: %v", err)
	}
	if d := diff(want, plainValue(p.Value())); d != "" {
		fail("final Value (-encoding/json +got):\n%s", d)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(doc)); err != nil {
		t.Fatal(err)
	}
	if got := p.Snapshot(); !bytes.Equal(got, compact.Bytes()) {
		fail("final Snapshot %s, want %s", got, compact.Bytes())
	}
	if !p.Complete() {
		fail("Complete = false")
	}
	elems := map[string][]Event{}
	for _, e := range events {
		if e.Kind == ValueEnd && e.Index() >= 0 {
			elems[e.Parent()] = append(elems[e.Parent()], e)
		}
	}
	checkElements(t, want, "", elems)
}

// checkElements checks that each array's elements were reported by exactly
// one ValueEnd each, in order, with the element's raw JSON.
func checkElements(t *testing.T, v any, ptr string, elems map[string][]Event) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			k = strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
			checkElements(t, x, ptr+"/"+k, elems)
		}
	case []any:
		var got []any
		for _, e := range elems[ptr] {
			if e.Index() != len(got) {
				t.Fatalf("%s: element %d reported as element %d", ptr, len(got), e.Index())
			}
			x, err := decodeStd(e.Raw)
			if err != nil {
				t.Fatalf("%s/%d: Raw %q: %v", ptr, e.Index(), e.Raw, err)
			}
			got = append(got, x)
		}
		if d := diff(v, got); d != "" && !(len(v) == 0 && len(got) == 0) {
			t.Fatalf("%s: element events (-want +got):\n%s", ptr, d)
		}
		for i, x := range v {
			checkElements(t, x, fmt.Sprintf("%s/%d", ptr, i), elems)
		}
	}
}

// invalid inputs must give a SyntaxError, from Write or from Close, however
// they are cut.
var invalid = []string{
	`{"a":1,}`, `[1,]`, `{"a" 1}`, `{"a":}`, `[1 2]`, `["a" "b"]`, `{"a":1]`, `[}`,
	`[01]`, `[1.]`, `[.5]`, `[1e]`, `[+1]`, `[-]`, `[tru]`, `[nul]`, `[True]`, `[NaN]`,
	`["\x"]`, `["\u12"]`, `["\u12g4"]`, "[\"a\nb\"]", `"abc`, `{"a":"b"`, `{} {}`,
	`[] x`, ``, ` `, `{`, `{"a"`, `{"a":`, `{,}`, `{1:2}`, `'a'`, `[,1]`, `1 2`,
}

func TestInvalid(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, doc := range invalid {
		t.Run(doc, func(t *testing.T) {
			for cut := 0; cut <= len(doc); cut++ {
				expectSyntaxError(t, doc, []int{cut})
			}
			for range 20 {
				expectSyntaxError(t, doc, randomCuts(r, len(doc), 4))
			}
		})
	}
}

// TestMutations compares the parser with json.Valid on every sample with
// each byte replaced by each of a few troublesome bytes, and on every prefix.
func TestMutations(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for name, doc := range samples {
		t.Run(name, func(t *testing.T) {
			for i := range len(doc) {
				for _, c := range []byte(`{}[]",:\ 1-.ex`) {
					m := []byte(doc)
					m[i] = c
					agree(t, m, randomCuts(r, len(m), 8))
				}
				agree(t, []byte(doc[:i]), randomCuts(r, i, 8))
			}
		})
	}
}

// agree checks that the parser accepts data exactly when encoding/json does,
// and then decodes it the same.
func agree(t *testing.T, data []byte, cuts []int) {
	t.Helper()
	var p Parser
	var err error
	at := 0
	for _, c := range append(cuts, len(data)) {
		if err = p.Write(data[at:c]); err != nil {
			break
		}
		at = c
	}
	if err == nil {
		err = p.Close()
	}
	var se *SyntaxError
	if err != nil && !errors.As(err, &se) {
		t.Fatalf("%q: error %v is not a *SyntaxError", data, err)
	}
	want, wantErr := decodeStd(data)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("%q: got error %v, encoding/json says %v", data, err, wantErr)
	}
	if err == nil {
		if d := diff(want, plainValue(p.Value())); d != "" {
			t.Fatalf("%q: Value (-encoding/json +got):\n%s", data, d)
		}
	}
}

func expectSyntaxError(t *testing.T, doc string, cuts []int) {
	t.Helper()
	var p Parser
	at := 0
	for _, c := range append(cuts, len(doc)) {
		if err := p.WriteString(doc[at:c]); err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("cuts %v: Write = %v, want *SyntaxError", cuts, err)
			}
			return
		}
		at = c
	}
	err := p.Close()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("cuts %v: no SyntaxError, Close = %v", cuts, err)
	}
}
