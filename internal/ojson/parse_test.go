package ojson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		opts     Options
		want     string // compact re-encoding, or the error's message
		wantErr  bool
	}{
		{name: "object order", in: ` {"b":1, "a":[true,false,null,"x"]} `, want: `{"b":1,"a":[true,false,null,"x"]}`},
		{name: "number text kept", in: `[1.50,-0,2e10,1E-3]`, want: `[1.50,-0,2e10,1E-3]`},
		{name: "escapes", in: `"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00<&>"`, want: `"a\"\\/\u0008\u000c\n\r\té😀<&>"`},
		{name: "line separators escaped", in: "\"\u2028\u2029\"", want: `"\u2028\u2029"`},
		{name: "invalid UTF-8 replaced", in: "\"a\xffb\"", want: "\"a\uFFFDb\""},
		{name: "empty containers", in: `{"a":{},"b":[]}`, want: `{"a":{},"b":[]}`},
		{name: "duplicate key", in: `{"a":{"x":1,"x":2}}`, wantErr: true,
			want: `invalid JSON at offset 12: duplicate key "x" in the object at "/a"`},
		{name: "duplicate key in a large object", in: `{"a":0,"b":0,"c":0,"d":0,"e":0,"f":0,"g":0,"h":0,"i":0,"j":0,"k":0,"l":0,"m":0,"n":0,"o":0,"p":0,"q":0,"a":1}`,
			wantErr: true, want: `invalid JSON at offset 103: duplicate key "a" in the object at ""`},
		{name: "duplicates kept", in: `{"a":1,"a":2}`, opts: Options{KeepDuplicates: true}, want: `{"a":1,"a":2}`},
		{name: "duplicate in an array element", in: `[0,{"k":1,"k":1}]`, wantErr: true,
			want: `invalid JSON at offset 10: duplicate key "k" in the object at "/1"`},
		{name: "depth limit", in: `[[[1]]]`, opts: Options{MaxDepth: 2}, wantErr: true,
			want: `invalid JSON at offset 2: nesting deeper than 2 levels`},
		{name: "depth at the limit", in: `[[1]]`, opts: Options{MaxDepth: 2}, want: `[[1]]`},
		{name: "trailing data", in: `1 2`, wantErr: true, want: `invalid JSON at offset 2: invalid character '2' after top-level value`},
		{name: "empty", in: ``, wantErr: true, want: `invalid JSON at offset 0: unexpected end of JSON input`},
		{name: "leading zero", in: `01`, wantErr: true, want: `invalid JSON at offset 1: invalid character '1' after top-level value`},
		{name: "bad exponent", in: `1e+`, wantErr: true, want: `invalid JSON at offset 3: invalid number: no digits in the exponent`},
		{name: "bad literal", in: `nul`, wantErr: true, want: `invalid JSON at offset 0: invalid literal`},
		{name: "control character", in: "\"a\nb\"", wantErr: true, want: `invalid JSON at offset 2: invalid control character in string`},
		{name: "bad escape", in: `"\x"`, wantErr: true, want: `invalid JSON at offset 2: invalid escape character 'x'`},
		{name: "unclosed object", in: `{"a":1`, wantErr: true, want: `invalid JSON at offset 6: unexpected end of JSON input`},
		{name: "missing colon", in: `{"a" 1}`, wantErr: true, want: `invalid JSON at offset 5: expected ':' after object key`},
		{name: "key not a string", in: `{1:2}`, wantErr: true, want: `invalid JSON at offset 1: expected a string for an object key`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := tt.opts.Parse([]byte(tt.in))
			if tt.wantErr {
				var perr *Error
				if !errors.As(err, &perr) {
					t.Fatalf("Parse(%q) = %v, want an *Error", tt.in, err)
				}
				if err.Error() != tt.want {
					t.Errorf("Parse(%q) error\n got %s\nwant %s", tt.in, err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got := v.String(); got != tt.want {
				t.Errorf("Parse(%q) re-encoded\n got %s\nwant %s", tt.in, got, tt.want)
			}
			if strings.TrimSpace(tt.in) != string(v.Raw) {
				t.Errorf("Raw = %q, want the input %q", v.Raw, strings.TrimSpace(tt.in))
			}
		})
	}
}

func TestLookup(t *testing.T) {
	v, err := Parse([]byte(`{"a":[{"b~/c":1},"x"],"":true}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ptr  string
		want string // "" when absent
	}{
		{"", `{"a":[{"b~/c":1},"x"],"":true}`},
		{"/a/0/b~0~1c", "1"},
		{"/a/1", `"x"`},
		{"/", "true"},
		{"/a/2", ""},
		{"/a/01", ""},
		{"/a/-1", ""},
		{"/a/1/x", ""},
		{"a", ""},
		{"/missing", ""},
	}
	for _, tt := range tests {
		got := v.Lookup(tt.ptr)
		switch {
		case got == nil && tt.want != "":
			t.Errorf("Lookup(%q) = nil, want %s", tt.ptr, tt.want)
		case got != nil && got.String() != tt.want:
			t.Errorf("Lookup(%q) = %s, want %q", tt.ptr, got, tt.want)
		}
	}
}

func TestMarshalIndent(t *testing.T) {
	v := Obj(Member{"b", Arr(Num("1"), Boolean(true))}, Member{"a", Obj()}, Member{"c", Arr()}, Member{"d", Value{}})
	want := "{\n  \"b\": [\n    1,\n    true\n  ],\n  \"a\": {},\n  \"c\": [],\n  \"d\": null\n}"
	if got := string(v.Marshal("  ")); got != want {
		t.Errorf("Marshal:\n%s\nwant\n%s", got, want)
	}
}

func TestGetLast(t *testing.T) {
	v, err := Options{KeepDuplicates: true}.Parse([]byte(`{"a":1,"a":2}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Get("a"); got == nil || got.Text != "2" {
		t.Errorf("Get(a) = %v, want the last, 2", got)
	}
	if v.Get("b") != nil || (&Value{}).Get("a") != nil {
		t.Error("Get of a missing key or of a non-object is not nil")
	}
}

func TestMarshalJSON(t *testing.T) {
	// encoding/json writes a Value as it is, then escapes as it always does.
	v := struct {
		V Value `json:"v"`
	}{Obj(Member{"z", Str("<a>")}, Member{"a", Num("1.50")})}
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"v":{"z":"\u003ca\u003e","a":1.50}}`; string(got) != want {
		t.Errorf("json.Marshal = %s, want %s", got, want)
	}
}
