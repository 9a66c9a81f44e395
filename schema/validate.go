package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
)

// This file validates a decoded value at every depth: the validate tags of
// every struct in it (struct elements of lists included, with or without
// "dive"), then the Validate() error method of every value that has one,
// each problem located by the JSON pointer of the answer.

// maxValidateDepth bounds the walk, for values built by hand with cycles.
const maxValidateDepth = 256

// Validate checks v, a decoded value or a pointer to one, and returns every
// problem as a FieldError whose pointer is prefixed with base (the pointer
// of v in the answer: "" for the root, "/items" for a wrapped list).
//
// The validate tags of each struct are run with [Validator], one struct at
// a time, so that a field promoted from an embedded struct is reported at
// its own key ("/id", as encoding/json writes it) and every struct is
// checked wherever it sits, in a list or not. Then every value with a
// Validate() error method, at any depth, has it called, innermost first,
// unless something inside it already failed (Validate may rely on the tags
// holding). An error from Validate that is (or joins) *FieldError keeps its
// pointers, relative to the value; any other error sits at the value.
//
// Validate does not panic: a tag the validator cannot run (which For
// reports as a *TagError before any request) becomes a FieldError.
func Validate(v any, base string) []*FieldError {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return nil
	}
	if rv.Kind() != reflect.Pointer {
		p := reflect.New(rv.Type())
		p.Elem().Set(rv)
		rv = p
	}
	w := &valWalker{}
	w.value(rv, base, 0)
	return w.out
}

type valWalker struct {
	out []*FieldError
}

func (w *valWalker) value(rv reflect.Value, ptr string, depth int) {
	if depth > maxValidateDepth {
		return
	}
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return
		}
		rv = rv.Elem()
	}
	before := len(w.out)
	t := rv.Type()
	switch {
	case t.Kind() == reflect.Struct && reflPlainStruct(t):
		w.structTags(rv, ptr)
		for _, f := range tagFieldsOf(t) {
			fv, err := rv.FieldByIndexErr(f.index)
			if err != nil {
				continue // behind a nil embedded pointer
			}
			if f.nullable && fv.Kind() == reflect.Struct && fv.IsZero() {
				continue // null in the answer: absent, not a value to check
			}
			w.value(fv, Pointer(ptr, f.name), depth+1)
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 || t.Kind() == reflect.Array:
		for i := range rv.Len() {
			w.value(rv.Index(i), Pointer(ptr, strconv.Itoa(i)), depth+1)
		}
	}
	if len(w.out) == before {
		w.self(rv, ptr)
	}
}

// structTags runs the validate tags of one struct's own fields (those
// promoted from embedded structs included, not those of nested structs,
// which the walk reaches on its own).
func (w *valWalker) structTags(rv reflect.Value, ptr string) {
	t := rv.Type()
	if !rv.CanAddr() || !rv.CanInterface() {
		if !rv.CanInterface() {
			return
		}
		p := reflect.New(t)
		p.Elem().Set(rv)
		rv = p.Elem()
	}
	prefix := ""
	if t.Name() != "" {
		prefix = t.Name() + "."
	}
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("the validate tags could not be run: %v", p)
			}
		}()
		return Validator().StructFiltered(rv.Addr().Interface(), func(ns []byte) bool {
			_, ok := valGoPath(t, strings.TrimPrefix(string(ns), prefix))
			return !ok
		})
	}()
	if err == nil {
		return
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		w.out = append(w.out, &FieldError{Pointer: ptr, Message: err.Error()})
		return
	}
	for _, fe := range verrs {
		rel := strings.TrimPrefix(fe.StructNamespace(), prefix)
		tokens, _ := valGoPath(t, rel)
		msg, allowed := valDescribe(fe)
		w.out = append(w.out, &FieldError{
			Pointer: Pointer(ptr, tokens...),
			Field:   fe.StructNamespace(),
			Message: msg,
			Allowed: allowed,
		})
	}
}

// valGoPath maps a validator namespace relative to struct t ("EBase.ID",
// "Tags[2]") to JSON pointer tokens (["id"], ["tags", "2"]). ok is false
// when the path goes into a struct that is not inlined (the walk validates
// that one itself) or ends at a field encoding/json does not write.
func valGoPath(root reflect.Type, rel string) (tokens []string, ok bool) {
	t := root
	var index []int
	inline := false
	segs := strings.Split(rel, ".")
	for i, seg := range segs {
		name, idx, _ := strings.Cut(seg, "[")
		sf, found := t.FieldByName(name)
		if !found || len(sf.Index) != 1 {
			return tokens, false
		}
		jsonName, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if jsonName == "-" || tagFirst(sf.Tag.Get("jsonschema")) == "-" {
			return tokens, false
		}
		inline = sf.Anonymous && !tagValidName(jsonName) && reflDeref(sf.Type).Kind() == reflect.Struct
		last := i == len(segs)-1
		if !last && (!inline || idx != "") {
			return tokens, false
		}
		if !inline {
			if !tagValidName(jsonName) {
				jsonName = sf.Name
			}
			tokens = append(tokens, jsonName)
		}
		for idx != "" {
			var n string
			n, idx, _ = strings.Cut(idx, "]")
			tokens = append(tokens, n)
			idx = strings.TrimPrefix(idx, "[")
		}
		index = append(index, sf.Index[0])
		t = reflDeref(sf.Type)
	}
	// Only the fields encoding/json writes: not one hidden by another of
	// the same name.
	// An inlined embedded struct is kept while one of its fields is
	// written, so that the validator goes into it.
	for _, f := range tagFieldsOf(root) {
		if slices.Equal(f.index, index) || inline && len(f.index) > len(index) && slices.Equal(f.index[:len(index)], index) {
			return tokens, true
		}
	}
	return tokens, false
}

// self calls the value's Validate() error method, if it has one.
func (w *valWalker) self(rv reflect.Value, ptr string) {
	if rv.CanAddr() {
		rv = rv.Addr()
	}
	if !rv.CanInterface() {
		return
	}
	vv, ok := rv.Interface().(interface{ Validate() error })
	if !ok {
		return
	}
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("Validate panicked: %v", p)
			}
		}()
		return vv.Validate()
	}()
	if err == nil {
		return
	}
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var fe *FieldError
		if errors.As(err, &fe) {
			c := *fe
			c.Pointer = ptr + c.Pointer
			w.out = append(w.out, &c)
			return
		}
		w.out = append(w.out, &FieldError{Pointer: ptr, Message: err.Error()})
	}
	walk(err)
}

// valDescribe says in plain words what a failed validate tag wants. Values
// are shown as JSON, the language of the answer.
func valDescribe(fe validator.FieldError) (msg, allowed string) {
	p := fe.Param()
	got := " (got " + valShort(fe.Value()) + ")"
	isLen := false
	switch fe.Kind() {
	case reflect.String, reflect.Slice, reflect.Array, reflect.Map:
		isLen = true
	}
	unit := "characters"
	if fe.Kind() != reflect.String {
		unit = "items"
	}
	switch fe.Tag() {
	case "required":
		return "is required", ""
	case "oneof":
		return "must be one of the allowed values" + got, strings.Join(tagOneofValues(p), ", ")
	case "gte", "min":
		if isLen {
			return fmt.Sprintf("must have at least %s %s", p, unit) + got, ""
		}
		return "must be >= " + p + got, ">= " + p
	case "lte", "max":
		if isLen {
			return fmt.Sprintf("must have at most %s %s", p, unit) + got, ""
		}
		return "must be <= " + p + got, "<= " + p
	case "gt":
		if isLen {
			return fmt.Sprintf("must have more than %s %s", p, unit) + got, ""
		}
		return "must be > " + p + got, "> " + p
	case "lt":
		if isLen {
			return fmt.Sprintf("must have fewer than %s %s", p, unit) + got, ""
		}
		return "must be < " + p + got, "< " + p
	case "len":
		return fmt.Sprintf("must have exactly %s %s", p, unit) + got, ""
	case "eq":
		return "must equal " + p + got, p
	case "ne":
		return "must not equal " + p, ""
	case "datetime":
		return "must be a date/time in the layout " + p + got, "layout " + p
	case "email":
		return "must be an email address" + got, ""
	case "url", "uri", "http_url":
		return "must be a URL" + got, ""
	case "uuid", "uuid4", "uuid_rfc4122", "uuid4_rfc4122":
		return "must be a UUID" + got, ""
	case "startswith":
		return fmt.Sprintf("must start with %q", p) + got, ""
	case "endswith":
		return fmt.Sprintf("must end with %q", p) + got, ""
	case "contains":
		return fmt.Sprintf("must contain %q", p) + got, ""
	}
	if p != "" {
		return fmt.Sprintf("fails the %q rule (%s)", fe.Tag(), p) + got, ""
	}
	return fmt.Sprintf("fails the %q rule", fe.Tag()) + got, ""
}

// valShort renders a value as compact JSON, cut at 80 bytes.
func valShort(v any) string {
	var s string
	if b, err := json.Marshal(v); err == nil {
		s = string(b)
	} else {
		s = fmt.Sprint(v)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
