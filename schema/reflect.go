package schema

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
)

// This file turns a Go type into a strict schema: a check for shapes strict
// mode cannot express, invopop/jsonschema's reflection, then a conversion of
// its output into reflNodes that follow the strict rules.

var (
	reflTimeType        = reflect.TypeFor[time.Time]()
	reflURLType         = reflect.TypeFor[url.URL]()
	reflIPType          = reflect.TypeFor[net.IP]()
	reflRawType         = reflect.TypeFor[json.RawMessage]()
	reflJSONMarshaler   = reflect.TypeFor[json.Marshaler]()
	reflJSONUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	reflTextMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	reflTextUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	reflCustomSchema    = reflect.TypeFor[interface{ JSONSchema() *jsonschema.Schema }]()
)

// reflStrictFormats are the string formats strict mode accepts.
var reflStrictFormats = map[string]bool{
	"date-time": true, "time": true, "date": true, "duration": true, "email": true,
	"hostname": true, "ipv4": true, "ipv6": true, "uuid": true,
}

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
	case t.Kind() == reflect.Struct && reflPlainStruct(t):
		s.Name = reflFormatName(reflTypeName(t))
		if err := (&reflChecker{}).check(t, reflShortName(t)); err != nil {
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
		if !errors.As(err, &ue) {
			err = &UnsupportedTypeError{Path: reflShortName(t), Type: t, Hint: err.Error()}
		}
		return nil, err
	}
	s.JSON = doc
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
	seen  map[reflect.Type]bool // struct types already checked
	stack map[reflect.Type]bool // named non-struct types being checked
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
		return nil
	case reflHasOwnJSON(t):
		switch t.Kind() {
		case reflect.Struct, reflect.Map, reflect.Interface, reflect.Slice, reflect.Array:
			return unsupported("the type has its own JSON encoding; give it a JSONSchema() *jsonschema.Schema method describing it")
		}
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
			if f.quoted && reflDeref(f.typ).Kind() == reflect.String {
				return &UnsupportedTypeError{Path: fp, Type: f.typ, Hint: `remove the ",string" option from the json tag`}
			}
			if err := c.check(f.typ, fp); err != nil {
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

// reflNode is one subschema of a strict schema document. Keywords are
// written in a fixed order, properties in struct field order.
type reflNode struct {
	ref                string
	anyOf              []*reflNode
	typ                string
	nullable           bool // adds "null" to type, to enum and to anyOf
	title, description string
	enum               []any
	format, pattern    string
	minimum, maximum   json.Number
	exclusiveMinimum   json.Number
	exclusiveMaximum   json.Number
	multipleOf         json.Number
	minItems, maxItems *uint64
	items              *reflNode
	object             bool
	props              []reflProp
}

type reflProp struct {
	name string
	node *reflNode
}

// reflBuilder holds the state of one reflection.
type reflBuilder struct {
	names map[reflect.Type]string // $defs name of each named type
	taken map[string]bool         // names in use
	types map[string]reflect.Type // Go type of each name
	raw   jsonschema.Definitions  // invopop's definitions
	defs  map[string]*reflNode    // converted definitions
	depth int
}

func (b *reflBuilder) reflector() *jsonschema.Reflector {
	return &jsonschema.Reflector{
		Anonymous:      true,
		ExpandedStruct: true,
		DoNotReference: false,
		Namer:          b.namer,
		Mapper:         reflMapper,
	}
}

// reflect runs invopop's reflector, turning a panic into an error.
func (b *reflBuilder) reflect(t reflect.Type) (s *jsonschema.Schema, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	s = b.reflector().ReflectFromType(t)
	for name, d := range s.Definitions {
		if _, ok := b.raw[name]; !ok {
			b.raw[name] = d
		}
	}
	return s, nil
}

// reflMapper gives invopop the schema of types it would get wrong.
func reflMapper(t reflect.Type) *jsonschema.Schema {
	if t == reflIPType || (reflIsText(t) && t != reflTimeType && !t.Implements(reflCustomSchema)) {
		return &jsonschema.Schema{Type: "string"}
	}
	return nil
}

// namer gives every named type a stable $defs name, unique within one schema.
func (b *reflBuilder) namer(t reflect.Type) string {
	if t.Name() == "" {
		return ""
	}
	if n, ok := b.names[t]; ok {
		return n
	}
	base := reflTypeName(t)
	n := base
	for i := 2; b.taken[n]; i++ {
		n = base + "_" + strconv.Itoa(i)
	}
	b.names[t], b.taken[n], b.types[n] = n, true, t
	return n
}

// build reflects root and returns the strict document.
func (b *reflBuilder) build(root reflect.Type) ([]byte, error) {
	s, err := b.reflect(root)
	if err != nil {
		return nil, err
	}
	rootName := b.namer(root)
	node, err := b.convert(s, root)
	if err != nil {
		return nil, err
	}
	// Convert every definition reachable from the root; a recursive root
	// refers to itself, so it is also written under $defs.
	var order []string
	seen := map[string]bool{}
	queue := reflRefs(node, nil)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		order = append(order, name)
		d, ok := b.defs[name]
		if !ok {
			raw := b.raw[name]
			switch {
			case name == rootName && rootName != "":
				d = node
			case raw == nil:
				return nil, fmt.Errorf("no definition for %q", name)
			default:
				if d, err = b.convert(raw, b.types[name]); err != nil {
					return nil, err
				}
			}
			b.defs[name] = d
		}
		queue = reflRefs(d, queue)
	}
	slices.Sort(order)

	var buf bytes.Buffer
	node.write(&buf, order, b.defs)
	return buf.Bytes(), nil
}

// reflRefs appends the $defs names n refers to.
func reflRefs(n *reflNode, names []string) []string {
	if n == nil {
		return names
	}
	if name, ok := strings.CutPrefix(n.ref, "#/$defs/"); ok {
		names = append(names, name)
	}
	for _, a := range n.anyOf {
		names = reflRefs(a, names)
	}
	names = reflRefs(n.items, names)
	for _, p := range n.props {
		names = reflRefs(p.node, names)
	}
	return names
}

// convert turns invopop's schema s of Go type t (nil when unknown) into a
// strict node.
func (b *reflBuilder) convert(s *jsonschema.Schema, t reflect.Type) (*reflNode, error) {
	b.depth++
	defer func() { b.depth-- }()
	if b.depth > 200 {
		return nil, fmt.Errorf("schema nests too deeply")
	}
	if t != nil {
		t = reflDeref(t)
	}
	if s == nil {
		return nil, fmt.Errorf("no schema for %v", t)
	}
	if s.Ref != "" {
		name, ok := strings.CutPrefix(s.Ref, "#/$defs/")
		if !ok {
			return nil, fmt.Errorf("$ref %q points outside $defs", s.Ref)
		}
		dt := b.types[name]
		if dt != nil && !reflPlainStruct(dt) && !dt.Implements(reflCustomSchema) && b.raw[name] != nil {
			// Named slices and arrays are written inline.
			n, err := b.convert(b.raw[name], dt)
			if err != nil {
				return nil, err
			}
			c := *n
			if s.Description != "" {
				c.description = s.Description
			}
			return &c, nil
		}
		return &reflNode{ref: s.Ref, title: s.Title, description: s.Description}, nil
	}
	if len(s.OneOf) == 2 && s.OneOf[1].Type == "null" && s.OneOf[0] != nil {
		// jsonschema:"nullable": tagNullable already made the field nullable.
		return b.convert(s.OneOf[0], t)
	}
	if t != nil && reflPlainStruct(t) && s.Type == "object" && !t.Implements(reflCustomSchema) {
		return b.structNode(s, t)
	}

	n := &reflNode{
		typ: s.Type, title: s.Title, description: s.Description, enum: s.Enum,
		pattern: s.Pattern, minimum: s.Minimum, maximum: s.Maximum,
		exclusiveMinimum: s.ExclusiveMinimum, exclusiveMaximum: s.ExclusiveMaximum,
		multipleOf: s.MultipleOf, minItems: s.MinItems, maxItems: s.MaxItems,
	}
	var phrases []string
	if s.Const != nil {
		n.enum = []any{s.Const}
	}
	switch {
	case s.Format == "":
	case reflStrictFormats[s.Format]:
		n.format = s.Format
	default:
		phrases = append(phrases, "format "+s.Format)
	}
	for _, alt := range append(slices.Clone(s.AnyOf), s.OneOf...) {
		a, err := b.convert(alt, nil)
		if err != nil {
			return nil, err
		}
		n.anyOf = append(n.anyOf, a)
	}
	if s.Items != nil {
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		items, err := b.convert(s.Items, et)
		if err != nil {
			return nil, err
		}
		n.items = items
	}
	if s.Type == "object" || s.Properties != nil {
		n.typ, n.object = "object", true
		if s.Properties != nil {
			for pair := s.Properties.Oldest(); pair != nil; pair = pair.Next() {
				pn, err := b.convert(pair.Value, nil)
				if err != nil {
					return nil, err
				}
				pn.nullable = pn.nullable || !slices.Contains(s.Required, pair.Key)
				n.props = append(n.props, reflProp{pair.Key, pn})
			}
		}
	}
	if s.MinLength != nil {
		phrases = append(phrases, fmt.Sprintf("at least %d characters", *s.MinLength))
	}
	if s.MaxLength != nil {
		phrases = append(phrases, fmt.Sprintf("at most %d characters", *s.MaxLength))
	}
	if s.UniqueItems {
		phrases = append(phrases, "items must be unique")
	}
	if s.ContentEncoding != "" {
		phrases = append(phrases, s.ContentEncoding+"-encoded bytes")
	}
	if s.Default != nil {
		phrases = append(phrases, "default "+reflCompact(s.Default))
	}
	for _, e := range s.Examples {
		phrases = append(phrases, "for example "+reflCompact(e))
	}
	if t == reflIPType {
		phrases = append(phrases, "an IPv4 or IPv6 address")
	}
	if t != nil && n.typ == "integer" && n.minimum == "" && n.exclusiveMinimum == "" {
		switch t.Kind() {
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			n.minimum = "0"
		}
	}
	n.description = reflJoinDesc(n.description, phrases)
	return n, nil
}

// structNode converts the object schema of a plain struct, listing its
// fields by encoding/json's rules and making every one required.
func (b *reflBuilder) structNode(s *jsonschema.Schema, t reflect.Type) (*reflNode, error) {
	n := &reflNode{typ: "object", object: true, title: s.Title, description: s.Description}
	fields := tagFieldsOf(t)
	counts := reflInvopopNames(t, map[reflect.Type]bool{}, map[string]int{})
	for _, f := range fields {
		var ps *jsonschema.Schema
		if s.Properties != nil && counts[f.name] == 1 {
			ps, _ = s.Properties.Get(f.name)
		}
		if ps == nil {
			var err error
			if ps, err = b.regenerate(f); err != nil {
				return nil, err
			}
		}
		pn, err := b.convert(ps, f.typ)
		if err != nil {
			return nil, err
		}
		var phrases []string
		if f.quoted {
			if reflDeref(f.typ).Kind() == reflect.Bool {
				phrases = append(phrases, `"true" or "false" written as a string`)
			} else {
				phrases = append(phrases, "a number written as a string")
			}
		}
		phrases = append(phrases, tagApply(pn, f, fields)...)
		pn.description = reflJoinDesc(pn.description, phrases)
		pn.nullable = pn.nullable || f.nullable
		n.props = append(n.props, reflProp{f.name, pn})
	}
	return n, nil
}

// regenerate reflects one field on its own, for the rare names that invopop
// resolves differently from encoding/json (a field shadowing a promoted one).
func (b *reflBuilder) regenerate(f tagField) (*jsonschema.Schema, error) {
	jsonTag := "f"
	if f.quoted {
		jsonTag += ",string"
	}
	tag := fmt.Sprintf(`json:%q jsonschema:%q jsonschema_description:%q`,
		jsonTag, f.field.Tag.Get("jsonschema"), f.field.Tag.Get("jsonschema_description"))
	st := reflect.StructOf([]reflect.StructField{{Name: "F", Type: f.typ, Tag: reflect.StructTag(tag)}})
	s, err := b.reflect(st)
	if err != nil {
		return nil, err
	}
	ps, ok := s.Properties.Get("f")
	if !ok {
		return nil, fmt.Errorf("field %s has no schema", f.goName)
	}
	return ps, nil
}

// reflInvopopNames counts how often invopop's reflector sets each property
// name of struct t, following its (not encoding/json's) embedding rules.
func reflInvopopNames(t reflect.Type, visiting map[reflect.Type]bool, counts map[string]int) map[string]int {
	t = reflDeref(t)
	if t.Kind() != reflect.Struct || visiting[t] {
		return counts
	}
	visiting[t] = true
	defer delete(visiting, t)
	for i := range t.NumField() {
		f := t.Field(i)
		jsonTags := strings.Split(f.Tag.Get("json"), ",")
		if jsonTags[0] == "-" || tagFirst(f.Tag.Get("jsonschema")) == "-" {
			continue
		}
		if f.Anonymous && jsonTags[0] == "" && reflDeref(f.Type).Kind() == reflect.Struct &&
			(f.Type.Kind() == reflect.Struct || f.Type.Elem().Kind() == reflect.Struct) ||
			slices.Contains(jsonTags[1:], "inline") {
			reflInvopopNames(f.Type, visiting, counts)
			continue
		}
		name := f.Name
		if jsonTags[0] != "" {
			name = jsonTags[0]
		}
		if !f.Anonymous && f.PkgPath != "" {
			continue
		}
		counts[name]++
	}
	return counts
}

// write appends the node as compact JSON. The root also gets the $defs.
func (n *reflNode) write(b *bytes.Buffer, defNames []string, defs map[string]*reflNode) {
	if n.ref != "" {
		if !n.nullable && n.title == "" && n.description == "" {
			b.WriteString(`{"$ref":`)
			reflWriteJSON(b, n.ref)
			b.WriteByte('}')
			return
		}
		// $ref must stand alone: wrap it to admit null or carry a description.
		c := *n
		c.ref = ""
		c.anyOf = []*reflNode{{ref: n.ref}}
		c.write(b, nil, nil)
		return
	}
	b.WriteByte('{')
	comma := false
	key := func(k string) {
		if comma {
			b.WriteByte(',')
		}
		comma = true
		reflWriteJSON(b, k)
		b.WriteByte(':')
	}
	if n.typ != "" {
		key("type")
		if n.nullable {
			b.WriteString(`[`)
			reflWriteJSON(b, n.typ)
			b.WriteString(`,"null"]`)
		} else {
			reflWriteJSON(b, n.typ)
		}
	}
	if n.title != "" {
		key("title")
		reflWriteJSON(b, n.title)
	}
	if n.description != "" {
		key("description")
		reflWriteJSON(b, n.description)
	}
	if len(n.anyOf) > 0 {
		key("anyOf")
		b.WriteByte('[')
		for i, a := range n.anyOf {
			if i > 0 {
				b.WriteByte(',')
			}
			a.write(b, nil, nil)
		}
		if n.nullable && n.typ == "" {
			b.WriteString(`,{"type":"null"}`)
		}
		b.WriteByte(']')
	}
	if len(n.enum) > 0 {
		key("enum")
		b.WriteByte('[')
		for i, v := range n.enum {
			if i > 0 {
				b.WriteByte(',')
			}
			reflWriteJSON(b, v)
		}
		if n.nullable && !slices.Contains(n.enum, nil) {
			b.WriteString(",null")
		}
		b.WriteByte(']')
	}
	for _, kv := range []struct {
		k string
		v string
	}{{"format", n.format}, {"pattern", n.pattern}} {
		if kv.v != "" {
			key(kv.k)
			reflWriteJSON(b, kv.v)
		}
	}
	for _, kv := range []struct {
		k string
		v json.Number
	}{{"minimum", n.minimum}, {"exclusiveMinimum", n.exclusiveMinimum}, {"maximum", n.maximum},
		{"exclusiveMaximum", n.exclusiveMaximum}, {"multipleOf", n.multipleOf}} {
		if kv.v != "" {
			key(kv.k)
			b.WriteString(kv.v.String())
		}
	}
	if n.items != nil {
		key("items")
		n.items.write(b, nil, nil)
	}
	for _, kv := range []struct {
		k string
		v *uint64
	}{{"minItems", n.minItems}, {"maxItems", n.maxItems}} {
		if kv.v != nil {
			key(kv.k)
			b.WriteString(strconv.FormatUint(*kv.v, 10))
		}
	}
	if n.object {
		key("properties")
		b.WriteByte('{')
		for i, p := range n.props {
			if i > 0 {
				b.WriteByte(',')
			}
			reflWriteJSON(b, p.name)
			b.WriteByte(':')
			p.node.write(b, nil, nil)
		}
		b.WriteByte('}')
		key("required")
		b.WriteByte('[')
		for i, p := range n.props {
			if i > 0 {
				b.WriteByte(',')
			}
			reflWriteJSON(b, p.name)
		}
		b.WriteByte(']')
		key("additionalProperties")
		b.WriteString("false")
	}
	if len(defNames) > 0 {
		key("$defs")
		b.WriteByte('{')
		for i, name := range defNames {
			if i > 0 {
				b.WriteByte(',')
			}
			reflWriteJSON(b, name)
			b.WriteByte(':')
			defs[name].write(b, nil, nil)
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}

// reflWriteJSON writes v as JSON without HTML escaping.
func reflWriteJSON(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		b.WriteString("null")
		return
	}
	b.Truncate(b.Len() - 1) // the newline Encode adds
}

func reflCompact(v any) string {
	var b bytes.Buffer
	reflWriteJSON(&b, v)
	return b.String()
}

// reflJoinDesc appends constraint phrases to a description.
func reflJoinDesc(desc string, phrases []string) string {
	if len(phrases) == 0 {
		return desc
	}
	c := "Constraints: " + strings.Join(phrases, "; ") + "."
	switch {
	case desc == "":
		return c
	case strings.HasSuffix(desc, ".") || strings.HasSuffix(desc, "!") || strings.HasSuffix(desc, "?"):
		return desc + " " + c
	default:
		return desc + ". " + c
	}
}

// reflArticle names a strict format in words.
func reflArticle(format string) string {
	switch format {
	case "email":
		return "an email address"
	case "uuid":
		return "a UUID"
	case "hostname":
		return "a hostname"
	case "ipv4":
		return "an IPv4 address"
	case "ipv6":
		return "an IPv6 address"
	case "date":
		return "a date like 2006-01-02"
	case "time":
		return "a time like 15:04:05"
	case "date-time":
		return "an RFC 3339 date-time"
	}
	return "in format " + format
}

// reflNumber parses a validate parameter as a JSON number, an integer when
// integer is set.
func reflNumber(s string, integer bool) (json.Number, bool) {
	if integer {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return json.Number(strconv.FormatInt(i, 10)), true
		}
		if u, err := strconv.ParseUint(s, 10, 64); err == nil {
			return json.Number(strconv.FormatUint(u, 10)), true
		}
		return "", false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), true
}

func reflJSONNumber(s string) json.Number { return json.Number(s) }

func reflUint(n int) *uint64 {
	u := uint64(n)
	return &u
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
