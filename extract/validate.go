package extract

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/seed0611af48/quarry/schema"
)

// Validator is the one go-playground validator Quarry uses
// (schema.Validator). Register custom validations on it at start-up, before
// the first schema of a type that uses them is built.
var Validator = schema.Validator

// Validate checks a decoded value with its validate tags and then its own
// Validate() error method, if it has one. Every problem comes back as a
// FieldError whose pointer is prefixed with base.
func Validate(v any, base string) []*schema.FieldError {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	var out []*schema.FieldError
	switch rv.Kind() {
	case reflect.Struct:
		out = append(out, validateStruct(rv, base)...)
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			out = append(out, Validate(rv.Index(i).Addr().Interface(), schema.Pointer(base, strconv.Itoa(i)))...)
		}
		return out
	}
	if len(out) == 0 {
		out = append(out, selfValidate(v, base)...)
	}
	return out
}

func validateStruct(rv reflect.Value, base string) (out []*schema.FieldError) {
	defer func() {
		// Tags are checked when the schema is built; this is the last guard
		// for values validated without one.
		if p := recover(); p != nil {
			out = []*schema.FieldError{{Pointer: base, Message: fmt.Sprintf("the validate tags could not be run: %v", p)}}
		}
	}()
	err := Validator().Struct(rv.Addr().Interface())
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return []*schema.FieldError{{Pointer: base, Message: err.Error()}}
	}
	out = make([]*schema.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		out = append(out, fieldError(fe, base))
	}
	return out
}

// selfValidate calls a Validate() error method. An error that is (or joins)
// *schema.FieldError keeps its pointers; any other error sits at base.
func selfValidate(v any, base string) []*schema.FieldError {
	vv, ok := v.(interface{ Validate() error })
	if !ok {
		return nil
	}
	err := vv.Validate()
	if err == nil {
		return nil
	}
	var out []*schema.FieldError
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var fe *schema.FieldError
		if errors.As(err, &fe) {
			c := *fe
			c.Pointer = base + c.Pointer
			out = append(out, &c)
			return
		}
		out = append(out, &schema.FieldError{Pointer: base, Message: err.Error()})
	}
	walk(err)
	return out
}

// fieldError turns a validator error into a FieldError with a JSON pointer
// built from the namespace of JSON names ("Invoice.lines[2].unit_price").
func fieldError(fe validator.FieldError, base string) *schema.FieldError {
	ns := fe.Namespace()
	if i := strings.IndexByte(ns, '.'); i >= 0 {
		ns = ns[i+1:]
	} else {
		ns = ""
	}
	ptr := base
	for _, seg := range strings.Split(ns, ".") {
		if seg == "" {
			continue
		}
		name, rest, _ := strings.Cut(seg, "[")
		if name != "" {
			ptr = schema.Pointer(ptr, name)
		}
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			ptr = schema.Pointer(ptr, idx)
			rest = strings.TrimPrefix(after, "[")
		}
	}
	msg, allowed := describe(fe)
	return &schema.FieldError{
		Pointer: ptr,
		Field:   fe.StructNamespace(),
		Message: msg,
		Allowed: allowed,
	}
}

// describe says in plain words what a failed validate tag wants.
func describe(fe validator.FieldError) (msg, allowed string) {
	p := fe.Param()
	got := fmt.Sprintf(" (got %s)", short(fe.Value()))
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
		return "must be one of the allowed values" + got, strings.Join(strings.Fields(p), ", ")
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

func short(v any) string {
	s := fmt.Sprintf("%#v", v)
	if str, ok := v.(string); ok {
		s = strconv.Quote(str)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
