package partialjson

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSnapshotOfPrefix(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"nothing", ``, ``},
		{"white space", " \n\t", ``},
		{"open object", `{`, `{}`},
		{"partial name", `{"a`, `{}`},
		{"name without value", `{"a" :`, `{}`},
		{"open string value", `{"a": "he`, `{"a":"he"}`},
		{"empty open string", `{"a": "`, `{"a":""}`},
		{"number may grow", `{"a": 12`, `{}`},
		{"number ended by comma", `{"a": 12,`, `{"a":12}`},
		{"number ended by space", `{"a": 12 `, `{"a":12}`},
		{"dangling comma and name", `{"a": 1, "b`, `{"a":1}`},
		{"partial literal", `{"a": tr`, `{}`},
		{"literal", `{"a": true`, `{"a":true}`},
		{"null", `[null`, `[null]`},
		{"array number", `[1, 2`, `[1]`},
		{"array complete", `[1, 2]`, `[1,2]`},
		{"partial escape", `["a\`, `["a"]`},
		{"partial unicode escape", `["a\u00`, `["a"]`},
		{"unicode escape", `["a\u00e9`, `["a\u00e9"]`},
		{"escaped quote", `["a\"`, `["a\""]`},
		{"high surrogate held", `["\ud83d`, `[""]`},
		{"high surrogate, backslash", `["\ud83d\`, `[""]`},
		{"surrogate pair", `["\ud83d\ude00`, `["\ud83d\ude00"]`},
		{"lone high surrogate released", `["\ud83dx`, `["\ud83dx"]`},
		{"two high surrogates", `["\ud83d\ud83d`, `["\ud83d"]`},
		{"partial UTF-8", "[\"caf\xc3", `["caf"]`},
		{"UTF-8", "[\"caf\xc3\xa9", "[\"caf\xc3\xa9\"]"},
		{"invalid UTF-8 shown as U+FFFD", "[\"a\xffb", "[\"a\uFFFDb\"]"},
		{"nested", `[[[`, `[[[]]]`},
		{"deep", `{"a":{"b":[{"c":"d`, `{"a":{"b":[{"c":"d"}]}}`},
		{"empty containers", `{"a":[],"b":{}`, `{"a":[],"b":{}}`},
		{"top-level string", `"abc`, `"abc"`},
		{"top-level number", `12`, ``},
		{"top-level literal", `false`, `false`},
		{"compacted", "{ \"a\" : [ 1 , 2 ] ,\n\"b\" : \"x y\" }", `{"a":[1,2],"b":"x y"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Parser
			if err := p.WriteString(tt.in); err != nil {
				t.Fatal(err)
			}
			if got := string(p.Snapshot()); got != tt.want {
				t.Errorf("Snapshot = %q, want %q", got, tt.want)
			}
			if got := string(p.AppendSnapshot(nil)); got != tt.want {
				t.Errorf("AppendSnapshot = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, in string
		offset   int64
		msg      string
	}{
		{"trailing comma", `[1,]`, 4, "invalid character ']' looking for beginning of value"},
		{"mismatched closer", `{"a":1]`, 7, "invalid character ']' after object key:value pair"},
		{"missing colon", `{"a" 1}`, 6, "invalid character '1' after object key"},
		{"bare word", `[x]`, 2, "invalid character 'x' looking for beginning of value"},
		{"bad literal", `[tru]`, 5, "invalid character ']' in literal true (expecting 'e')"},
		{"leading zero", `01`, 2, "invalid character '1' after top-level value"},
		{"bad escape", `"\x"`, 3, "invalid character 'x' in string escape code"},
		{"bad hex", `"\u12g4"`, 6, `invalid character 'g' in \u hexadecimal character escape`},
		{"control character", "\"a\nb\"", 3, `invalid character '\n' in string literal`},
		{"two values", `{} {}`, 4, "invalid character '{' after top-level value"},
		{"dot without digits", `[1.]`, 4, "invalid character ']' in numeric literal"},
		{"exponent without digits", `[1e]`, 4, "invalid character ']' in numeric literal"},
		{"minus alone", `[-]`, 3, "invalid character ']' in numeric literal"},
		{"unquoted key", `{a:1}`, 2, "invalid character 'a' looking for beginning of object key string"},
		{"comma after brace", `{,}`, 2, "invalid character ',' looking for beginning of object key string"},
		{"closer first", `]`, 1, "invalid character ']' looking for beginning of value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Parser
			err := p.WriteString(tt.in)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Write = %v, want *SyntaxError", err)
			}
			if se.Offset != tt.offset || se.Msg != tt.msg {
				t.Errorf("got offset %d %q, want %d %q", se.Offset, se.Msg, tt.offset, tt.msg)
			}
			if err2 := p.WriteString(" "); err2 != err {
				t.Errorf("the error does not stick: %v", err2)
			}
			if err2 := p.Close(); err2 != err {
				t.Errorf("Close = %v, want %v", err2, err)
			}
		})
	}
}

func TestClose(t *testing.T) {
	tests := []struct {
		in      string
		wantEOF bool
		want    any
	}{
		{in: `12`, want: jsonNumber("12")},
		{in: ` -0.5e+3 `, want: jsonNumber("-0.5e+3")},
		{in: `{"a":1}`, want: map[string]any{"a": jsonNumber("1")}},
		{in: ``, wantEOF: true},
		{in: `1.`, wantEOF: true},
		{in: `[1`, wantEOF: true},
		{in: `{"a":1`, wantEOF: true},
		{in: `"abc`, wantEOF: true},
		{in: `tru`, wantEOF: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var p Parser
			if err := p.WriteString(tt.in); err != nil {
				t.Fatal(err)
			}
			err := p.Close()
			if tt.wantEOF {
				var se *SyntaxError
				if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &se) || se.Offset != int64(len(tt.in)) {
					t.Fatalf("Close = %v, want a SyntaxError wrapping io.ErrUnexpectedEOF at offset %d", err, len(tt.in))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !p.Complete() {
				t.Error("Complete = false after Close")
			}
			if diff := cmp.Diff(tt.want, plainValue(p.Value())); diff != "" {
				t.Errorf("Value (-want +got):\n%s", diff)
			}
			if err := p.WriteString(" "); !errors.Is(err, ErrClosed) {
				t.Errorf("Write after Close = %v, want ErrClosed", err)
			}
		})
	}
}

func TestDepth(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	var p Parser
	if err := p.WriteString(nest(DefaultMaxDepth)); err != nil {
		t.Fatalf("depth %d: %v", DefaultMaxDepth, err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p = Parser{}
	err := p.WriteString(nest(DefaultMaxDepth + 1))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Msg != "exceeded max depth" || se.Offset != DefaultMaxDepth+1 {
		t.Errorf("depth %d: %v, want exceeded max depth", DefaultMaxDepth+1, err)
	}
	p = Parser{MaxDepth: 3}
	if err := p.WriteString(`{"a":[{"b":[]}]}`); err == nil {
		t.Error("MaxDepth 3 allowed depth 4")
	}
	// A million open brackets: an error, not a stack overflow.
	p = Parser{MaxDepth: -1}
	if err := p.WriteString(strings.Repeat("[", 1_000_000)); err == nil {
		t.Error("no error for a million open brackets")
	}
}

func TestEvents(t *testing.T) {
	in := `{"id":"A1","lines":[{"sku":"x","qty":2},{"sku":"y","qty":3}],"a/b~":[[1],[]],"":null}`
	var p Parser
	var got []string
	for i := 0; i < len(in); i += 5 {
		if err := p.WriteString(in[i:min(i+5, len(in))]); err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Events() {
			s := e.Kind.String() + " " + e.Pointer()
			if e.Kind == ValueEnd {
				s += " " + string(e.Raw)
			}
			got = append(got, s)
		}
	}
	want := []string{
		`start `,
		`start /id`,
		`end /id "A1"`,
		`start /lines`,
		`start /lines/0`,
		`start /lines/0/sku`,
		`end /lines/0/sku "x"`,
		`start /lines/0/qty`,
		`end /lines/0/qty 2`,
		`end /lines/0 {"sku":"x","qty":2}`,
		`start /lines/1`,
		`start /lines/1/sku`,
		`end /lines/1/sku "y"`,
		`start /lines/1/qty`,
		`end /lines/1/qty 3`,
		`end /lines/1 {"sku":"y","qty":3}`,
		`end /lines [{"sku":"x","qty":2},{"sku":"y","qty":3}]`,
		`start /a~1b~0`,
		`start /a~1b~0/0`,
		`start /a~1b~0/0/0`,
		`end /a~1b~0/0/0 1`,
		`end /a~1b~0/0 [1]`,
		`start /a~1b~0/1`,
		`end /a~1b~0/1 []`,
		`end /a~1b~0 [[1],[]]`,
		`start /`,
		`end / null`,
		`end  ` + in,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	for _, ptr := range []string{"", "/id", "/lines/1/qty", "/a~1b~0/0/0", "/"} {
		if !p.Present(ptr) || !p.Done(ptr) {
			t.Errorf("Present/Done(%q) = false", ptr)
		}
	}
	for _, ptr := range []string{"/nope", "/lines/2", "/lines/01", "/lines/-1", "/id/0", "lines", "/lines/x"} {
		if p.Present(ptr) {
			t.Errorf("Present(%q) = true", ptr)
		}
	}
}

func TestEventParentIndex(t *testing.T) {
	var p Parser
	if err := p.WriteString(`{"lines":[{"tags":["a"]}]}`); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range p.Events() {
		if e.Kind == ValueEnd {
			got = append(got, e.Pointer()+" parent="+e.Parent()+" index="+itoa(e.Index())+" depth="+itoa(e.Depth))
		}
	}
	want := []string{
		"/lines/0/tags/0 parent=/lines/0/tags index=0 depth=4",
		"/lines/0/tags parent=/lines/0 index=-1 depth=3",
		"/lines/0 parent=/lines index=0 depth=2",
		"/lines parent= index=-1 depth=1",
		" parent= index=-1 depth=0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPresentAndDoneWhileStreaming(t *testing.T) {
	var p Parser
	steps := []struct {
		delta            string
		present, notYet  []string
		done, notDoneYet []string
	}{
		{delta: `{"name":"Ad`, present: []string{"", "/name"}, notYet: []string{"/qty"}, notDoneYet: []string{"", "/name"}},
		{delta: `a","qty":1`, present: []string{"/name"}, notYet: []string{"/qty"}, done: []string{"/name"}},
		{delta: `0}`, present: []string{"/qty"}, done: []string{"", "/qty"}},
	}
	for _, s := range steps {
		if err := p.WriteString(s.delta); err != nil {
			t.Fatal(err)
		}
		for _, ptr := range s.present {
			if !p.Present(ptr) {
				t.Errorf("after %q: Present(%q) = false", s.delta, ptr)
			}
		}
		for _, ptr := range s.notYet {
			if p.Present(ptr) {
				t.Errorf("after %q: Present(%q) = true", s.delta, ptr)
			}
		}
		for _, ptr := range s.done {
			if !p.Done(ptr) {
				t.Errorf("after %q: Done(%q) = false", s.delta, ptr)
			}
		}
		for _, ptr := range s.notDoneYet {
			if p.Done(ptr) {
				t.Errorf("after %q: Done(%q) = true", s.delta, ptr)
			}
		}
	}
	if !p.Complete() {
		t.Error("Complete = false")
	}
}

func TestObjectOrderAndDuplicates(t *testing.T) {
	var p Parser
	if err := p.WriteString(`{"b":1,"a":2,"b":3}`); err != nil {
		t.Fatal(err)
	}
	o := p.Value().(*Object)
	if diff := cmp.Diff([]string{"b", "a"}, o.Keys()); diff != "" {
		t.Errorf("Keys (-want +got):\n%s", diff)
	}
	if v, _ := o.Get("b"); v != jsonNumber("3") {
		t.Errorf(`Get("b") = %v, want 3 (the last wins)`, v)
	}
	b, err := o.MarshalJSON()
	if err != nil || string(b) != `{"b":3,"a":2}` {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
}
