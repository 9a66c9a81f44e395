package schema

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/seed0611af48/quarry/internal/jsonptr"
)

// FieldError is one problem found at one place in a JSON value, located by
// an RFC 6901 JSON pointer ("/lines/2/unit_price"; "" is the root).
//
// Decode returns FieldErrors for answers that break the schema; the extract
// package also uses them for validation failures, so a re-ask can tell the
// model exactly what to fix.
type FieldError struct {
	// Pointer locates the value in the JSON document.
	Pointer string `json:"pointer"`
	// Field is the Go path of the field ("Invoice.Lines[2].UnitPrice"), when known.
	Field string `json:"field,omitempty"`
	// Message says what is wrong, in plain words ("must be >= 0", "unknown field").
	Message string `json:"message"`
	// Allowed lists the accepted values or bounds, when there are any ("USD, EUR").
	Allowed string `json:"allowed,omitempty"`
}

func (e *FieldError) Error() string {
	p := e.Pointer
	if p == "" {
		p = "/"
	}
	if e.Allowed != "" {
		return fmt.Sprintf("%s: %s (allowed: %s)", p, e.Message, e.Allowed)
	}
	return p + ": " + e.Message
}

// DecodeError reports every way a JSON answer fails to match a Go type.
type DecodeError struct {
	Type   reflect.Type
	Errors []*FieldError
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("schema: answer does not match ")
	if e.Type != nil {
		b.WriteString(e.Type.String())
	} else {
		b.WriteString("the schema")
	}
	for i, fe := range e.Errors {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Errors)-5)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(fe.Error())
	}
	return b.String()
}

// Finding is one place where a JSON Schema document leaves the subset that
// OpenAI Structured Outputs accepts in strict mode, or passes one of its limits.
type Finding struct {
	// Pointer locates the offending keyword or subschema in the schema document.
	Pointer string `json:"pointer"`
	// Rule is a short stable name for the rule ("additional-properties", "max-nesting").
	Rule string `json:"rule"`
	// Message explains the problem and, where possible, the fix.
	Message string `json:"message"`
}

func (f Finding) String() string {
	p := f.Pointer
	if p == "" {
		p = "/"
	}
	return fmt.Sprintf("%s: %s [%s]", p, f.Message, f.Rule)
}

// UnsupportedTypeError reports a Go type that has no strict JSON Schema form,
// such as a map, an interface, a channel or a func.
type UnsupportedTypeError struct {
	// Path is the Go field path to the offending field ("Invoice.Extra").
	Path string
	Type reflect.Type
	// Hint suggests what to use instead.
	Hint string
}

func (e *UnsupportedTypeError) Error() string {
	msg := fmt.Sprintf("schema: %s: type %s is not supported in a strict schema", e.Path, e.Type)
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// Pointer appends reference tokens to a JSON pointer, escaping "~" and "/".
func Pointer(base string, tokens ...string) string {
	return jsonptr.Join(base, tokens...)
}

// TagError reports a validate tag that go-playground/validator cannot run:
// an unknown rule, a parameter that does not parse ("gte=abc" on an int), a
// rule that does not apply to the field's type or a cross-field rule naming
// a field that does not exist; or an enum (jsonschema or oneof) with a
// value the field's type cannot hold. It is found when the type's schema is built,
// so a mistake in a type fails before any request is made.
type TagError struct {
	// Path is the Go field path ("Invoice.Lines[].Quantity").
	Path string
	// Key is the tag's key: "validate" when empty, or "jsonschema" (an
	// enum value the field's type cannot hold).
	Key string
	// Tag is the whole tag; Rule is the rule that fails ("gte=abc").
	Tag, Rule string
	// Message says what is wrong.
	Message string
}

func (e *TagError) Error() string {
	key := e.Key
	if key == "" {
		key = "validate"
	}
	return fmt.Sprintf("schema: %s: %s tag %q: rule %q: %s", e.Path, key, e.Tag, e.Rule, e.Message)
}

// LintError reports a schema that Lint finds over the limits of strict
// mode (LintMaxNesting, LintMaxProperties, LintMaxEnumValues...): the extract
// package refuses to send it, since the server would answer 400
// invalid_json_schema.
type LintError struct {
	// Name is the schema's text.format name.
	Name     string
	Findings []Finding
}

func (e *LintError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "schema: %s is over the limits of strict mode", e.Name)
	for i, f := range e.Findings {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Findings)-5)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	return b.String()
}
