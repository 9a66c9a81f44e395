package schema

import (
	"encoding"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
)

// This file turns a Go type into a strict schema: a check for shapes strict
// mode cannot express, invopop/jsonschema's reflection, then a conversion of
// its output into reflNodes that follow the strict rules.
//
// The conversion is in reflect_convert.go, the JSON writer in reflect_write.go,
// the field lister shared with Decode in fields.go, and the mapping of
// validate tags in validate_tags.go and validate_keywords.go.

var (
	reflTimeType        = reflect.TypeFor[time.Time]()
	reflDurationType    = reflect.TypeFor[time.Duration]()
	reflURLType         = reflect.TypeFor[url.URL]()
	reflIPType          = reflect.TypeFor[net.IP]()
	reflRawType         = reflect.TypeFor[json.RawMessage]()
	reflJSONMarshaler   = reflect.TypeFor[json.Marshaler]()
	reflJSONUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	reflTextMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	reflTextUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	reflCustomSchema    = reflect.TypeFor[interface{ JSONSchema() *jsonschema.Schema }]()
	reflExtendSchema    = reflect.TypeFor[interface{ JSONSchemaExtend(*jsonschema.Schema) }]()
)

// reflBuild builds the strict schema of t without looking at the cache.
func reflBuild(t reflect.Type) (*Schema, error) {
	if t == nil {
		return nil, &UnsupportedTypeError{Path: "<nil>", Hint: "pass a concrete type"}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s := &Schema{Type: t}
	root := t
	switch {
	case reflIsList(t):
		elem := t.Elem()
		for elem.Kind() == reflect.Pointer {
			elem = elem.Elem()
		}
		s.ListKey = "items"
		s.Name = reflFormatName("list_of_" + reflTypeName(elem))
		root = reflect.StructOf([]reflect.StructField{{Name: "Items", Type: t, Tag: `json:"items"`}})
		s.wrapper = root
		if err := (&reflChecker{}).check(t, "[]"+reflShortName(elem)); err != nil {
			return nil, err
		}
		if err := tagCheckType(t, "[]"+reflShortName(elem), map[reflect.Type]bool{}); err != nil {
			return nil, err
		}
	case t.Kind() == reflect.Struct && reflPlainStruct(t):
		s.Name = reflFormatName(reflTypeName(t))
		if err := (&reflChecker{}).check(t, reflShortName(t)); err != nil {
			return nil, err
		}
		if err := tagCheckType(t, reflShortName(t), map[reflect.Type]bool{}); err != nil {
			return nil, err
		}
	default:
		return nil, &UnsupportedTypeError{Path: reflShortName(t), Type: t,
			Hint: "the root of a strict schema must be a struct or a slice; wrap the value in a struct"}
	}
	b := &reflBuilder{
		names: map[reflect.Type]string{},
		taken: map[string]bool{},
		types: map[string]reflect.Type{},
		raw:   jsonschema.Definitions{},
		defs:  map[string]*reflNode{},
	}
	doc, err := b.build(root)
	if err != nil {
		var ue *UnsupportedTypeError
		var te *TagError
		if errors.As(err, &te) {
			return nil, err
		}
		if !errors.As(err, &ue) {
			err = &UnsupportedTypeError{Path: reflShortName(t), Type: t, Hint: err.Error()}
		}
		return nil, err
	}
	s.JSON = doc
	s.findings = Lint(doc)
	return s, nil
}

func reflIsList(t reflect.Type) bool {
	return (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t != reflRawType &&
		!(t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8) && !reflHasOwnJSON(t)
}

// reflPlainStruct reports whether t is a struct described by its fields
// rather than by its own JSON or text encoding.
func reflPlainStruct(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t != reflTimeType && !reflHasOwnJSON(t)
}

// reflHasOwnJSON reports whether t decides its own JSON form.
func reflHasOwnJSON(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(reflCustomSchema) || pt.Implements(reflJSONUnmarshaler) || t.Implements(reflJSONMarshaler) ||
		pt.Implements(reflTextUnmarshaler) || t.Implements(reflTextMarshaler)
}

// reflIsText reports whether t is encoded as a JSON string through
// encoding.TextMarshaler and decoded through encoding.TextUnmarshaler.
func reflIsText(t reflect.Type) bool {
	return t.Implements(reflTextMarshaler) && reflect.PointerTo(t).Implements(reflTextUnmarshaler) &&
		!t.Implements(reflJSONMarshaler) && !reflect.PointerTo(t).Implements(reflJSONUnmarshaler)
}

// reflChecker walks a type and reports the first shape that has no strict
// schema, with the Go path to it.
type reflChecker struct {
	seen    map[reflect.Type]bool // struct types already checked
	stack   map[reflect.Type]bool // named non-struct types being checked
	enumTag bool                  // the field being checked declares an enum in its jsonschema tag
}

func (c *reflChecker) check(t reflect.Type, path string) error {
	if c.seen == nil {
		c.seen, c.stack = map[reflect.Type]bool{}, map[reflect.Type]bool{}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	unsupported := func(hint string) error { return &UnsupportedTypeError{Path: path, Type: t, Hint: hint} }
	switch {
	case t == reflTimeType || t.Implements(reflCustomSchema) || t == reflIPType:
		return nil
	case t == reflRawType:
		return unsupported("a raw JSON value has no strict schema; use a concrete type")
	case t == reflURLType:
		return unsupported(`encoding/json writes url.URL as an object; use a string field with validate:"url"`)
	case reflIsText(t):
		switch t.Kind() {
		case reflect.String, reflect.Struct, reflect.Slice, reflect.Array:
			return nil // free text: an address, an ID, a name
		}
		if c.enumTag || t.Implements(reflExtendSchema) || reflect.PointerTo(t).Implements(reflExtendSchema) {
			return nil
		}
		return unsupported("the type is written as text (MarshalText), but its values are not declared: " +
			"list them in a JSONSchemaExtend(*jsonschema.Schema) method that sets Enum, or with jsonschema:\"enum=...,enum=...\" on the field")
	case reflHasOwnJSON(t):
		return unsupported("the type has its own JSON encoding, which the schema cannot guess: give it a " +
			"JSONSchema() *jsonschema.Schema method (invopop/jsonschema) stating that form, such as " +
			"{Type: \"string\", Enum: []any{\"low\", \"high\"}}, or write it as text (MarshalText/UnmarshalText) with its values declared")
	}
	if t.Name() != "" && t.Kind() != reflect.Struct {
		if c.stack[t] {
			return unsupported("a recursive type must recurse through a struct")
		}
		c.stack[t] = true
		defer delete(c.stack, t)
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String:
		return nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // base64 string
		}
		return c.check(t.Elem(), path+"[]")
	case reflect.Array:
		return c.check(t.Elem(), path+"[]")
	case reflect.Struct:
		if c.seen[t] {
			return nil
		}
		c.seen[t] = true
		for _, f := range tagFieldsOf(t) {
			fp := path + "." + f.goName
			if f.viaUnexportedPtr {
				return &UnsupportedTypeError{Path: fp, Type: f.typ,
					Hint: "the field is promoted through an embedded pointer to an unexported struct, which encoding/json cannot allocate; embed the struct by value"}
			}
			if f.quoted && (reflDeref(f.typ).Kind() == reflect.String || reflHasOwnJSON(reflDeref(f.typ))) {
				return &UnsupportedTypeError{Path: fp, Type: f.typ, Hint: `remove the ",string" option from the json tag`}
			}
			c.enumTag = strings.Contains(f.field.Tag.Get("jsonschema"), "enum=")
			err := c.check(f.typ, fp)
			c.enumTag = false
			if err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		return unsupported("a strict schema must list every key; use a slice of key/value structs such as []struct{Key string `json:\"key\"`; Value V `json:\"value\"`}")
	case reflect.Interface:
		return unsupported("use a concrete type; for a choice of shapes use a struct with one pointer field per shape")
	case reflect.Complex64, reflect.Complex128:
		return unsupported("use two float64 fields for the real and imaginary parts")
	default:
		return unsupported("")
	}
}

func reflDeref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// reflShortName names a type for error paths: "Invoice", "[]schema.Line".
func reflShortName(t reflect.Type) string {
	if t.Name() != "" {
		return reflTypeName(t)
	}
	return t.String()
}

// reflTypeName gives a type's name without package paths: "Page[Line]" is
// "Page_Line"; unnamed types give "object".
func reflTypeName(t reflect.Type) string {
	name := t.Name()
	if name == "" {
		return "object"
	}
	var parts []string
	for _, tok := range strings.FieldsFunc(name, func(r rune) bool { return strings.ContainsRune("[], *", r) }) {
		tok = tok[strings.LastIndexByte(tok, '/')+1:]
		tok = tok[strings.LastIndexByte(tok, '.')+1:]
		if tok != "" {
			parts = append(parts, tok)
		}
	}
	return reflSanitize(strings.Join(parts, "_"))
}

// reflSanitize keeps [a-zA-Z0-9_-].
func reflSanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "object"
	}
	return string(b)
}

// reflFormatName makes a valid text.format name (^[a-zA-Z0-9_-]{1,64}$).
func reflFormatName(s string) string {
	s = reflSanitize(s)
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}
