package schema

import (
	"fmt"
	"reflect"
)

// Schema is the strict JSON Schema of a Go type, ready to send as the
// text.format of a Responses API request.
//
// A Schema returned by For or Reflect is shared: do not modify it.
type Schema struct {
	// Name is a valid text.format name (^[a-zA-Z0-9_-]{1,64}$) derived from
	// the type: "Invoice", or "list_of_Line" for a []Line.
	Name string
	// Type is the Go type the schema describes, with pointers removed.
	Type reflect.Type
	// ListKey is "items" when Type is a slice or array, which strict mode
	// cannot have at the root: the schema is then an object whose only
	// property, ListKey, holds the list. It is "" otherwise.
	ListKey string
	// JSON is the schema document: compact, deterministic, with properties in
	// struct field order (the model writes keys in schema order).
	JSON []byte

	wrapper  reflect.Type // struct{Items T `json:"items"`} when ListKey is set
	findings []Finding    // Lint(JSON), found once when the schema is built
}

// Findings returns what Lint finds in the schema, found once when it was
// built: empty for an ordinary type, the limits of strict mode for a very
// large or deep one (see LintError).
func (s *Schema) Findings() []Finding { return s.findings }

// MarshalJSON returns s.JSON, so a Schema can be embedded in a request body.
func (s *Schema) MarshalJSON() ([]byte, error) {
	if s == nil || len(s.JSON) == 0 {
		return []byte("null"), nil
	}
	return s.JSON, nil
}

// String returns the schema document.
func (s *Schema) String() string { return string(s.JSON) }

// For returns the strict schema of T. It is built once per type and cached;
// For is safe for concurrent use. T may be a struct, a pointer to one, or a
// slice (see Schema.ListKey). A type with no strict form gives an
// *UnsupportedTypeError naming the field.
func For[T any]() (*Schema, error) {
	return cacheLoad(reflect.TypeFor[T]())
}

// Reflect is For for a reflect.Type; it shares For's cache.
func Reflect(t reflect.Type) (*Schema, error) {
	return cacheLoad(t)
}

// Decode decodes an answer written to s into v, which must be a pointer to
// s.Type. It checks the answer like the package-level Decode and, for a
// list schema, unwraps the ListKey object so that v receives the list.
func (s *Schema) Decode(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("schema: Decode needs a non-nil pointer to %v, got %T", s.Type, v)
	}
	target := rv.Elem()
	for target.Kind() == reflect.Pointer && target.Type() != s.Type {
		if target.IsNil() {
			target.Set(reflect.New(target.Type().Elem()))
		}
		target = target.Elem()
	}
	if target.Type() != s.Type {
		return fmt.Errorf("schema: Decode needs a pointer to %v, got %T", s.Type, v)
	}
	if s.wrapper == nil {
		return decode(data, target.Addr().Interface(), s.Type)
	}
	w := reflect.New(s.wrapper)
	if err := decode(data, w.Interface(), s.Type); err != nil {
		return err
	}
	target.Set(w.Elem().Field(0))
	return nil
}
