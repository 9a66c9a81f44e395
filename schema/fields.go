package schema

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// This file lists the JSON fields of a Go struct type by the rules of
// encoding/json (names, embedding, dominance, "-"), so that the reflector and
// the decoder agree on exactly which keys an object has.

// tagField is one JSON field of a struct type, after flattening embedded
// structs the way encoding/json does.
type tagField struct {
	name      string              // JSON key
	goName    string              // Go field name of the leaf field
	index     []int               // index sequence for reflect.Value.FieldByIndex
	typ       reflect.Type        // declared type of the leaf field
	field     reflect.StructField // the leaf field, with its tags
	nameTag   bool                // name came from the json tag
	omitEmpty bool                // json:",omitempty"
	omitZero  bool                // json:",omitzero"
	quoted    bool                // json:",string" on a bool, number or string field
	nullable  bool                // null is allowed (pointer, omitempty, omitzero, jsonschema nullable) and validate does not say required
	// viaUnexportedPtr is set when the field is promoted through an embedded
	// pointer to an unexported struct type, which encoding/json cannot allocate.
	viaUnexportedPtr bool
}

var tagFieldCache sync.Map // reflect.Type → []tagField

// tagFieldsOf returns the JSON fields of struct type t in encoding/json order.
// The result is cached and must not be modified.
func tagFieldsOf(t reflect.Type) []tagField {
	if f, ok := tagFieldCache.Load(t); ok {
		return f.([]tagField)
	}
	f, _ := tagFieldCache.LoadOrStore(t, tagTypeFields(t))
	return f.([]tagField)
}

// tagTypeFields follows encoding/json's typeFields: a breadth-first walk over
// embedded structs, then the dominance rules for repeated names.
func tagTypeFields(t reflect.Type) []tagField {
	type queued struct {
		typ      reflect.Type
		index    []int
		viaUnPtr bool
	}
	var (
		current   []queued
		next      = []queued{{typ: t}}
		count     map[reflect.Type]int
		nextCount = map[reflect.Type]int{}
		visited   = map[reflect.Type]bool{}
		fields    []tagField
	)
	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, q := range current {
			if visited[q.typ] {
				continue
			}
			visited[q.typ] = true
			for i := range q.typ.NumField() {
				sf := q.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" || tagFirst(sf.Tag.Get("jsonschema")) == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !tagValidName(name) {
					name = ""
				}
				index := append(slices.Clip(q.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := tagField{
						name:             name,
						goName:           sf.Name,
						index:            index,
						typ:              sf.Type,
						field:            sf,
						nameTag:          name != "",
						omitEmpty:        tagHasOpt(opts, "omitempty"),
						omitZero:         tagHasOpt(opts, "omitzero"),
						viaUnexportedPtr: q.viaUnPtr,
					}
					if f.name == "" {
						f.name = sf.Name
					}
					if tagHasOpt(opts, "string") {
						switch ft.Kind() {
						case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
							reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
							reflect.Float32, reflect.Float64, reflect.String:
							f.quoted = true
						}
					}
					f.nullable = tagNullable(f)
					fields = append(fields, f)
					if count[q.typ] > 1 {
						// Several instances of the embedded type at this depth:
						// add a duplicate so the dominance step drops the name.
						fields = append(fields, fields[len(fields)-1])
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					unPtr := q.viaUnPtr || (sf.Type.Kind() == reflect.Pointer && !sf.IsExported())
					next = append(next, queued{typ: ft, index: index, viaUnPtr: unPtr})
				}
			}
		}
	}

	slices.SortFunc(fields, func(a, b tagField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.nameTag != b.nameTag {
			if a.nameTag {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for advance, i := 0, 0; i < len(fields); i += advance {
		fi := fields[i]
		for advance = 1; i+advance < len(fields); advance++ {
			if fields[i+advance].name != fi.name {
				break
			}
		}
		if advance == 1 {
			out = append(out, fi)
			continue
		}
		// The shallowest field wins, unless two share the depth and taggedness.
		if len(fields[i].index) == len(fields[i+1].index) && fields[i].nameTag == fields[i+1].nameTag {
			continue
		}
		out = append(out, fi)
	}
	slices.SortFunc(out, func(a, b tagField) int { return slices.Compare(a.index, b.index) })
	return slices.Clip(out)
}

// tagNullable reports whether a field admits null: pointers and fields that
// encoding/json would omit (omitempty, omitzero) or that carry the jsonschema
// "nullable" option, unless the validate tag says "required".
func tagNullable(f tagField) bool {
	n := f.typ.Kind() == reflect.Pointer || f.omitEmpty || f.omitZero
	for _, o := range strings.Split(f.field.Tag.Get("jsonschema"), ",") {
		if o == "nullable" {
			n = true
		}
	}
	if n && tagValidateRequired(f.field.Tag.Get("validate")) {
		return false
	}
	if n && !tagZeroPasses(f.typ, f.field.Tag.Get("validate")) {
		// null decodes to nil or the zero value, which the validate tag
		// rejects ("datetime=..." without omitnil on a pointer): the
		// schema must not offer null.
		return false
	}
	return n
}

// tagZeroPasses reports whether the zero value of t passes the validate
// tag, as the validator runs it (a tag it cannot run counts as passing:
// TagError reports it).
func tagZeroPasses(t reflect.Type, tag string) (pass bool) {
	if tag == "" || tag == "-" {
		return true
	}
	defer func() {
		if recover() != nil {
			pass = true
		}
	}()
	holder := reflect.StructOf([]reflect.StructField{{Name: "F", Type: t, Tag: reflect.StructTag("validate:" + strconv.Quote(tag))}})
	return Validator().Struct(reflect.New(holder).Interface()) == nil
}

// tagValuePasses reports whether v passes the validate tag on its own (a
// tag with cross-field rules, which need the other fields, counts as
// passing; so does one the validator cannot run).
func tagValuePasses(v reflect.Value, tag string) (pass bool) {
	if tag == "" || tag == "-" {
		return true
	}
	for _, r := range strings.Split(tag, ",") {
		name, _, _ := strings.Cut(r, "=")
		if tagCrossField[name] || strings.HasSuffix(name, "field") {
			return true
		}
	}
	defer func() {
		if recover() != nil {
			pass = true
		}
	}()
	holder := reflect.StructOf([]reflect.StructField{{Name: "F", Type: v.Type(), Tag: reflect.StructTag("validate:" + strconv.Quote(tag))}})
	h := reflect.New(holder)
	h.Elem().Field(0).Set(v)
	return Validator().Struct(h.Interface()) == nil
}

// tagValidateRequired reports whether a validate tag has "required" among the
// rules for the field itself (before any "dive").
func tagValidateRequired(tag string) bool {
	for _, r := range strings.Split(tag, ",") {
		if r == "dive" {
			return false
		}
		if r == "required" {
			return true
		}
	}
	return false
}

func tagFirst(s string) string {
	first, _, _ := strings.Cut(s, ",")
	return first
}

func tagHasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

// tagValidName matches encoding/json's isValidTag.
func tagValidName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
			// Backslash and quote chars are reserved, but otherwise any
			// punctuation chars are allowed in a tag name.
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
