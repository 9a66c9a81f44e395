package ojson

import (
	"strconv"

	"github.com/seed0611af48/quarry/internal/jsonptr"
)

// Kind is the JSON type of a Value.
type Kind uint8

// The kinds of JSON values. The zero Kind is Null, so the zero Value is null.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// String returns the kind's name with its article ("a number"), as error
// messages use it.
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "a boolean"
	case Number:
		return "a number"
	case String:
		return "a string"
	case Array:
		return "an array"
	case Object:
		return "an object"
	}
	return "kind " + strconv.Itoa(int(k))
}

// Value is one JSON value. Objects keep the order of their members, which
// map[string]any loses; numbers keep their text, so nothing is rounded.
//
// A Value is a plain struct: copying one copies its slices' headers, not
// their elements. The methods that return a *Value (Get, Index, Lookup)
// point into the tree, so a change through them is a change of the tree;
// appending to a slice may move it, after which such pointers see the old
// elements.
type Value struct {
	Kind Kind
	// Text is a string's value, a number's literal ("1.50"), or a
	// boolean's ("true", "false").
	Text string
	// Raw is the value's JSON text as parsed (a slice of the input), or
	// nil for a Value built in Go.
	Raw     []byte
	Elems   []Value  // an array's elements
	Members []Member // an object's members, in order
}

// Member is one key and value of an object.
type Member struct {
	Key   string
	Value Value
}

// Str returns a string value.
func Str(s string) Value { return Value{Kind: String, Text: s} }

// Num returns a number value with the literal text (which must be a valid
// JSON number).
func Num(text string) Value { return Value{Kind: Number, Text: text} }

// Boolean returns true or false.
func Boolean(b bool) Value { return Value{Kind: Bool, Text: strconv.FormatBool(b)} }

// Arr returns an array of elems.
func Arr(elems ...Value) Value { return Value{Kind: Array, Elems: elems} }

// Obj returns an object of members, in their order.
func Obj(members ...Member) Value { return Value{Kind: Object, Members: members} }

// True reports whether v is the boolean true.
func (v *Value) True() bool { return v.Kind == Bool && v.Text == "true" }

// Float returns a number's value.
func (v *Value) Float() (float64, bool) {
	if v == nil || v.Kind != Number {
		return 0, false
	}
	f, err := strconv.ParseFloat(v.Text, 64)
	return f, err == nil
}

// Get returns the value of the member named key of an object, or nil. With
// repeated keys (see Options.KeepDuplicates) it is the last one, as
// encoding/json keeps.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Key == key {
			return &v.Members[i].Value
		}
	}
	return nil
}

// Has reports whether the object v has a member named key.
func (v *Value) Has(key string) bool { return v.Get(key) != nil }

// Index returns element i of an array, or nil.
func (v *Value) Index(i int) *Value {
	if v == nil || v.Kind != Array || i < 0 || i >= len(v.Elems) {
		return nil
	}
	return &v.Elems[i]
}

// Lookup returns the value a JSON pointer (RFC 6901, "/lines/0/price")
// names, or nil. "" names v itself.
func (v *Value) Lookup(ptr string) *Value {
	toks, ok := jsonptr.Split(ptr)
	if !ok || v == nil {
		return nil
	}
	for _, tok := range toks {
		switch v.Kind {
		case Object:
			v = v.Get(tok)
		case Array:
			i, err := strconv.Atoi(tok)
			if err != nil || tok != strconv.Itoa(i) {
				return nil
			}
			v = v.Index(i)
		default:
			return nil
		}
		if v == nil {
			return nil
		}
	}
	return v
}
