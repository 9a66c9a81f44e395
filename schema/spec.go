package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// SpecError reports a syntax error in a concise field spec, with the byte
// offset where it was found.
type SpecError struct {
	Spec   string
	Offset int
	Msg    string
}

func (e *SpecError) Error() string {
	return fmt.Sprintf("schema: spec at offset %d: %s", e.Offset, e.Msg)
}

// ParseSpec turns a concise field spec into a JSON Schema document (an
// ordinary one: optional fields are left out of "required"; Strictify makes
// it strict). The grammar:
//
//	fields      = field { "," field }
//	field       = name [ "?" ] [ type ] [ enum ] [ ":" description ]
//	type        = "string" | "int" | "integer" | "number" | "float" | "bool" | "boolean"
//	            | "date" | "datetime" | "[]" scalar-type
//	            | "{" fields "}"          (a nested object)
//	            | "[" fields "]"          (an array of objects)
//	enum        = "(" value { "|" value } ")"
//	description = text up to the next "," or closing bracket, or a "quoted string"
//
// For example:
//
//	vendor, invoice_number, issue_date date: ISO date, total number,
//	status (open|closed), note?, tags []string,
//	lines [description, quantity int, unit_price number]
//
// Fields are strings unless typed; a "?" makes a field optional (nullable in
// the strict form).
func ParseSpec(spec string) ([]byte, error) {
	p := &specParser{src: spec}
	fields, err := p.fields(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.src) {
		return nil, p.errorf("unexpected %q", p.src[p.pos])
	}
	if len(fields) == 0 {
		return nil, p.errorf("no fields")
	}
	var b bytes.Buffer
	// No "$schema": strict mode does not take it, and the converter would
	// report removing what the user never wrote.
	b.WriteString(`{`)
	specObject(&b, fields)
	b.WriteString("}")
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

type specField struct {
	name, typ, desc string
	optional        bool
	enum            []string
	children        []specField // for objects and arrays of objects
	array           bool        // "[...]" or "[]scalar"
}

type specParser struct {
	src string
	pos int
}

func (p *specParser) errorf(format string, a ...any) error {
	return &SpecError{Spec: p.src, Offset: p.pos, Msg: fmt.Sprintf(format, a...)}
}

func (p *specParser) space() {
	for p.pos < len(p.src) && unicode.IsSpace(rune(p.src[p.pos])) {
		p.pos++
	}
}

func (p *specParser) peek() byte {
	p.space()
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *specParser) word() string {
	p.space()
	start := p.pos
	for p.pos < len(p.src) {
		c := rune(p.src[p.pos])
		if c == '_' || c == '-' || c == '.' || unicode.IsLetter(c) || unicode.IsDigit(c) || c >= 0x80 {
			p.pos++
			continue
		}
		break
	}
	return p.src[start:p.pos]
}

// fields parses until the end or a closing bracket; depth guards recursion.
func (p *specParser) fields(depth int) ([]specField, error) {
	if depth > 10 {
		return nil, p.errorf("nested deeper than 10 levels")
	}
	var out []specField
	seen := map[string]bool{}
	for {
		c := p.peek()
		if c == 0 || c == '}' || c == ']' {
			return out, nil
		}
		f, err := p.field(depth)
		if err != nil {
			return nil, err
		}
		if seen[f.name] {
			return nil, p.errorf("field %q appears twice", f.name)
		}
		seen[f.name] = true
		out = append(out, f)
		if p.peek() == ',' {
			p.pos++
			continue
		}
		if c := p.peek(); c != 0 && c != '}' && c != ']' {
			return nil, p.errorf("expected \",\" after field %q, found %q", f.name, c)
		}
	}
}

func (p *specParser) field(depth int) (specField, error) {
	f := specField{typ: "string"}
	f.name = p.word()
	if f.name == "" {
		return f, p.errorf("expected a field name")
	}
	if p.peek() == '?' {
		f.optional = true
		p.pos++
	}
	switch p.peek() {
	case '{':
		p.pos++
		kids, err := p.fields(depth + 1)
		if err != nil {
			return f, err
		}
		if p.peek() != '}' {
			return f, p.errorf("expected \"}\" to close %q", f.name)
		}
		p.pos++
		if len(kids) == 0 {
			return f, p.errorf("object %q has no fields", f.name)
		}
		f.typ, f.children = "object", kids
	case '[':
		p.pos++
		if p.peek() == ']' { // "[]type"
			p.pos++
			t := p.word()
			if _, ok := specScalar(t); !ok {
				return f, p.errorf("unknown element type %q for %q (use string, int, number, bool, date or datetime)", t, f.name)
			}
			f.typ, f.array = t, true
			break
		}
		kids, err := p.fields(depth + 1)
		if err != nil {
			return f, err
		}
		if p.peek() != ']' {
			return f, p.errorf("expected \"]\" to close %q", f.name)
		}
		p.pos++
		if len(kids) == 0 {
			return f, p.errorf("list %q has no fields", f.name)
		}
		f.typ, f.children, f.array = "object", kids, true
	default:
		save := p.pos
		if t := p.word(); t != "" {
			if _, ok := specScalar(t); !ok {
				hint := ""
				if g := goTypeHint(t); g != "" {
					hint = fmt.Sprintf("; for Go's %s write %s", t, g)
				}
				return f, &SpecError{Spec: p.src, Offset: save, Msg: fmt.Sprintf("unknown type %q for %q (use string, int, number, bool, date, datetime, []type, {...} or [...])%s", t, f.name, hint)}
			}
			f.typ = t
		}
	}
	if p.peek() == '?' {
		f.optional = true
		p.pos++
	}
	if p.peek() == '(' {
		p.pos++
		start := p.pos
		end := strings.IndexByte(p.src[p.pos:], ')')
		if end < 0 {
			return f, p.errorf("enum of %q is not closed with \")\"", f.name)
		}
		for _, v := range strings.Split(p.src[start:start+end], "|") {
			if v = strings.TrimSpace(v); v != "" {
				f.enum = append(f.enum, v)
			}
		}
		p.pos = start + end + 1
		if len(f.enum) == 0 {
			return f, p.errorf("enum of %q is empty", f.name)
		}
	}
	if p.peek() == ':' {
		p.pos++
		quoted := p.peek() == '"'
		at := p.pos
		d, err := p.description()
		if err != nil {
			return f, err
		}
		// "total: int" is a string field described as "int": a mistake in
		// the user's types that no answer would reveal.
		if t := typeWord(d); t != "" && t != "string" && !quoted && len(f.enum) == 0 && f.typ == "string" && !f.array {
			return f, &SpecError{Spec: p.src, Offset: at, Msg: fmt.Sprintf(
				"the description of %q is the type name %q: write %q for a typed field (a \":\" starts a description; quote it, %s: %q, if you mean the words)",
				f.name, d, f.name+" "+t, f.name, d)}
		}
		f.desc = d
	}
	return f, nil
}

// typeWord returns the spec type a description that is only a type name
// (a spec type or a Go type such as float64) stands for, or "".
func typeWord(d string) string {
	st, ok := specScalar(d)
	switch {
	case !ok:
		return goTypeHint(d)
	case st == [2]string{"string", ""}:
		return "string"
	}
	return d
}

// goTypeHint names the spec type for a Go type name, or "".
func goTypeHint(t string) string {
	switch t {
	case "float64", "float32":
		return "number"
	case "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "int"
	case "time.Time":
		return "datetime"
	}
	return ""
}

func (p *specParser) description() (string, error) {
	if p.peek() == '"' {
		var s string
		dec := json.NewDecoder(strings.NewReader(p.src[p.pos:]))
		if err := dec.Decode(&s); err != nil {
			return "", p.errorf("bad quoted description: %v", err)
		}
		p.pos += int(dec.InputOffset())
		return s, nil
	}
	start := p.pos
	for p.pos < len(p.src) && !strings.ContainsRune(",}]", rune(p.src[p.pos])) {
		p.pos++
	}
	return strings.TrimSpace(p.src[start:p.pos]), nil
}

// specScalar maps a spec type to a JSON Schema type and format.
func specScalar(t string) (typ [2]string, ok bool) {
	switch t {
	case "string", "str", "text":
		return [2]string{"string", ""}, true
	case "int", "integer":
		return [2]string{"integer", ""}, true
	case "number", "float", "decimal":
		return [2]string{"number", ""}, true
	case "bool", "boolean":
		return [2]string{"boolean", ""}, true
	case "date":
		return [2]string{"string", "date"}, true
	case "datetime", "date-time", "timestamp":
		return [2]string{"string", "date-time"}, true
	}
	return typ, false
}

func specObject(b *bytes.Buffer, fields []specField) {
	b.WriteString(`"type":"object","properties":{`)
	var required []string
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		specJSON(b, f.name)
		b.WriteString(":{")
		specProperty(b, f)
		b.WriteByte('}')
		if !f.optional {
			required = append(required, f.name)
		}
	}
	b.WriteString(`},"required":[`)
	for i, r := range required {
		if i > 0 {
			b.WriteByte(',')
		}
		specJSON(b, r)
	}
	b.WriteString(`],"additionalProperties":false`)
}

func specProperty(b *bytes.Buffer, f specField) {
	if f.desc != "" {
		b.WriteString(`"description":`)
		specJSON(b, f.desc)
		b.WriteByte(',')
	}
	if f.array {
		b.WriteString(`"type":"array","items":{`)
	}
	if f.typ == "object" {
		specObject(b, f.children)
	} else {
		t, _ := specScalar(f.typ)
		b.WriteString(`"type":`)
		specJSON(b, t[0])
		if t[1] != "" {
			b.WriteString(`,"format":`)
			specJSON(b, t[1])
		}
		if len(f.enum) > 0 {
			b.WriteString(`,"enum":[`)
			for i, v := range f.enum {
				if i > 0 {
					b.WriteByte(',')
				}
				if t[0] == "integer" || t[0] == "number" || t[0] == "boolean" {
					if json.Valid([]byte(v)) {
						b.WriteString(v)
						continue
					}
				}
				specJSON(b, v)
			}
			b.WriteByte(']')
		}
	}
	if f.array {
		b.WriteByte('}')
	}
}

func specJSON(b *bytes.Buffer, s string) {
	out, _ := json.Marshal(s)
	b.Write(out)
}
