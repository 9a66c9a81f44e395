package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// upper is a json.Unmarshaler that accepts only upper-case strings.
type upper string

func (u *upper) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if strings.ToUpper(s) != s {
		return fmt.Errorf("%q is not upper case", s)
	}
	*u = upper(s)
	return nil
}

// level is an encoding.TextUnmarshaler.
type level int

func (l level) MarshalText() ([]byte, error) { return []byte(fmt.Sprint(int(l))), nil }
func (l *level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*l = 1
	case "high":
		*l = 2
	default:
		return fmt.Errorf("unknown level %q", b)
	}
	return nil
}

type decKinds struct {
	Name  string    `json:"name"`
	Small int8      `json:"small"`
	Count uint      `json:"count"`
	Ratio float32   `json:"ratio"`
	OK    bool      `json:"ok"`
	When  time.Time `json:"when"`
	Maybe *string   `json:"maybe"`
	Must  *string   `json:"must" validate:"required"`
	Soft  string    `json:"soft,omitempty"`
	Code  upper     `json:"code"`
	Level level     `json:"level"`
	Data  []byte    `json:"data"`
	Pair  [2]int    `json:"pair"`
	Lines []Line    `json:"lines"`
	Rate  int       `json:"rate,string"`
	Meta
}

const decValid = `{"name":"a","small":-3,"count":7,"ratio":0.25,"ok":true,"when":"2024-05-01T10:00:00Z",
"maybe":null,"must":"m","soft":null,"code":"ABC","level":"high","data":"aGk=","pair":[1,2],
"lines":[{"description":"x","quantity":2,"unit_price":1.5}],"rate":"42","id":"d1","created":"2024-01-02T03:04:05Z"}`

func TestDecodeValid(t *testing.T) {
	var got decKinds
	if err := Decode([]byte(decValid), &got); err != nil {
		t.Fatal(err)
	}
	var want decKinds
	if err := json.Unmarshal([]byte(decValid), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode differs from encoding/json (-want +got):\n%s", diff)
	}
	if got.Level != 2 || got.Code != "ABC" || string(got.Data) != "hi" || got.Rate != 42 || got.ID != "d1" {
		t.Errorf("unexpected value %+v", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	// replace swaps one member of decValid for another (or drops it when
	// with is empty).
	replace := func(key, with string) string {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(decValid), &m); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		b.WriteString("{")
		first := true
		for _, k := range []string{"name", "small", "count", "ratio", "ok", "when", "maybe", "must", "soft",
			"code", "level", "data", "pair", "lines", "rate", "id", "created"} {
			v := string(m[k])
			if k == key {
				if with == "" {
					continue
				}
				v = with
			}
			if !first {
				b.WriteString(",")
			}
			first = false
			fmt.Fprintf(&b, "%q:%s", k, v)
		}
		b.WriteString("}")
		return b.String()
	}
	tests := []struct {
		name  string
		input string
		want  []*FieldError
	}{
		{"unknown field", strings.Replace(decValid, `"name":"a"`, `"name":"a","nme":1`, 1),
			[]*FieldError{{Pointer: "/nme", Field: "decKinds", Message: `unknown field "nme"`}}},
		{"duplicate field", strings.Replace(decValid, `"name":"a"`, `"name":"a","name":"b"`, 1),
			[]*FieldError{{Pointer: "/name", Field: "decKinds.Name", Message: "duplicate field"}}},
		{"missing field", replace("name", ""),
			[]*FieldError{{Pointer: "/name", Field: "decKinds.Name", Message: "missing"}}},
		{"missing pointer field", replace("maybe", ""),
			[]*FieldError{{Pointer: "/maybe", Field: "decKinds.Maybe", Message: "missing"}}},
		{"missing promoted field", replace("created", ""),
			[]*FieldError{{Pointer: "/created", Field: "decKinds.Created", Message: "missing"}}},
		{"null for non-nullable", replace("name", "null"),
			[]*FieldError{{Pointer: "/name", Field: "decKinds.Name", Message: "must not be null"}}},
		{"null for required pointer", replace("must", "null"),
			[]*FieldError{{Pointer: "/must", Field: "decKinds.Must", Message: "must not be null"}}},
		{"wrong type string", replace("name", "1"),
			[]*FieldError{{Pointer: "/name", Field: "decKinds.Name", Message: "must be a string, not a number"}}},
		{"wrong type bool", replace("ok", `"yes"`),
			[]*FieldError{{Pointer: "/ok", Field: "decKinds.OK", Message: "must be a boolean, not a string"}}},
		{"wrong type array", replace("lines", `{}`),
			[]*FieldError{{Pointer: "/lines", Field: "decKinds.Lines", Message: "must be an array, not an object"}}},
		{"int overflow", replace("small", "300"),
			[]*FieldError{{Pointer: "/small", Field: "decKinds.Small", Message: "300 is out of range for int8", Allowed: "-128 to 127"}}},
		{"fraction", replace("small", "1.5"),
			[]*FieldError{{Pointer: "/small", Field: "decKinds.Small", Message: "must be a whole number, not 1.5"}}},
		{"exponent", replace("small", "1e2"),
			[]*FieldError{{Pointer: "/small", Field: "decKinds.Small", Message: "must be written as an integer, without a fraction or exponent, not 1e2"}}},
		{"negative unsigned", replace("count", "-1"),
			[]*FieldError{{Pointer: "/count", Field: "decKinds.Count", Message: "must not be negative", Allowed: "0 to 18446744073709551615"}}},
		{"float overflow", replace("ratio", "1e60"),
			[]*FieldError{{Pointer: "/ratio", Field: "decKinds.Ratio", Message: "1e60 is out of range for float32"}}},
		{"bad time", replace("when", `"yesterday"`),
			[]*FieldError{{Pointer: "/when", Field: "decKinds.When", Message: `must be an RFC 3339 date-time such as "2006-01-02T15:04:05Z", not "yesterday"`}}},
		{"time not a string", replace("when", `5`),
			[]*FieldError{{Pointer: "/when", Field: "decKinds.When", Message: "must be a string (an RFC 3339 date-time), not a number"}}},
		{"unmarshaler error", replace("code", `"abc"`),
			[]*FieldError{{Pointer: "/code", Field: "decKinds.Code", Message: `invalid value: "abc" is not upper case`}}},
		{"text unmarshaler error", replace("level", `"mid"`),
			[]*FieldError{{Pointer: "/level", Field: "decKinds.Level", Message: `invalid value: unknown level "mid"`}}},
		{"bad base64", replace("data", `"!!"`),
			[]*FieldError{{Pointer: "/data", Field: "decKinds.Data", Message: "must be base64-encoded: illegal base64 data at input byte 0"}}},
		{"array length", replace("pair", `[1,2,3]`),
			[]*FieldError{{Pointer: "/pair", Field: "decKinds.Pair", Message: "must have exactly 2 items, not 3"}}},
		{"quoted not a string", replace("rate", `42`),
			[]*FieldError{{Pointer: "/rate", Field: "decKinds.Rate", Message: "must be a string, not a number"}}},
		{"quoted bad number", replace("rate", `"4x"`),
			[]*FieldError{{Pointer: "/rate", Field: "decKinds.Rate", Message: `must be a string holding a JSON int, not "4x"`}}},
		{"nested", replace("lines", `[{"description":"x","quantity":2,"unit_price":1},{"description":"y","quantity":"2"}]`),
			[]*FieldError{
				{Pointer: "/lines/1/quantity", Field: "decKinds.Lines[1].Quantity", Message: "must be an integer, not a string"},
				{Pointer: "/lines/1/unit_price", Field: "decKinds.Lines[1].UnitPrice", Message: "missing"},
			}},
		{"escaped key", strings.Replace(decValid, `"name":"a"`, `"name":"a","a/b~c":1`, 1),
			[]*FieldError{{Pointer: "/a~1b~0c", Field: "decKinds", Message: `unknown field "a/b~c"`}}},
		{"root not an object", `[1]`,
			[]*FieldError{{Pointer: "", Field: "decKinds", Message: "must be an object, not an array"}}},
		{"root null", `null`,
			[]*FieldError{{Pointer: "", Field: "decKinds", Message: "must not be null"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v decKinds
			err := Decode([]byte(tc.input), &v)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode(%s) = %v, want a *DecodeError", tc.input, err)
			}
			if de.Type != reflect.TypeFor[decKinds]() {
				t.Errorf("Type = %v", de.Type)
			}
			if diff := cmp.Diff(tc.want, de.Errors); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeSyntax(t *testing.T) {
	for _, input := range []string{``, `{`, `{"vendor":}`, `{"a":1,}`, `{"a":1} x`, `{"a":"\x"}`, `{"a":01}`, "{\"a\":\"\x01\"}"} {
		var inv Invoice
		err := Decode([]byte(input), &inv)
		var de *DecodeError
		if !errors.As(err, &de) || len(de.Errors) != 1 || de.Errors[0].Pointer != "" ||
			!strings.HasPrefix(de.Errors[0].Message, "invalid JSON at offset ") {
			t.Errorf("Decode(%q) = %v, want one invalid JSON error at the root", input, err)
		}
		if jerr := json.Unmarshal([]byte(input), &inv); jerr == nil {
			t.Errorf("encoding/json accepts %q", input)
		}
	}
}

func TestDecodeManyErrors(t *testing.T) {
	input := `{"vendor":1,"invoice_number":"x","extra":true,"issue_date":null,"currency":"EUR","total":"12",
"lines":[{"description":"a","quantity":1.5,"unit_price":2},{"description":"b","quantity":1,"unit_price":2,"tax":0}]}`
	var inv Invoice
	err := Decode([]byte(input), &inv)
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("got %v", err)
	}
	want := []*FieldError{
		{Pointer: "/vendor", Field: "Invoice.Vendor", Message: "must be a string, not a number"},
		{Pointer: "/extra", Field: "Invoice", Message: `unknown field "extra"`},
		{Pointer: "/issue_date", Field: "Invoice.IssueDate", Message: "must not be null"},
		{Pointer: "/total", Field: "Invoice.Total", Message: "must be a number, not a string"},
		{Pointer: "/lines/0/quantity", Field: "Invoice.Lines[0].Quantity", Message: "must be a whole number, not 1.5"},
		{Pointer: "/lines/1/tax", Field: "Invoice.Lines[1]", Message: `unknown field "tax"`},
		{Pointer: "/due_date", Field: "Invoice.DueDate", Message: "missing"},
	}
	if diff := cmp.Diff(want, de.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(err.Error(), "schema: answer does not match schema.Invoice: /vendor: must be a string") ||
		!strings.HasSuffix(err.Error(), "and 2 more") {
		t.Errorf("Error() = %q", err)
	}
	if inv.Vendor != "" || inv.Lines != nil {
		t.Errorf("v was changed despite errors: %+v", inv)
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	due := "2024-06-30"
	for _, in := range []Invoice{
		{Vendor: "ACME", Number: "INV-1", IssueDate: "2024-06-01", Currency: "EUR", Total: 12.5,
			Lines: []Line{{"bolts", 100, 0.125}}},
		{Vendor: "Ünïcode <&>", Number: "", IssueDate: "2024-06-01", DueDate: &due, Currency: "PLN", Lines: []Line{}},
	} {
		data, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var out Invoice
		if err := Decode(data, &out); err != nil {
			t.Fatalf("Decode(%s): %v", data, err)
		}
		if diff := cmp.Diff(in, out); diff != "" {
			t.Errorf("round trip (-in +out):\n%s", diff)
		}
	}
}

func TestSchemaDecodeList(t *testing.T) {
	s, err := For[[]Line]()
	if err != nil {
		t.Fatal(err)
	}
	var lines []Line
	if err := s.Decode([]byte(`{"items":[{"description":"a","quantity":1,"unit_price":2}]}`), &lines); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Line{{"a", 1, 2}}, lines); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	err = s.Decode([]byte(`{"items":[{"description":"a","quantity":-1.5}]}`), &lines)
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("got %v", err)
	}
	want := []*FieldError{
		{Pointer: "/items/0/quantity", Field: "Items[0].Quantity", Message: "must be a whole number, not -1.5"},
		{Pointer: "/items/0/unit_price", Field: "Items[0].UnitPrice", Message: "missing"},
	}
	if diff := cmp.Diff(want, de.Errors); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if de.Type != reflect.TypeFor[[]Line]() {
		t.Errorf("Type = %v", de.Type)
	}
	var wrong []Item
	if err := s.Decode([]byte(`{"items":[]}`), &wrong); err == nil || errors.As(err, &de) {
		t.Errorf("decoding into the wrong type: %v", err)
	}
	// A plain schema decodes like Decode, into *T or **T.
	is, _ := For[Invoice]()
	var pinv *Invoice
	data, _ := json.Marshal(Invoice{Lines: []Line{}})
	if err := is.Decode(data, &pinv); err != nil || pinv == nil {
		t.Errorf("Decode into **Invoice: %v, %v", err, pinv)
	}
}

func TestDecodeMisuse(t *testing.T) {
	var inv Invoice
	for _, v := range []any{nil, inv, (*Invoice)(nil)} {
		err := Decode([]byte(`{}`), v)
		if err == nil || !strings.HasPrefix(err.Error(), "schema: ") {
			t.Errorf("Decode into %T: %v", v, err)
		}
	}
}

// decLoose exercises the decoder on types the reflector rejects:
// it still checks them as encoding/json would see them.
type decLoose struct {
	M map[string]int `json:"m"`
	K map[int8]bool  `json:"k"`
	A any            `json:"a"`
}

func TestDecodeLooseTypes(t *testing.T) {
	var v decLoose
	if err := Decode([]byte(`{"m":{"a":1},"k":{"-1":true},"a":[1,{"x":null}]}`), &v); err != nil {
		t.Fatal(err)
	}
	err := Decode([]byte(`{"m":{"a":"1","a":2},"k":{"300":true},"a":null}`), &v)
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("got %v", err)
	}
	want := []*FieldError{
		{Pointer: "/m/a", Field: "decLoose.M", Message: "must be an integer, not a string"},
		{Pointer: "/m/a", Field: "decLoose.M", Message: "duplicate key"},
		{Pointer: "/k/300", Field: "decLoose.K", Message: "key must be an integer that fits int8"},
		{Pointer: "/a", Field: "decLoose.A", Message: "must not be null"},
	}
	if diff := cmp.Diff(want, de.Errors); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// fuzzInvoice is the target of FuzzDecode: an Invoice with more kinds.
type fuzzInvoice struct {
	Invoice
	Paid    *bool      `json:"paid"`
	Seen    time.Time  `json:"seen"`
	Tags    []string   `json:"tags,omitempty"`
	Small   uint8      `json:"small"`
	Nested  *Node      `json:"nested"`
	Parent  *time.Time `json:"parent"`
	Code    upper      `json:"code"`
	Rate    int        `json:"rate,string"`
	Payload []byte     `json:"payload"`
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(decValid))
	f.Add([]byte(`{"vendor":"a","invoice_number":"1","issue_date":"2024-01-01","due_date":null,"currency":"EUR","total":1,"lines":[],"paid":true,"seen":"2024-01-01T00:00:00Z","tags":null,"small":255,"nested":{"name":"n","children":[]},"parent":null,"code":"X","rate":"7","payload":"AA=="}`))
	f.Add([]byte(`{"lines":[{"quantity":1e400}]}`))
	f.Add([]byte(`[[[[[[[[[[`))
	f.Add([]byte(`{"vendor":"\ud800"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got fuzzInvoice
		err := Decode(data, &got)
		var want fuzzInvoice
		jerr := json.Unmarshal(data, &want)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || len(de.Errors) == 0 {
				t.Fatalf("Decode returned %v, not a *DecodeError with errors", err)
			}
			return
		}
		if jerr != nil {
			t.Fatalf("Decode accepted %q, encoding/json did not: %v", data, jerr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Decode and encoding/json disagree on %q (-json +decode):\n%s", data, diff)
		}
	})
}
