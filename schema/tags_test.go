package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// propertyOf reflects a one-field struct with the given type and tag and
// returns the field's property schema.
func propertyOf(t *testing.T, typ reflect.Type, tag string) string {
	t.Helper()
	st := reflect.StructOf([]reflect.StructField{{Name: "F", Type: typ, Tag: reflect.StructTag(`json:"f" ` + tag)}})
	s, err := reflBuild(st)
	if err != nil {
		t.Fatal(err)
	}
	if f := Lint(s.JSON); len(f) > 0 {
		t.Errorf("Lint: %v\n%s", f, s.JSON)
	}
	var doc struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(s.JSON, &doc); err != nil {
		t.Fatal(err)
	}
	return string(doc.Properties["f"])
}

func TestValidateKeywords(t *testing.T) {
	str, num, i := reflect.TypeFor[string](), reflect.TypeFor[float64](), reflect.TypeFor[int]()
	strs, pstr, pint := reflect.TypeFor[[]string](), reflect.TypeFor[*string](), reflect.TypeFor[*int]()
	tests := []struct {
		name string
		typ  reflect.Type
		tag  string
		want string
	}{
		{"oneof string", str, `validate:"oneof=a b"`, `{"type":"string","enum":["a","b"]}`},
		{"oneof quoted", str, `validate:"oneof='a b' c"`, `{"type":"string","enum":["a b","c"]}`},
		{"oneof repeated", str, `validate:"oneof=a a b"`, `{"type":"string","enum":["a","b"]}`},
		{"oneof int", i, `validate:"oneof=1 2"`, `{"type":"integer","enum":[1,2]}`},
		{"oneof int not numbers", i, `validate:"oneof=a b"`, `{"type":"integer","description":"Constraints: must be one of a, b."}`},
		{"oneof nullable", pstr, `validate:"omitnil,oneof=a b"`, `{"type":["string","null"],"enum":["a","b",null]}`},
		{"oneof omitempty", str, `validate:"omitempty,oneof=a b"`, `{"type":"string","enum":["a","b",""]}`},
		{"min max number", num, `validate:"min=1.5,max=9"`, `{"type":"number","minimum":1.5,"maximum":9}`},
		{"gt lt number", i, `validate:"gt=0,lt=10"`, `{"type":"integer","exclusiveMinimum":0,"exclusiveMaximum":10}`},
		{"eq number", i, `validate:"eq=4"`, `{"type":"integer","minimum":4,"maximum":4}`},
		{"ne number", i, `validate:"ne=4"`, `{"type":"integer","description":"Constraints: must be not equal to 4."}`},
		{"slice bounds", strs, `validate:"min=1,max=3"`, `{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":3}`},
		{"slice gt lt", strs, `validate:"gt=1,lt=3"`, `{"type":"array","items":{"type":"string"},"minItems":2,"maxItems":2}`},
		{"dive", strs, `validate:"min=1,dive,email"`, `{"type":"array","items":{"type":"string","format":"email"},"minItems":1}`},
		{"dive words", strs, `validate:"dive,min=2"`, `{"type":"array","description":"Constraints: each item at least 2 characters.","items":{"type":"string"}}`},
		{"string lengths", str, `validate:"min=3,max=5"`, `{"type":"string","description":"Constraints: at least 3 characters; at most 5 characters."}`},
		{"string len 1", str, `validate:"len=1"`, `{"type":"string","description":"Constraints: exactly 1 character."}`},
		{"string eq", str, `validate:"eq=yes"`, `{"type":"string","enum":["yes"]}`},
		{"formats", str, `validate:"uuid4"`, `{"type":"string","format":"uuid"}`},
		{"fqdn", str, `validate:"fqdn"`, `{"type":"string","description":"Constraints: a fully qualified domain name.","format":"hostname"}`},
		{"date", str, `validate:"datetime=2006-01-02"`, `{"type":"string","format":"date"}`},
		{"time", str, `validate:"datetime=15:04:05"`, `{"type":"string","format":"time"}`},
		{"date-time", str, `validate:"datetime=2006-01-02T15:04:05Z07:00"`, `{"type":"string","format":"date-time"}`},
		{"other layout", str, `validate:"datetime=02/01/2006"`, `{"type":"string","description":"Constraints: must be a date or time laid out like \"02/01/2006\" (Go layout)."}`},
		{"required pointer", pint, `validate:"required"`, `{"type":"integer"}`},
		{"required string", str, `validate:"required"`, `{"type":"string","description":"Constraints: must not be empty."}`},
		{"omitnil pointer", pint, `validate:"omitnil,gte=1"`, `{"type":["integer","null"],"minimum":1}`},
		{"omitempty value", i, `validate:"omitempty,gte=1"`, `{"type":"integer","description":"Constraints: unless empty, must be at least 1."}`},
		{"words", str, `validate:"url,contains=@,e164"`, `{"type":"string","description":"Constraints: must be a valid URL; must contain \"@\"; must be a phone number in E.164 format, such as \"+14155552671\"."}`},
		{"alternatives", str, `validate:"email|url"`, `{"type":"string","description":"Constraints: must satisfy one of email or url."}`},
		{"escaped comma", str, `validate:"contains=a0x2Cb"`, `{"type":"string","description":"Constraints: must contain \"a,b\"."}`},
		{"with description", str, `jsonschema:"description=the code" validate:"startswith=X"`, `{"type":"string","description":"the code. Constraints: must start with \"X\"."}`},
		{"jsonschema keywords", str, `jsonschema:"minLength=2,pattern=^a,format=uri"`, `{"type":"string","description":"Constraints: format uri; at least 2 characters.","pattern":"^a"}`},
		{"jsonschema enum", str, `jsonschema:"enum=x,enum=y"`, `{"type":"string","enum":["x","y"]}`},
		{"jsonschema nullable", str, `jsonschema:"nullable"`, `{"type":["string","null"]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := propertyOf(t, tc.typ, tc.tag); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// Tags the validator cannot run are refused when the schema is built, with
// the Go path and the rule.
func TestBadValidateTags(t *testing.T) {
	type inner struct {
		Q int `json:"q" validate:"omitempty,lte=x1"`
	}
	tests := []struct {
		name string
		typ  reflect.Type
		tag  string
		path string
		rule string
	}{
		{"unknown rule", reflect.TypeFor[string](), `validate:"myrule=3"`, ".F", "myrule=3"},
		{"param not a number", reflect.TypeFor[int](), `validate:"gte=abc"`, ".F", "gte=abc"},
		{"param out of range", reflect.TypeFor[int](), `validate:"max=99999999999999999999"`, ".F", "max=99999999999999999999"},
		{"hidden by omitempty", reflect.TypeFor[*int](), `validate:"omitempty,lt=x"`, ".F", "lt=x"},
		{"oneof on float", reflect.TypeFor[float64](), `validate:"oneof=0.5 2"`, ".F", "oneof=0.5 2"},
		{"dive on a string", reflect.TypeFor[string](), `validate:"dive,len=1"`, ".F", "dive"},
		{"dived rule", reflect.TypeFor[[]int](), `validate:"dive,len=x"`, ".F", "len=x"},
		{"alternative", reflect.TypeFor[int](), `validate:"gte=1|lte=z"`, ".F", "lte=z"},
		{"cross-field name", reflect.TypeFor[int](), `validate:"gtfield=Nope"`, ".F", "gtfield=Nope"},
		{"required_if pairs", reflect.TypeFor[string](), `validate:"required_if=F"`, ".F", "required_if=F"},
		{"unique field", reflect.TypeFor[[]inner](), `validate:"unique=Nope"`, ".F", "unique=Nope"},
		{"nested", reflect.TypeFor[[]inner](), ``, ".F[].Q", "lte=x1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := reflect.StructOf([]reflect.StructField{{Name: "F", Type: tc.typ, Tag: reflect.StructTag(`json:"f" ` + tc.tag)}})
			_, err := reflBuild(st)
			var te *TagError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want a *TagError", err)
			}
			if want := st.String() + tc.path; te.Path != want || te.Rule != tc.rule {
				t.Errorf("TagError{Path: %q, Rule: %q}, want {%q, %q}", te.Path, te.Rule, want, tc.rule)
			}
		})
	}
}

// tagFieldsOf must list the same keys encoding/json writes.
func TestTagFieldsMatchEncodingJSON(t *testing.T) {
	for _, v := range []any{Invoice{}, Doc{Extra: &Extra{}}, shadow{}, Contact{}, Bounds{}, decKinds{}} {
		typ := reflect.TypeOf(v)
		t.Run(typ.Name(), func(t *testing.T) {
			data, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(bytesReader(data))
			var keys []string
			dec.Token()
			for dec.More() {
				k, _ := dec.Token()
				keys = append(keys, k.(string))
				var skip json.RawMessage
				dec.Decode(&skip)
			}
			var names []string
			for _, f := range tagFieldsOf(typ) {
				names = append(names, f.name)
			}
			// omitempty fields are absent from the zero value's JSON: compare
			// the keys encoding/json wrote with tagFieldsOf's, in order.
			want := keys
			var got []string
			for _, n := range names {
				for _, k := range keys {
					if k == n {
						got = append(got, n)
					}
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("keys (-encoding/json +tagFieldsOf):\n%s", diff)
			}
		})
	}
}

func TestTagOneofValues(t *testing.T) {
	got := tagOneofValues(`a 'b c'  d ''`)
	if diff := cmp.Diff([]string{"a", "b c", "d", ""}, got); diff != "" {
		t.Error(diff)
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
