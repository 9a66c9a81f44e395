package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

// This file converts the output of invopop/jsonschema's reflector into
// reflNodes that follow the strict rules: every property required, no
// additional properties, unsupported keywords turned into words.

// reflStrictFormats are the string formats strict mode accepts.
var reflStrictFormats = map[string]bool{
	"date-time": true, "time": true, "date": true, "duration": true, "email": true,
	"hostname": true, "ipv4": true, "ipv6": true, "uuid": true,
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
		s := &jsonschema.Schema{Type: "string"}
		// A text type declares its values (an enum) with invopop's hook,
		// which the reflector does not call for mapped types.
		if e, ok := reflect.New(t).Interface().(interface{ JSONSchemaExtend(*jsonschema.Schema) }); ok {
			e.JSONSchemaExtend(s)
		}
		return s
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
	if t != nil && n.typ == "integer" {
		lo, hi := reflIntRange(t)
		if n.minimum == "" && n.exclusiveMinimum == "" {
			n.minimum = lo
		}
		if n.maximum == "" && n.exclusiveMaximum == "" {
			n.maximum = hi
		}
	}
	if t == reflDurationType {
		// encoding/json writes a Duration as an integer of nanoseconds.
		n.description = strings.TrimSpace("A duration in nanoseconds (1 second = 1000000000). " + n.description)
	}
	n.description = reflJoinDesc(n.description, phrases)
	return n, nil
}

// reflCheckEnum refuses an enum (from a jsonschema or validate tag) with a
// value the field cannot hold: a model following the schema would write an
// answer that never decodes.
func reflCheckEnum(n *reflNode, st reflect.Type, f tagField) error {
	check := func(enum []any, t reflect.Type) error {
		for _, v := range enum {
			if v == nil {
				continue
			}
			data, err := json.Marshal(v)
			if err != nil {
				continue
			}
			key := "jsonschema"
			if !strings.Contains(f.field.Tag.Get("jsonschema"), "enum") {
				key = "validate"
			}
			fail := func(format string, args ...any) error {
				return &TagError{Path: reflShortName(st) + "." + f.goName, Key: key, Tag: f.field.Tag.Get(key), Rule: string(data),
					Message: fmt.Sprintf(format, args...)}
			}
			p := reflect.New(t)
			if err := decode(data, p.Interface(), t); err != nil {
				return fail("the value %s cannot be decoded into %s", data, t)
			}
			if t == f.typ && !tagValuePasses(p.Elem(), f.field.Tag.Get("validate")) {
				return fail("the value %s does not pass the validate tag %q", data, f.field.Tag.Get("validate"))
			}
		}
		return nil
	}
	if f.quoted {
		return nil
	}
	if err := check(n.enum, f.typ); err != nil {
		return err
	}
	if et := reflDeref(f.typ); n.items != nil && (et.Kind() == reflect.Slice || et.Kind() == reflect.Array) {
		return check(n.items.enum, et.Elem())
	}
	return nil
}

// reflIntRange gives the bounds of the integer kinds narrower than 64 bits,
// which the schema states so that a model's answer fits ("" when none).
func reflIntRange(t reflect.Type) (lo, hi json.Number) {
	switch t.Kind() {
	case reflect.Int8:
		return "-128", "127"
	case reflect.Int16:
		return "-32768", "32767"
	case reflect.Int32:
		return "-2147483648", "2147483647"
	case reflect.Uint8:
		return "0", "255"
	case reflect.Uint16:
		return "0", "65535"
	case reflect.Uint32:
		return "0", "4294967295"
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return "0", ""
	}
	return "", ""
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
		if err := reflCheckEnum(pn, t, f); err != nil {
			return nil, err
		}
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
