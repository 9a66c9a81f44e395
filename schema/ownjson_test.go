package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/invopop/jsonschema"
)

// Go enums: types with their own JSON form (issue 11, item 2).

var priorityNames = []string{"low", "medium", "high"}

// jsonPriority has its own JSON form and says nothing of it: refused.
type jsonPriority int

func (p jsonPriority) MarshalJSON() ([]byte, error) { return json.Marshal(priorityNames[p]) }
func (p *jsonPriority) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	i := slices.Index(priorityNames, s)
	if i < 0 {
		return fmt.Errorf("unknown priority %q", s)
	}
	*p = jsonPriority(i)
	return nil
}

// statedPriority states its schema with invopop's JSONSchema method.
type statedPriority int

func (p statedPriority) MarshalJSON() ([]byte, error) { return jsonPriority(p).MarshalJSON() }
func (p *statedPriority) UnmarshalJSON(b []byte) error {
	return (*jsonPriority)(p).UnmarshalJSON(b)
}
func (statedPriority) JSONSchema() *jsonschema.Schema {
	return &jsonschema.Schema{Type: "string", Enum: []any{"low", "medium", "high"}}
}

// textPriority is a TextMarshaler: an integer kind needs its values declared.
type textPriority int

func (p textPriority) MarshalText() ([]byte, error) { return []byte(priorityNames[p]), nil }
func (p *textPriority) UnmarshalText(b []byte) error {
	i := slices.Index(priorityNames, string(b))
	if i < 0 {
		return fmt.Errorf("unknown priority %q", b)
	}
	*p = textPriority(i)
	return nil
}

// declaredPriority declares its values with invopop's JSONSchemaExtend.
type declaredPriority int

func (p declaredPriority) MarshalText() ([]byte, error) { return textPriority(p).MarshalText() }
func (p *declaredPriority) UnmarshalText(b []byte) error {
	return (*textPriority)(p).UnmarshalText(b)
}
func (declaredPriority) JSONSchemaExtend(s *jsonschema.Schema) {
	s.Enum = []any{"low", "medium", "high"}
}

func TestOwnJSONTypes(t *testing.T) {
	tests := []struct {
		name   string
		typ    reflect.Type
		tag    string
		want   string // property schema, or "error: hint fragment"
		answer string
	}{
		{"MarshalJSON int without schema", reflect.TypeFor[jsonPriority](), ``, "error: JSONSchema", ""},
		{"JSONSchema method", reflect.TypeFor[statedPriority](), ``, `{"type":"string","enum":["low","medium","high"]}`, `"high"`},
		{"JSONSchema method, pointer", reflect.TypeFor[*statedPriority](), ``, `{"anyOf":[{"type":"string","enum":["low","medium","high"]},{"type":"null"}]}`, `"low"`},
		{"TextMarshaler int without enum", reflect.TypeFor[textPriority](), ``, "error: enum", ""},
		{"TextMarshaler with JSONSchemaExtend", reflect.TypeFor[declaredPriority](), ``, `{"type":"string","enum":["low","medium","high"]}`, `"medium"`},
		{"TextMarshaler with enum tag", reflect.TypeFor[textPriority](), `jsonschema:"enum=low,enum=medium,enum=high"`, `{"type":"string","enum":["low","medium","high"]}`, `"high"`},
		{"list of declared", reflect.TypeFor[[]declaredPriority](), ``, `{"type":"array","items":{"type":"string","enum":["low","medium","high"]}}`, `["high","low"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := reflect.StructOf([]reflect.StructField{{Name: "F", Type: tc.typ, Tag: reflect.StructTag(`json:"f" ` + tc.tag)}})
			s, err := reflBuild(st)
			if hint, ok := strings.CutPrefix(tc.want, "error: "); ok {
				var ue *UnsupportedTypeError
				if !errors.As(err, &ue) || !strings.Contains(ue.Hint, hint) {
					t.Fatalf("err = %v, want an *UnsupportedTypeError whose hint says %q", err, hint)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f := Lint(s.JSON); len(f) > 0 {
				t.Errorf("Lint: %v\n%s", f, s.JSON)
			}
			var doc struct {
				Properties map[string]json.RawMessage `json:"properties"`
				Defs       map[string]json.RawMessage `json:"$defs"`
			}
			if err := json.Unmarshal(s.JSON, &doc); err != nil {
				t.Fatal(err)
			}
			got := string(doc.Properties["f"])
			for name, def := range doc.Defs {
				got = strings.ReplaceAll(got, `{"$ref":"#/$defs/`+name+`"}`, string(def))
			}
			if got != tc.want {
				t.Errorf("schema %s\nwant   %s\n(whole: %s)", got, tc.want, s.JSON)
			}
			v := reflect.New(st)
			if err := s.Decode([]byte(`{"f":`+tc.answer+`}`), v.Interface()); err != nil {
				t.Errorf("Decode: %v", err)
			}
		})
	}
}

// Item 4: integer ranges and durations state their bounds and unit.
func TestIntegerRangesAndDuration(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
		tag  string
		want string
	}{
		{"int8", reflect.TypeFor[int8](), ``, `{"type":"integer","minimum":-128,"maximum":127}`},
		{"int16", reflect.TypeFor[int16](), ``, `{"type":"integer","minimum":-32768,"maximum":32767}`},
		{"int32", reflect.TypeFor[int32](), ``, `{"type":"integer","minimum":-2147483648,"maximum":2147483647}`},
		{"uint8", reflect.TypeFor[uint8](), ``, `{"type":"integer","minimum":0,"maximum":255}`},
		{"uint16", reflect.TypeFor[uint16](), ``, `{"type":"integer","minimum":0,"maximum":65535}`},
		{"uint32", reflect.TypeFor[uint32](), ``, `{"type":"integer","minimum":0,"maximum":4294967295}`},
		{"uint8 with a tighter tag", reflect.TypeFor[uint8](), `validate:"lte=100"`, `{"type":"integer","minimum":0,"maximum":100}`},
		{"pointer int8", reflect.TypeFor[*int8](), ``, `{"type":["integer","null"],"minimum":-128,"maximum":127}`},
		{"duration", reflect.TypeFor[time.Duration](), ``, `{"type":"integer","description":"A duration in nanoseconds (1 second = 1000000000)."}`},
		{"duration bound", reflect.TypeFor[time.Duration](), `validate:"gte=1s"`, `{"type":"integer","description":"A duration in nanoseconds (1 second = 1000000000).","minimum":1000000000}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := propertyOf(t, tc.typ, tc.tag); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}
