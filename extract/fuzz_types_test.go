package extract_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest/simulated"
	"github.com/seed0611af48/quarry/schema"
)

// FuzzGoTypes composes struct types at random (reflect.StructOf) from
// ordinary field types and tags, good and bad, and holds Quarry to its
// promise for each: no panic; either an error when the schema is built
// (before any request) or a schema that passes schema.Lint, whose answer
// from the simulated model decodes strictly and validates. The only
// validation failures allowed are of rules the schema can state in words
// only ("Constraints: ..." in the description), which a model reads but a
// made-up value cannot know.
func FuzzGoTypes(f *testing.F) {
	f.Add([]byte{0, 1, 1, 2, 15, 200}, uint8(3))
	f.Add([]byte{12, 0, 30, 5}, uint8(0))
	f.Add([]byte{39, 3, 0, 4, 17, 130, 22, 9}, uint8(7))
	f.Add([]byte{38, 0, 0, 4, 24, 140}, uint8(1))
	f.Add([]byte{8, 140, 9, 141, 10, 142, 25, 143}, uint8(12))
	f.Add([]byte{26, 7, 27, 150, 28, 151, 29, 152}, uint8(5))
	m := simulated.New(simulated.Options{})
	f.Cleanup(m.Close)
	client := openai.NewClient(option.WithBaseURL(m.URL), option.WithAPIKey("simulated"), option.WithMaxRetries(0))
	ex := &extract.Extractor{Client: &client.Responses, MaxAttempts: 1}
	f.Fuzz(func(t *testing.T, data []byte, pick uint8) {
		typ := fuzzType(data, int(pick), 0)
		s, err := schema.Reflect(typ)
		if err != nil {
			var ue *schema.UnsupportedTypeError
			var te *schema.TagError
			if !errors.As(err, &ue) && !errors.As(err, &te) {
				t.Fatalf("Reflect(%v) = %v, want an *UnsupportedTypeError or a *TagError", typ, err)
			}
			return
		}
		if findings := schema.Lint(s.JSON); len(findings) > 0 {
			t.Fatalf("Lint found problems in the schema of %v: %v\n%s", typ, findings, s.JSON)
		}
		spec := extract.Spec{Name: s.Name, Schema: s.JSON, Check: func(answer []byte) []*schema.FieldError {
			v := reflect.New(typ)
			if errs := extract.Decode(s, answer, v.Interface()); len(errs) > 0 {
				return errs
			}
			return nil
		}}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, res, err := ex.Extract(ctx, spec, extract.Text("document"))
		if err == nil {
			return
		}
		var ie *extract.InvalidError
		if !errors.As(err, &ie) {
			t.Fatalf("Extract for %v: %v", typ, err)
		}
		doc := fuzzSchemaDoc(t, s.JSON)
		for _, fe := range ie.Errors() {
			if !fuzzWordsOnly(doc, fe.Pointer) {
				t.Errorf("the simulated answer to %v breaks a rule the schema states as a keyword or not at all: %v\nschema: %s\nanswer: %s", typ, fe, s.JSON, res.Raw)
			}
		}
	})
}

// fuzzText is a text type with declared values; fuzzFree a free text type.
type fuzzText int

func (p fuzzText) MarshalText() ([]byte, error) { return []byte([]string{"a", "b"}[p&1]), nil }
func (p *fuzzText) UnmarshalText(b []byte) error {
	switch string(b) {
	case "a":
		*p = 0
	case "b":
		*p = 1
	default:
		return errors.New("not a or b")
	}
	return nil
}

// fuzzOwn has its own JSON form and states nothing: always refused.
type fuzzOwn int

func (fuzzOwn) MarshalJSON() ([]byte, error)  { return []byte(`"x"`), nil }
func (*fuzzOwn) UnmarshalJSON(b []byte) error { return nil }

var fuzzFieldTypes = []reflect.Type{
	reflect.TypeFor[string](), reflect.TypeFor[int](), reflect.TypeFor[int8](), reflect.TypeFor[uint16](),
	reflect.TypeFor[float64](), reflect.TypeFor[bool](), reflect.TypeFor[time.Time](), reflect.TypeFor[*string](),
	reflect.TypeFor[[]string](), reflect.TypeFor[[]int](), reflect.TypeFor[[2]int](), reflect.TypeFor[[]byte](),
	reflect.TypeFor[map[string]int](), reflect.TypeFor[any](), reflect.TypeFor[chan int](), reflect.TypeFor[Line](),
	reflect.TypeFor[*Line](), reflect.TypeFor[[]Line](), reflect.TypeFor[period](), reflect.TypeFor[[]period](),
	reflect.TypeFor[*period](), reflect.TypeFor[time.Duration](), reflect.TypeFor[uint32](), reflect.TypeFor[[][]float32](),
	reflect.TypeFor[Priority](), reflect.TypeFor[fuzzText](), reflect.TypeFor[fuzzOwn](), reflect.TypeFor[[]*int](),
	reflect.TypeFor[json.RawMessage](), reflect.TypeFor[uint8](), reflect.TypeFor[*[]Line](), reflect.TypeFor[int16](),
}

var fuzzJSONTags = []string{
	``, `json:"x"`, `json:"-"`, `json:",omitempty"`, `json:"dup"`, `json:"dup,omitzero"`, `json:",string"`,
	`jsonschema:"description=fuzzed"`, `jsonschema:"nullable"`, `jsonschema:"-"`, `json:"y,omitempty"`,
	`jsonschema:"enum=a,enum=b"`, `jsonschema:"minLength=2,default=x,example=y"`, `jsonschema:"format=uri"`,
}

var fuzzValidateTags = []string{
	``, `required`, `gte=1`, `lte=100`, `gt=0`, `lt=5`, `min=1`, `max=3`, `oneof=a b`, `oneof=1 2`, `omitempty,gte=1`,
	`omitnil,lte=9`, `dive,gte=0`, `min=1,dive`, `email`, `datetime=2006-01-02`, `len=2`, `ne=3`, `eqfield=F0`,
	`required_if=F0 x`, `unique`, `gte=abc`, `no_such_rule`, `dive`, `gtfield=Nope`, `required_if=F0`, `lt=x`,
	`oneof=0.5 1`, `dive,dive,gt=1`, `keys,endkeys`, `gte=1|lte=z`, `max=99999999999999999999`, `startswith=s`,
}

// fuzzType builds a struct type from data: one field per two bytes (type,
// tags), up to eight, nested structs and embedding when the type byte says
// so; pick varies the validate tags.
func fuzzType(data []byte, pick, depth int) reflect.Type {
	var fields []reflect.StructField
	embedded := false
	for i := 0; i+1 < len(data) && len(fields) < 8; i += 2 {
		var ft reflect.Type
		switch k := int(data[i]); {
		case k%40 == 39 && depth < 3:
			ft = fuzzType(data[i+2:], pick+i, depth+1)
		case k%40 == 38 && !embedded:
			embedded = true
			fields = append(fields, reflect.StructField{Name: "EBase", Type: reflect.TypeFor[EBase](), Anonymous: true,
				Tag: reflect.StructTag(fuzzJSONTags[int(data[i+1])%len(fuzzJSONTags)])})
			continue
		case k%40 == 37 && depth < 3:
			ft = reflect.SliceOf(fuzzType(data[i+2:], pick+i+1, depth+1))
		default:
			ft = fuzzFieldTypes[k%len(fuzzFieldTypes)]
		}
		tag := fuzzJSONTags[int(data[i+1])%len(fuzzJSONTags)]
		if data[i+1] >= 128 {
			tag += ` validate:` + strconv.Quote(fuzzValidateTags[(pick+i)%len(fuzzValidateTags)])
		}
		fields = append(fields, reflect.StructField{Name: "F" + strconv.Itoa(len(fields)), Type: ft, Tag: reflect.StructTag(tag)})
	}
	return reflect.StructOf(fields)
}

var fuzzDocs sync.Map // schema JSON → parsed

func fuzzSchemaDoc(t *testing.T, doc []byte) map[string]any {
	if v, ok := fuzzDocs.Load(string(doc)); ok {
		return v.(map[string]any)
	}
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	fuzzDocs.Store(string(doc), m)
	return m
}

// fuzzWordsOnly reports whether the schema node at the answer's pointer (or
// one of its parents) states a rule in words only.
func fuzzWordsOnly(root map[string]any, pointer string) bool {
	node := root
	words := func(n map[string]any) bool {
		d, _ := n["description"].(string)
		return strings.Contains(d, "Constraints:")
	}
	resolve := func(n map[string]any) map[string]any {
		for range 8 {
			if alts, ok := n["anyOf"].([]any); ok && len(alts) > 0 {
				if words(n) {
					return n
				}
				n, _ = alts[0].(map[string]any)
				continue
			}
			ref, ok := n["$ref"].(string)
			if !ok {
				return n
			}
			defs, _ := root["$defs"].(map[string]any)
			n, _ = defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any)
		}
		return n
	}
	if words(node) {
		return true
	}
	for _, tok := range strings.Split(pointer, "/")[1:] {
		node = resolve(node)
		if node == nil {
			return false
		}
		if props, ok := node["properties"].(map[string]any); ok {
			node, _ = props[strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")].(map[string]any)
		} else {
			node, _ = node["items"].(map[string]any)
		}
		if node == nil {
			return false
		}
		if words(node) || words(resolve(node)) {
			return true
		}
	}
	return false
}
