package schema

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/seed0611af48/quarry/internal/jsonptr"
	"github.com/seed0611af48/quarry/internal/ojson"
)

// This file is Quarry's one reader of a JSON Schema document as data: the
// outputs lay out columns from it, eval chooses comparisons, the simulated
// model makes up answers, extract drops the nulls an original schema made
// optional. Each reads the same Model graph instead of walking the JSON.

// Type is a JSON Schema type name other than "null".
type Type uint8

// The types a Model can list. TypeOther stands for a name JSON Schema does
// not define.
const (
	TypeOther Type = iota
	TypeString
	TypeNumber
	TypeInteger
	TypeBoolean
	TypeObject
	TypeArray
)

// String returns the type's JSON Schema name.
func (t Type) String() string {
	switch t {
	case TypeString:
		return "string"
	case TypeNumber:
		return "number"
	case TypeInteger:
		return "integer"
	case TypeBoolean:
		return "boolean"
	case TypeObject:
		return "object"
	case TypeArray:
		return "array"
	}
	return "other"
}

// Model is one subschema, read once. Models form a graph: a $ref is a Model
// whose Ref is the Model it names, so a recursive schema is a cycle; read a
// Model through [Model.Resolve] to get past references.
type Model struct {
	// Ref is set on the Model of a "$ref" (local references only: "#",
	// "#/$defs/Name", any JSON pointer into the document): the Model it
	// names. Every "$ref" to the same place is the same Model, which says
	// nothing else; an unresolvable reference has a nil Ref.
	Ref *Model
	// Alts are the branches of "anyOf" (or "oneOf") other than
	// {"type": "null"}; Nullable records such a branch. The Model's other
	// fields still say what the keywords beside anyOf say.
	Alts []*Model
	// Types lists the types besides "null", in the order "type" gives
	// them: empty (not nil) for {"type": "null"}. Without "type" it is
	// inferred: object from "properties", array from "items", else the
	// one type of every enum or const value; nil when nothing says.
	Types []Type
	// Nullable is set when null is allowed: "null" in "type", a null
	// branch of anyOf/oneOf, or null among the enum values.
	Nullable bool
	// Enum holds the "enum" values, or the "const" value as one; nil when
	// the schema has neither.
	Enum []ojson.Value
	// Format is the "format" of a string ("date", "date-time", ...).
	Format string
	// Props are the object's properties in schema order (a name given
	// twice keeps its first place and its last schema, as encoding/json
	// reads the document).
	Props []Prop
	// Items is the schema of an array's elements; nil without "items".
	Items *Model
	// Keywords is the subschema itself, for keywords the Model does not
	// read ("pattern", "minimum", "x-quarry-compare", ...); nil when the
	// subschema is not an object (true, false) or is too deep.
	Keywords *ojson.Value
}

// Prop is a property of an object schema.
type Prop struct {
	Name     string
	Schema   *Model
	Required bool // listed in "required"
}

// ErrModel reports a schema document that is not a JSON object.
var ErrModel = errors.New("schema: not a JSON Schema")

// modelMaxNesting bounds the recursion over inline subschemas; deeper
// ones are read as empty Models (anything).
const modelMaxNesting = 512

// modelMaxHops bounds chains of references; a longer chain, or a cycle of
// bare references, resolves to an empty Model.
const modelMaxHops = 64

// ParseModel reads a JSON Schema document (strict or not) into its root
// Model. Keywords it does not know are kept in Keywords, never an error;
// only a document that is not a JSON object is.
func ParseModel(data []byte) (*Model, error) {
	root, err := ojson.Options{KeepDuplicates: true}.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	if root.Kind != ojson.Object {
		return nil, fmt.Errorf("%w: not a JSON object", ErrModel)
	}
	r := &modelReader{root: &root, refs: map[string]*Model{}}
	return r.read(&root, 0), nil
}

// Resolve follows references to the Model that says something. It never
// returns nil: a missing Model, or a chain of references longer than 64,
// resolves to an empty Model.
func (n *Model) Resolve() *Model {
	for range modelMaxHops {
		if n == nil {
			return &Model{}
		}
		if n.Ref == nil {
			return n
		}
		n = n.Ref
	}
	return &Model{}
}

// Prop returns the property named name, or nil.
func (n *Model) Prop(name string) *Model {
	for i := range n.Props {
		if n.Props[i].Name == name {
			return n.Props[i].Schema
		}
	}
	return nil
}

// Is reports whether t is n's only type besides null.
func (n *Model) Is(t Type) bool { return len(n.Types) == 1 && n.Types[0] == t }

type modelReader struct {
	root *ojson.Value
	refs map[string]*Model
}

func (r *modelReader) read(s *ojson.Value, depth int) *Model {
	if s.Kind != ojson.Object || depth > modelMaxNesting {
		return &Model{}
	}
	if ref := s.Get("$ref"); ref != nil && ref.Kind == ojson.String {
		return r.ref(ref.Text) // keywords beside a $ref are not read
	}
	n := &Model{Keywords: s}
	for _, key := range []string{"anyOf", "oneOf"} {
		alts := s.Get(key)
		if alts == nil || alts.Kind != ojson.Array {
			continue
		}
		for i := range alts.Elems {
			a := &alts.Elems[i]
			if t := a.Get("type"); t != nil && t.Kind == ojson.String && t.Text == "null" {
				n.Nullable = true
				continue
			}
			n.Alts = append(n.Alts, r.read(a, depth+1))
		}
		if n.Alts == nil {
			n.Alts = []*Model{} // only null
		}
		break // the other keywords are read too: properties beside an anyOf are common
	}
	if e := s.Get("enum"); e != nil && e.Kind == ojson.Array {
		n.Enum = e.Elems
		if n.Enum == nil {
			n.Enum = []ojson.Value{}
		}
	} else if c := s.Get("const"); c != nil {
		n.Enum = []ojson.Value{*c}
	}
	for _, v := range n.Enum {
		if v.Kind == ojson.Null && s.Has("enum") {
			n.Nullable = true
		}
	}
	n.Types, n.Nullable = r.types(s, n.Enum, n.Nullable)
	if f := s.Get("format"); f != nil && f.Kind == ojson.String {
		n.Format = f.Text
	}
	if props := s.Get("properties"); props != nil && props.Kind == ojson.Object {
		required := map[string]bool{}
		if req := s.Get("required"); req != nil && req.Kind == ojson.Array {
			for _, e := range req.Elems {
				if e.Kind == ojson.String {
					required[e.Text] = true
				}
			}
		}
		for i := range props.Members {
			m := &props.Members[i]
			p := Prop{m.Key, r.read(&m.Value, depth+1), required[m.Key]}
			if j := slices.IndexFunc(n.Props, func(q Prop) bool { return q.Name == m.Key }); j >= 0 {
				n.Props[j] = p // a repeated name: the last schema, at the first place
				continue
			}
			n.Props = append(n.Props, p)
		}
	}
	if items := s.Get("items"); items != nil {
		n.Items = r.read(items, depth+1)
	}
	return n
}

// types reads "type" (a name or a list of names), or infers the type.
func (r *modelReader) types(s *ojson.Value, enum []ojson.Value, nullable bool) ([]Type, bool) {
	if t := s.Get("type"); t != nil {
		var names []string
		switch t.Kind {
		case ojson.String:
			names = append(names, t.Text)
		case ojson.Array:
			for _, e := range t.Elems {
				if e.Kind == ojson.String {
					names = append(names, e.Text)
				}
			}
		}
		var ts []Type
		for _, name := range names {
			if name == "null" {
				nullable = true
				continue
			}
			ts = append(ts, typeNamed(name))
		}
		if len(names) > 0 {
			if ts == nil {
				ts = []Type{} // only "null"
			}
			return ts, nullable
		}
	}
	switch {
	case s.Has("properties"):
		return []Type{TypeObject}, nullable
	case s.Has("items"):
		return []Type{TypeArray}, nullable
	}
	var t Type
	for _, v := range enum {
		var vt Type
		switch v.Kind {
		case ojson.String:
			vt = TypeString
		case ojson.Number:
			vt = TypeNumber
		case ojson.Bool:
			vt = TypeBoolean
		case ojson.Null:
			continue
		default:
			return nil, nullable
		}
		if t != TypeOther && vt != t {
			return nil, nullable
		}
		t = vt
	}
	if t == TypeOther {
		return nil, nullable
	}
	return []Type{t}, nullable
}

func typeNamed(name string) Type {
	switch name {
	case "string":
		return TypeString
	case "number":
		return TypeNumber
	case "integer":
		return TypeInteger
	case "boolean":
		return TypeBoolean
	case "object":
		return TypeObject
	case "array":
		return TypeArray
	}
	return TypeOther
}

// ref resolves a local reference. Each reference is read once; a
// recursive one links back to its own Model.
func (r *modelReader) ref(ref string) *Model {
	if n, ok := r.refs[ref]; ok {
		return n
	}
	n := &Model{}
	r.refs[ref] = n // before reading the target: a recursive reference finds it
	frag, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return n // remote references are not followed
	}
	toks, ok := jsonptr.Split(frag)
	if !ok {
		return n
	}
	target := r.root
	for _, tok := range toks {
		if target = target.Get(tok); target == nil {
			return n
		}
	}
	n.Ref = r.read(target, 0)
	return n
}
