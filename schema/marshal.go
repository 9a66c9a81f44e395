package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
)

// This file writes a Go value as a strict server writes an answer to the
// value's schema: every property, in schema order.

// Marshal encodes v (a struct, a slice, or a pointer to one) the way a
// strict server answers v's schema: every property of every object is
// present, in struct field order. encoding/json's omitempty and omitzero do
// not drop keys; a field they would drop is written as null (the schema
// admits null there). A nil slice the schema does not let be null is
// written as []. Values with their own JSON encoding (time.Time,
// json.Marshaler, encoding.TextMarshaler) are written by encoding/json.
//
// Marshal is what tests use to serve a Go value as a model's answer
// (extracttest.JSON) and what a few-shot example's expected value is sent
// as. A list is written as a JSON array: wrap it for a list schema
// ({"items": [...]}, see Schema.ListKey).
func Marshal(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if rv.IsValid() && rv.Kind() != reflect.Pointer {
		p := reflect.New(rv.Type())
		p.Elem().Set(rv)
		rv = p.Elem()
	}
	var b bytes.Buffer
	if err := marshalValue(&b, rv, 0); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func marshalValue(b *bytes.Buffer, rv reflect.Value, depth int) error {
	if depth > maxValidateDepth {
		return errors.New("schema: Marshal: the value nests too deeply (a cycle?)")
	}
	for rv.IsValid() && (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) {
		if rv.IsNil() {
			break
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() || (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) {
		b.WriteString("null")
		return nil
	}
	t := rv.Type()
	switch {
	case t.Kind() == reflect.Struct && reflPlainStruct(t):
		b.WriteByte('{')
		for i, f := range tagFieldsOf(t) {
			if i > 0 {
				b.WriteByte(',')
			}
			reflWriteJSON(b, f.name)
			b.WriteByte(':')
			fv, err := rv.FieldByIndexErr(f.index)
			if err != nil || f.nullable && (f.omitEmpty && marshalEmpty(fv) || f.omitZero && marshalZero(fv)) {
				b.WriteString("null")
				continue
			}
			if f.quoted {
				if err := marshalQuoted(b, fv); err != nil {
					return err
				}
				continue
			}
			if fv.Kind() == reflect.Slice && fv.IsNil() && !f.nullable && !reflHasOwnJSON(fv.Type()) {
				if fv.Type().Elem().Kind() == reflect.Uint8 {
					b.WriteString(`""`)
				} else {
					b.WriteString("[]")
				}
				continue
			}
			if err := marshalValue(b, fv, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case (t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 || t.Kind() == reflect.Array) && !reflHasOwnJSON(t):
		b.WriteByte('[')
		for i := range rv.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := marshalValue(b, rv.Index(i), depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	}
	if rv.CanAddr() {
		rv = rv.Addr()
	}
	if !rv.CanInterface() {
		b.WriteString("null")
		return nil
	}
	data, err := json.Marshal(rv.Interface())
	if err != nil {
		return err
	}
	b.Write(data)
	return nil
}

// marshalQuoted writes a field with the ",string" option: its JSON inside a string.
func marshalQuoted(b *bytes.Buffer, fv reflect.Value) error {
	for fv.Kind() == reflect.Pointer {
		if fv.IsNil() {
			b.WriteString("null")
			return nil
		}
		fv = fv.Elem()
	}
	data, err := json.Marshal(fv.Interface())
	if err != nil {
		return err
	}
	reflWriteJSON(b, string(data))
	return nil
}

// marshalEmpty is encoding/json's isEmptyValue.
func marshalEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// marshalZero is encoding/json's omitzero test: an IsZero() bool method if
// the value has one, else the zero value.
func marshalZero(v reflect.Value) bool {
	if v.CanInterface() {
		if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
			if v.Kind() == reflect.Pointer && v.IsNil() {
				return true
			}
			return z.IsZero()
		}
	}
	return v.IsZero()
}
