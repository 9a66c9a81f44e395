package schema

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/seed0611af48/quarry/internal/ojson"
)

// Decode decodes the JSON answer data into v, a non-nil pointer, strictly:
// every field of every object must be present (the strict schema makes them
// all required, so a strict server always sends them, null included), no
// unknown or repeated key may appear, null is accepted only where the schema
// admits it, and every value must fit its Go type (no fraction or overflow in
// an integer, a valid RFC 3339 time for a time.Time).
//
// Decode collects every problem, not just the first, into a *DecodeError
// whose FieldErrors locate them with JSON pointers. When there are none, v is
// filled exactly as encoding/json would fill it. Fields follow the rules of
// the reflection: json tag names, embedded structs flattened like
// encoding/json, "-" skipped. Types implementing json.Unmarshaler receive
// the raw value; encoding.TextUnmarshaler types receive the string.
//
// For a list schema (Schema.ListKey), use Schema.Decode, which unwraps the
// list.
func Decode(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("schema: Decode needs a non-nil pointer, got %T", v)
	}
	return decode(data, v, rv.Type().Elem())
}

// decode checks data against v's type, then unmarshals it. typ names the
// type in errors.
func decode(data []byte, v any, typ reflect.Type) error {
	derr := &DecodeError{Type: typ}
	root, err := ojson.Options{KeepDuplicates: true}.Parse(data)
	if err != nil {
		msg := err.Error()
		var raw json.RawMessage
		var se *json.SyntaxError
		if jerr := json.Unmarshal(data, &raw); errors.As(jerr, &se) {
			msg = fmt.Sprintf("invalid JSON at offset %d: %s", se.Offset, se.Error())
		}
		derr.Errors = append(derr.Errors, &FieldError{Message: msg})
		return derr
	}
	d := decState{errs: derr}
	rt := reflect.TypeOf(v).Elem()
	d.root = reflShortName(rt)
	if rt.Kind() == reflect.Struct && rt.Name() == "" && rt.NumField() == 1 && rt.Field(0).Name == "Items" {
		d.root = "" // the wrapper of a list schema
	}
	d.value(&root, rt, false, false)
	if len(derr.Errors) > 0 {
		return derr
	}
	if err := json.Unmarshal(data, v); err != nil {
		// The checks above should have caught it; report it all the same.
		fe := &FieldError{Message: err.Error()}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			fe.Pointer = Pointer("", strings.Split(te.Field, ".")...)
			fe.Field = te.Field
		}
		derr.Errors = append(derr.Errors, fe)
		return derr
	}
	return nil
}

// decState walks a parsed value and its Go type together.
type decState struct {
	errs *DecodeError
	root string
	toks []decTok // the path to the current value
}

// decTok is one step of the path: an object key (with the Go field name) or
// an array index.
type decTok struct {
	key, goName string
	index       int
	isIndex     bool
}

func (d *decState) push(t decTok) { d.toks = append(d.toks, t) }
func (d *decState) pop()          { d.toks = d.toks[:len(d.toks)-1] }

// fail records a problem at the current path.
func (d *decState) fail(msg, allowed string) {
	var ptr strings.Builder
	field := d.root
	for _, t := range d.toks {
		if t.isIndex {
			ptr.WriteString("/" + strconv.Itoa(t.index))
			field += "[" + strconv.Itoa(t.index) + "]"
			continue
		}
		ptr.WriteString(Pointer("", t.key))
		if t.goName != "" {
			if field != "" {
				field += "."
			}
			field += t.goName
		}
	}
	d.errs.Errors = append(d.errs.Errors, &FieldError{Pointer: ptr.String(), Field: field, Message: msg, Allowed: allowed})
}

func (d *decState) wrongType(v *ojson.Value, want string) {
	d.fail("must be "+want+", not "+v.Kind.String(), "")
}

// value checks v against Go type t. nullable says whether null is allowed
// here; quoted is the ",string" option of the field.
func (d *decState) value(v *ojson.Value, t reflect.Type, nullable, quoted bool) {
	if v.Kind == ojson.Null {
		if !nullable {
			d.fail("must not be null", "")
		}
		return
	}
	t = reflDeref(t)
	pt := reflect.PointerTo(t)
	switch {
	case pt.Implements(reflJSONUnmarshaler):
		d.unmarshaler(v, t)
		return
	case pt.Implements(reflTextUnmarshaler):
		if v.Kind != ojson.String {
			d.wrongType(v, "a string")
			return
		}
		if err := decCall(func() error {
			return reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(v.Text))
		}); err != nil {
			d.fail("invalid value: "+err.Error(), "")
		}
		return
	}
	if quoted {
		d.quoted(v, t)
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		if v.Kind != ojson.Bool {
			d.wrongType(v, "a boolean")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Kind != ojson.Number {
			d.wrongType(v, "an integer")
			return
		}
		if _, err := strconv.ParseInt(v.Text, 10, t.Bits()); err != nil {
			d.badInteger(v.Text, t, false)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if v.Kind != ojson.Number {
			d.wrongType(v, "an integer")
			return
		}
		if _, err := strconv.ParseUint(v.Text, 10, t.Bits()); err != nil {
			d.badInteger(v.Text, t, true)
		}
	case reflect.Float32, reflect.Float64:
		if v.Kind != ojson.Number {
			d.wrongType(v, "a number")
			return
		}
		if _, err := strconv.ParseFloat(v.Text, t.Bits()); err != nil {
			d.fail(fmt.Sprintf("%s is out of range for %s", v.Text, t.Kind()), "")
		}
	case reflect.String:
		if v.Kind != ojson.String {
			d.wrongType(v, "a string")
		}
	case reflect.Interface:
		if t.NumMethod() != 0 {
			d.fail(fmt.Sprintf("cannot be decoded into the Go interface %v", t), "")
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			if v.Kind != ojson.String {
				d.wrongType(v, "a base64 string")
			} else if _, err := base64.StdEncoding.DecodeString(v.Text); err != nil {
				d.fail("must be base64-encoded: "+err.Error(), "")
			}
			return
		}
		if v.Kind != ojson.Array {
			d.wrongType(v, "an array")
			return
		}
		d.elems(v.Elems, t.Elem())
	case reflect.Array:
		if v.Kind != ojson.Array {
			d.wrongType(v, "an array")
			return
		}
		if len(v.Elems) != t.Len() {
			d.fail(fmt.Sprintf("must have exactly %d items, not %d", t.Len(), len(v.Elems)), "")
		}
		d.elems(v.Elems[:min(len(v.Elems), t.Len())], t.Elem())
	case reflect.Struct:
		if v.Kind != ojson.Object {
			d.wrongType(v, "an object")
			return
		}
		d.object(v, t)
	case reflect.Map:
		if v.Kind != ojson.Object {
			d.wrongType(v, "an object")
			return
		}
		d.mapValue(v, t)
	default:
		d.fail(fmt.Sprintf("cannot be decoded into the Go type %v", t), "")
	}
}

func (d *decState) elems(elems []ojson.Value, et reflect.Type) {
	for i := range elems {
		d.push(decTok{index: i, isIndex: true})
		d.value(&elems[i], et, false, false)
		d.pop()
	}
}

// decFieldIndex caches the position of each JSON key in tagFieldsOf(t).
var decFieldIndex sync.Map // reflect.Type → map[string]int

func decFieldsOf(t reflect.Type) ([]tagField, map[string]int) {
	fields := tagFieldsOf(t)
	if m, ok := decFieldIndex.Load(t); ok {
		return fields, m.(map[string]int)
	}
	m := make(map[string]int, len(fields))
	for i, f := range fields {
		m[f.name] = i
	}
	mi, _ := decFieldIndex.LoadOrStore(t, m)
	return fields, mi.(map[string]int)
}

func (d *decState) object(v *ojson.Value, t reflect.Type) {
	fields, index := decFieldsOf(t)
	var seenBuf [32]bool
	seen := seenBuf[:0]
	if len(fields) <= len(seenBuf) {
		seen = seenBuf[:len(fields)]
	} else {
		seen = make([]bool, len(fields))
	}
	for i := range v.Members {
		m := &v.Members[i]
		fi, ok := index[m.Key]
		if !ok {
			d.push(decTok{key: m.Key})
			d.fail(fmt.Sprintf("unknown field %q", m.Key), "")
			d.pop()
			continue
		}
		f := &fields[fi]
		d.push(decTok{key: m.Key, goName: f.goName})
		switch {
		case seen[fi]:
			d.fail("duplicate field", "")
		case f.viaUnexportedPtr:
			d.fail("cannot be set: it is promoted through an embedded pointer to an unexported struct", "")
		default:
			d.value(&m.Value, f.typ, f.nullable, f.quoted)
		}
		seen[fi] = true
		d.pop()
	}
	for i := range fields {
		if !seen[i] {
			d.push(decTok{key: fields[i].name, goName: fields[i].goName})
			d.fail("missing", "")
			d.pop()
		}
	}
}

func (d *decState) mapValue(v *ojson.Value, t reflect.Type) {
	kt := t.Key()
	keyText := reflect.PointerTo(kt).Implements(reflTextUnmarshaler)
	switch kt.Kind() {
	case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
	default:
		if !keyText {
			d.fail(fmt.Sprintf("cannot be decoded into the Go type %v", t), "")
			return
		}
	}
	seen := make(map[string]bool, len(v.Members))
	for i := range v.Members {
		m := &v.Members[i]
		d.push(decTok{key: m.Key})
		switch {
		case seen[m.Key]:
			d.fail("duplicate key", "")
		case keyText:
			if err := decCall(func() error {
				return reflect.New(kt).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(m.Key))
			}); err != nil {
				d.fail("invalid key: "+err.Error(), "")
			}
		case kt.Kind() == reflect.String:
		case kt.Kind() >= reflect.Int && kt.Kind() <= reflect.Int64:
			if _, err := strconv.ParseInt(m.Key, 10, kt.Bits()); err != nil {
				d.fail(fmt.Sprintf("key must be an integer that fits %v", kt), "")
			}
		default:
			if _, err := strconv.ParseUint(m.Key, 10, kt.Bits()); err != nil {
				d.fail(fmt.Sprintf("key must be a non-negative integer that fits %v", kt), "")
			}
		}
		seen[m.Key] = true
		d.value(&m.Value, t.Elem(), false, false)
		d.pop()
	}
}

// quoted checks a field with the ",string" option: a JSON string holding a
// boolean or a number.
func (d *decState) quoted(v *ojson.Value, t reflect.Type) {
	if v.Kind != ojson.String {
		d.wrongType(v, "a string")
		return
	}
	inner, err := ojson.Options{KeepDuplicates: true}.Parse([]byte(v.Text))
	if err != nil || inner.Kind == ojson.Null || inner.Kind == ojson.Array || inner.Kind == ojson.Object ||
		(t.Kind() == reflect.String) != (inner.Kind == ojson.String) {
		d.fail(fmt.Sprintf("must be a string holding a JSON %s, not %q", t.Kind(), v.Text), "")
		return
	}
	d.value(&inner, t, false, false)
}

// badInteger explains why a JSON number does not fit an integer type.
func (d *decState) badInteger(lit string, t reflect.Type, unsigned bool) {
	if strings.ContainsAny(lit, ".eE") {
		f, err := strconv.ParseFloat(lit, 64)
		if err == nil && f != math.Trunc(f) {
			d.fail("must be a whole number, not "+lit, "")
			return
		}
		whole := strconv.FormatFloat(f, 'f', -1, 64)
		_, ierr := strconv.ParseInt(whole, 10, t.Bits())
		if unsigned {
			_, ierr = strconv.ParseUint(whole, 10, t.Bits())
		}
		if err == nil && ierr == nil {
			d.fail("must be written as an integer, without a fraction or exponent, not "+lit, "")
			return
		}
	}
	if unsigned && strings.HasPrefix(lit, "-") {
		d.fail("must not be negative", decRange(t))
		return
	}
	d.fail(lit+" is out of range for "+t.Kind().String(), decRange(t))
}

// decRange gives the bounds of an integer type.
func decRange(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return fmt.Sprintf("0 to %d", uint64(1)<<t.Bits()-1)
	}
	return fmt.Sprintf("%d to %d", int64(-1)<<(t.Bits()-1), int64(1)<<(t.Bits()-1)-1)
}

// unmarshaler hands the raw value to a json.Unmarshaler.
func (d *decState) unmarshaler(v *ojson.Value, t reflect.Type) {
	if t == reflTimeType && v.Kind != ojson.String {
		d.wrongType(v, "a string (an RFC 3339 date-time)")
		return
	}
	err := decCall(func() error {
		return reflect.New(t).Interface().(json.Unmarshaler).UnmarshalJSON(v.Raw)
	})
	switch {
	case err == nil:
	case t == reflTimeType:
		d.fail(fmt.Sprintf("must be an RFC 3339 date-time such as \"2006-01-02T15:04:05Z\", not %q", v.Text), "")
	default:
		d.fail("invalid value: "+err.Error(), "")
	}
}

// decCall runs f, turning a panic into an error.
func decCall(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return f()
}
