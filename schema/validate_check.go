package schema

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"
)

// This file holds the one go-playground validator Quarry uses and checks
// every validate tag of a type when its schema is built: a tag the
// validator would panic on at run time (an unknown rule, "gte=abc" on an
// int, "dive" on a string) is a *TagError before any request.

// Validator is the one go-playground validator Quarry uses. It is safe for
// concurrent use and reports fields by their JSON names. Register custom
// validations on it at start-up, before the first schema of a type that
// uses them is built: tags are checked (and the result cached) then.
var Validator = sync.OnceValue(newValidator)

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			return ""
		case "":
			return f.Name
		}
		return name
	})
	return v
}

// tagCheckType checks the validate tags of every field the validator will
// look at in t and in the types t reaches, reporting the first mistake.
func tagCheckType(t reflect.Type, path string, seen map[reflect.Type]bool) error {
	t = reflDeref(t)
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return tagCheckType(t.Elem(), path+"[]", seen)
	case reflect.Struct:
	default:
		return nil
	}
	if seen[t] || t == reflTimeType {
		return nil
	}
	seen[t] = true
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.Anonymous && !sf.IsExported() {
			continue
		}
		fp := path + "." + sf.Name
		if tag := sf.Tag.Get("validate"); tag != "" && tag != "-" {
			if err := tagCheckField(t, sf, tag, fp); err != nil {
				return err
			}
		}
		if err := tagCheckType(sf.Type, fp, seen); err != nil {
			return err
		}
	}
	return nil
}

// tagCheckField runs each rule of one field's tag on its own against a
// zero value of the type it applies to, the way Struct would, catching the
// validator's panics.
func tagCheckField(parent reflect.Type, sf reflect.StructField, tag, path string) error {
	fail := func(rule, format string, args ...any) error {
		return &TagError{Path: path, Tag: tag, Rule: rule, Message: fmt.Sprintf(format, args...)}
	}
	t := reflDeref(sf.Type)
	for _, rule := range strings.Split(tag, ",") {
		switch rule {
		case "":
			continue
		case "dive":
			switch t.Kind() {
			case reflect.Slice, reflect.Array:
				t = reflDeref(t.Elem())
			case reflect.Map:
				return fail(rule, "maps have no strict schema")
			default:
				return fail(rule, "dive needs a slice or array, and the field is %s", t)
			}
			continue
		case "keys", "endkeys":
			return fail(rule, "keys/endkeys apply to maps, which have no strict schema")
		}
		for _, alt := range strings.Split(rule, "|") {
			if err := tagCheckRule(parent, t, alt); err != nil {
				return fail(alt, "%s", err)
			}
		}
	}
	return nil
}

// tagCrossField lists rules whose parameter names other fields.
var tagCrossField = map[string]bool{
	"eqfield": true, "nefield": true, "gtfield": true, "gtefield": true, "ltfield": true, "ltefield": true,
	"fieldcontains": true, "fieldexcludes": true,
	"required_if": true, "required_unless": true, "required_with": true, "required_with_all": true,
	"required_without": true, "required_without_all": true, "excluded_if": true, "excluded_unless": true,
	"excluded_with": true, "excluded_with_all": true, "excluded_without": true, "excluded_without_all": true,
	"skip_unless": true,
}

// tagCheckRule checks one rule (no commas, no alternatives) on type t, a
// field of struct parent.
func tagCheckRule(parent, t reflect.Type, rule string) (err error) {
	name, param, _ := strings.Cut(rule, "=")
	param = strings.ReplaceAll(strings.ReplaceAll(param, "0x2C", ","), "0x7C", "|")
	if tagCrossField[name] {
		words := strings.Fields(param)
		pairs := strings.HasSuffix(name, "_if") || strings.HasSuffix(name, "_unless")
		if len(words) == 0 || pairs && len(words)%2 != 0 {
			return fmt.Errorf("%s needs %s", name, map[bool]string{true: "field-value pairs", false: "field names"}[pairs])
		}
		for i, w := range words {
			if pairs && i%2 == 1 {
				continue
			}
			sf, ok := parent.FieldByName(w)
			if !ok {
				return fmt.Errorf("%s has no field %s", parent, w)
			}
			if pairs && !tagValueFits(sf.Type, words[i+1]) {
				return fmt.Errorf("%q is not a value of field %s (%s)", words[i+1], w, sf.Type)
			}
		}
		if !pairs && len(words) > 1 && !strings.HasSuffix(name, "_all") && !strings.HasPrefix(name, "required_with") && !strings.HasPrefix(name, "excluded_with") {
			return fmt.Errorf("%s takes one field name", name)
		}
		return tagRunRule(t, name)
	}
	if name == "unique" && param == "" && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		if et := reflDeref(t.Elem()); !et.Comparable() {
			return fmt.Errorf("unique needs items that can be compared, and %s cannot", et)
		}
	}
	if name == "unique" && param != "" {
		et := t
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			et = reflDeref(t.Elem())
		}
		if et.Kind() != reflect.Struct {
			return fmt.Errorf("unique=%s needs a list of structs", param)
		}
		if _, ok := et.FieldByName(param); !ok {
			return fmt.Errorf("%s has no field %s", et, param)
		}
		return tagRunRule(t, "unique")
	}
	return tagRunRule(t, rule)
}

// tagRunRule validates a zero value of t, held in a struct field tagged with
// rule, and turns a panic of the validator into an error.
func tagRunRule(t reflect.Type, rule string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	holder := reflect.StructOf([]reflect.StructField{{
		Name: "F", Type: t, Tag: reflect.StructTag("validate:" + strconv.Quote(rule)),
	}})
	_ = Validator().Struct(reflect.New(holder).Interface())
	return nil
}

// tagValueFits reports whether the validator can compare a field of type t
// with v in a required_if-like rule (it parses v by the field's kind).
func tagValueFits(t reflect.Type, v string) bool {
	t = reflDeref(t)
	var err error
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Slice, reflect.Map, reflect.Array:
		if t == reflDurationType {
			if _, derr := time.ParseDuration(v); derr == nil {
				return true
			}
		}
		_, err = strconv.ParseInt(v, 0, 64)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		_, err = strconv.ParseUint(v, 0, 64)
	case reflect.Float32, reflect.Float64:
		_, err = strconv.ParseFloat(v, 64)
	case reflect.Bool:
		_, err = strconv.ParseBool(v)
	}
	return err == nil
}
