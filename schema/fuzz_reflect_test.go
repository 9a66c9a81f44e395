package schema

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// fuzzFieldTypes are the field types FuzzReflect picks from, supported or not.
var fuzzFieldTypes = []reflect.Type{
	reflect.TypeFor[string](), reflect.TypeFor[int](), reflect.TypeFor[int8](), reflect.TypeFor[uint16](),
	reflect.TypeFor[float64](), reflect.TypeFor[bool](), reflect.TypeFor[time.Time](), reflect.TypeFor[*string](),
	reflect.TypeFor[[]string](), reflect.TypeFor[[]int](), reflect.TypeFor[[2]int](), reflect.TypeFor[[]byte](),
	reflect.TypeFor[map[string]int](), reflect.TypeFor[any](), reflect.TypeFor[chan int](), reflect.TypeFor[Line](),
	reflect.TypeFor[*Line](), reflect.TypeFor[[]Line](), reflect.TypeFor[Node](), reflect.TypeFor[complex64](),
	reflect.TypeFor[*Contact](), reflect.TypeFor[[][]float32](), reflect.TypeFor[upper](), reflect.TypeFor[level](),
	reflect.TypeFor[json.RawMessage](), reflect.TypeFor[*[]*int](), reflect.TypeFor[Page[Line]](), reflect.TypeFor[uint](),
}

// fuzzTags are the struct tags FuzzReflect picks from; %v is the fuzzed
// validate tag.
var fuzzTags = []string{
	``, `json:"x"`, `json:"-"`, `json:",omitempty"`, `json:"dup"`, `json:"dup,omitzero"`, `json:",string"`,
	`jsonschema:"description=fuzzed"`, `jsonschema:"nullable"`, `jsonschema:"-"`, `validate:"required"`,
	`validate:"min=1,max=3"`, `validate:"oneof=a b 1 2"`, `validate:"dive,gt=0"`, `validate:"omitempty,email"`,
	`jsonschema:"enum=a,enum=b"`, `jsonschema:"minLength=2,default=x,example=y"`, `jsonschema:"format=uri"`,
}

// fuzzStruct builds a struct type from data: one field per two bytes (type,
// tag), up to eight, with a nested struct when the type byte says so.
func fuzzStruct(data []byte, validate string, depth int) reflect.Type {
	var fields []reflect.StructField
	embedded := false
	for i := 0; i+1 < len(data) && len(fields) < 8; i += 2 {
		var ft reflect.Type
		switch k := int(data[i]); {
		case k%40 == 39 && depth < 3:
			ft = fuzzStruct(data[i+2:], validate, depth+1)
		case k%40 == 38 && !embedded:
			embedded = true
			fields = append(fields, reflect.StructField{Name: "Meta", Type: reflect.TypeFor[Meta](), Anonymous: true,
				Tag: reflect.StructTag(fuzzTags[int(data[i+1])%len(fuzzTags)])})
			continue
		default:
			ft = fuzzFieldTypes[k%len(fuzzFieldTypes)]
		}
		tag := fuzzTags[int(data[i+1])%len(fuzzTags)]
		if data[i+1] >= 128 {
			tag += ` validate:` + strconv.Quote(validate)
		}
		fields = append(fields, reflect.StructField{Name: "F" + strconv.Itoa(len(fields)), Type: ft, Tag: reflect.StructTag(tag)})
	}
	return reflect.StructOf(fields)
}

func FuzzReflect(f *testing.F) {
	f.Add([]byte{0, 1, 1, 2, 15, 200}, "gte=1")
	f.Add([]byte{12, 0}, "")
	f.Add([]byte{39, 3, 0, 4, 17, 130}, "dive,oneof=x y,required_if=F0 3")
	f.Add([]byte{38, 0, 0, 4}, "len=3,startswith=A|endswith=B")
	f.Add([]byte{8, 140, 9, 141, 10, 142}, "min=99999999999999999999,max=-1,lt=0,gt=abc")
	f.Fuzz(func(t *testing.T, data []byte, validate string) {
		typ := fuzzStruct(data, validate, 0)
		s, err := reflBuild(typ)
		if err != nil {
			var ue *UnsupportedTypeError
			var te *TagError
			if !errors.As(err, &ue) && !errors.As(err, &te) {
				t.Fatalf("reflBuild(%v) = %v, want an *UnsupportedTypeError or a *TagError", typ, err)
			}
			return
		}
		if !json.Valid(s.JSON) {
			t.Fatalf("invalid JSON for %v: %s", typ, s.JSON)
		}
		if findings := Lint(s.JSON); len(findings) > 0 {
			t.Fatalf("Lint found problems in the schema of %v: %v\n%s", typ, findings, s.JSON)
		}
		// The decoder must not panic on the type either.
		_ = Decode([]byte(`{"F0":null,"F1":[1,"x"],"id":"i"}`), reflect.New(typ).Interface())
	})
}
