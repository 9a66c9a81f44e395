package schema

import (
	"fmt"
	"slices"
	"strings"
)

// prepare merges allOf, turns oneOf into anyOf and makes sure the schema
// has a type, enum, const or anyOf. It reports false when it cannot.
func (c *converter) prepare(n *nodeValue, ptr string) bool {
	if !c.mergeAllOf(n, ptr, 0) {
		return false
	}
	c.requiredAlternatives(n, ptr)
	if one := n.get("oneOf"); one != nil {
		if n.has("anyOf") {
			c.fail(Pointer(ptr, "oneOf"), RuleUnsupportedKeyword, "oneOf beside anyOf cannot be converted; merge them into one anyOf")
			return false
		}
		n.rename("oneOf", "anyOf")
		c.change(Pointer(ptr, "oneOf"), true, "oneOf became anyOf: strict mode has no oneOf, and a value may now match more than one branch")
	}
	if !c.inferType(n, ptr) {
		return false
	}
	if nb := n.del("nullable"); nb != nil {
		if nb.kind == nodeBool && nb.b {
			c.nullableType(n)
			c.change(Pointer(ptr, "nullable"), false, `replaced nullable: true by "null" in type`)
		} else {
			c.change(Pointer(ptr, "nullable"), false, "removed nullable: false")
		}
	}
	return true
}

// requiredAlternatives turns an anyOf or oneOf whose branches only list
// required properties ("give a or b") into words: every property is
// required in strict mode, so the branches would say nothing.
func (c *converter) requiredAlternatives(n *nodeValue, ptr string) {
	for _, k := range []string{"anyOf", "oneOf"} {
		alts := n.get(k)
		if alts == nil || alts.kind != nodeArray || len(alts.arr) == 0 || !n.has("properties") {
			continue
		}
		var words []string
		for _, b := range alts.arr {
			req := b.get("required")
			if b.kind != nodeObject || req == nil || req.kind != nodeArray || len(b.obj) != 1 {
				return
			}
			var names []string
			for _, e := range req.arr {
				names = append(names, e.String())
			}
			words = append(words, strings.Join(names, " and "))
		}
		n.del(k)
		note := fmt.Sprintf("Requires %s (not null).", strings.Join(words, " or "))
		c.addNotes(n, note)
		c.change(Pointer(ptr, k), true, "removed %s of required properties; the description now says %q", k, note)
	}
}

// convTypeKeys lists, per type, keywords from which a missing type is inferred.
var convTypeKeys = []struct {
	typ  string
	keys []string
}{
	{"object", []string{"properties", "required", "additionalProperties", "patternProperties", "minProperties",
		"maxProperties", "propertyNames", "dependentRequired", "dependentSchemas", "unevaluatedProperties"}},
	{"array", []string{"items", "minItems", "maxItems", "uniqueItems", "prefixItems", "contains", "additionalItems"}},
	{"string", []string{"minLength", "maxLength", "pattern", "format", "contentEncoding", "contentMediaType"}},
	{"number", []string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}},
}

// inferType checks the type keyword, or infers a missing one.
func (c *converter) inferType(n *nodeValue, ptr string) bool {
	if t := n.get("type"); t != nil {
		before := len(c.errs)
		l := &linter{root: n}
		l.checkType(n, ptr)
		for _, f := range l.findings {
			c.fail(f.Pointer, f.Rule, "%s", f.Message)
		}
		return len(c.errs) == before
	}
	var found []string
	var from string
	for _, g := range convTypeKeys {
		for _, k := range g.keys {
			if n.has(k) {
				found = append(found, g.typ)
				from = k
				break
			}
		}
	}
	switch len(found) {
	case 0:
		if n.has("anyOf") || n.has("enum") || n.has("const") {
			return true
		}
		c.fail(ptr, RuleType, "schema allows any value; strict mode needs a type, enum, const, anyOf or $ref")
		return false
	case 1:
		n.setFirst("type", nodeStr(found[0]))
		c.change(ptr, false, "added type %q, inferred from %s", found[0], from)
		return true
	default:
		c.fail(ptr, RuleType, "schema has no type and keywords for %s; add a type", strings.Join(found, " and "))
		return false
	}
}

// nullableType adds "null" to the type of n.
func (c *converter) nullableType(n *nodeValue) {
	t := n.get("type")
	switch {
	case t == nil:
	case t.kind == nodeString && t.s != "null":
		n.set("type", nodeArr(nodeStr(t.s), nodeStr("null")))
	case t.kind == nodeArray && !slices.ContainsFunc(t.arr, func(e *nodeValue) bool { return e.kind == nodeString && e.s == "null" }):
		t.arr = append(t.arr, nodeStr("null"))
	}
}

// convIsNullable reports whether schema n already accepts null.
func convIsNullable(n *nodeValue) bool {
	if n.kind != nodeObject {
		return false
	}
	if cv := n.get("const"); cv != nil {
		return cv.kind == nodeNull
	}
	if e := n.get("enum"); e != nil && !slices.ContainsFunc(e.arr, func(v *nodeValue) bool { return v.kind == nodeNull }) {
		return false
	}
	if n.has("type") {
		return slices.Contains(lintTypesOf(n), "null")
	}
	if alts := n.get("anyOf"); alts != nil {
		return slices.ContainsFunc(alts.arr, convIsNullable)
	}
	return false
}

// nullable returns converted schema n made to accept null as well.
func (c *converter) nullable(n *nodeValue) *nodeValue {
	if n.kind != nodeObject || convIsNullable(n) {
		return n
	}
	null := nodeObj(nodeMember{"type", nodeStr("null")})
	types := lintTypesOf(n)
	if alts := n.get("anyOf"); alts != nil && alts.kind == nodeArray && len(types) == 0 && !n.has("enum") && !n.has("const") {
		alts.arr = append(alts.arr, null)
		return n
	}
	if n.has("$ref") || n.has("enum") || n.has("const") || n.has("anyOf") || len(types) == 0 || slices.Contains(types, "object") {
		out := nodeObj()
		for _, k := range []string{"title", "description"} {
			if v := n.del(k); v != nil {
				out.set(k, v)
			}
		}
		out.set("anyOf", nodeArr(n, null))
		return out
	}
	c.nullableType(n)
	return n
}

// convFormatNotes says in words what formats strict mode lacks required.
var convFormatNotes = map[string]string{
	"uri": "A URI.", "uri-reference": "A URI reference.", "iri": "An IRI.", "iri-reference": "An IRI reference.",
	"uri-template": "A URI template.", "idn-email": "An email address.", "idn-hostname": "A hostname.",
	"regex": "A regular expression.", "json-pointer": "A JSON pointer.", "relative-json-pointer": "A relative JSON pointer.",
	"byte": "Base64-encoded.", "binary": "Binary data.", "password": "A password.",
}

// convDropTyped lists unsupported keywords that apply to one type only.
var convDropTyped = map[string]string{
	"minLength": "string", "maxLength": "string", "contentEncoding": "string", "contentMediaType": "string",
	"uniqueItems": "array", "contains": "array", "minContains": "array", "maxContains": "array",
	"prefixItems": "array", "additionalItems": "array", "unevaluatedItems": "array",
	"patternProperties": "object", "propertyNames": "object", "minProperties": "object", "maxProperties": "object",
	"dependentRequired": "object", "dependentSchemas": "object", "dependencies": "object", "unevaluatedProperties": "object",
}

// body converts the keywords of a prepared schema.
func (c *converter) body(n *nodeValue, ptr string) {
	types := lintTypesOf(n)
	var notes []string
	note := func(k, text string) {
		notes = append(notes, text)
		c.change(Pointer(ptr, k), true, "removed %s: strict mode does not support it; the description now says %q", k, text)
	}
	for _, m := range slices.Clone(n.obj) {
		k, v, p := m.key, m.val, Pointer(ptr, m.key)
		want, supported := lintTyped[k]
		if !supported {
			want = convDropTyped[k]
		}
		if want != "" && len(types) > 0 && !lintApplies(want, types) {
			n.del(k)
			c.change(p, false, "removed %s, which applies only to type %s", k, want)
			continue
		}
		if supported && len(types) == 0 {
			n.del(k)
			c.change(p, true, "removed %s: strict mode allows it only in a schema with a type", k)
			continue
		}
		switch k {
		case "type", "title", "enum", "const", "pattern", "minimum", "maximum", "multipleOf",
			"minItems", "maxItems", "required", "additionalProperties":
			// kept; objects are finished below
		case "description":
			if v.kind != nodeString {
				n.del(k)
				c.change(p, false, "removed description: it is not a string")
			}
		case "anyOf":
			if v.kind != nodeArray || len(v.arr) == 0 {
				c.fail(p, RuleKeywordValue, "anyOf must be a non-empty array of schemas")
				continue
			}
			for i, b := range v.arr {
				v.arr[i] = c.schema(b, Pointer(p, fmt.Sprint(i)))
			}
		case "exclusiveMinimum", "exclusiveMaximum":
			if v.kind == nodeBool { // draft-04
				bound := "minimum"
				if k == "exclusiveMaximum" {
					bound = "maximum"
				}
				n.del(k)
				if b := n.get(bound); v.b && b != nil {
					n.rename(bound, k)
					c.change(p, false, "replaced %s: true and %s by %s %s", k, bound, k, b)
				} else {
					c.change(p, false, "removed %s: %v", k, v.b)
				}
			}
		case "format":
			if v.kind == nodeString && !lintFormats[v.s] {
				text, ok := convFormatNotes[v.s]
				if !ok {
					text = fmt.Sprintf("Format: %s.", v.s)
				}
				n.del(k)
				note(k, text)
			}
		case "items":
			switch {
			case v.kind == nodeArray:
				c.fail(p, RuleItems, "tuple items cannot be converted; use an object with one property per position")
			default:
				n.set(k, c.schema(v, p))
			}
		case "properties":
			// converted with the object below
		case "minLength", "maxLength":
			lo, hi := n.del("minLength"), n.del("maxLength")
			if lo == nil && hi == nil {
				continue // described with the other one
			}
			text := convLengthNote(lo, hi)
			notes = append(notes, text)
			for _, b := range []struct {
				k string
				v *nodeValue
			}{{"minLength", lo}, {"maxLength", hi}} {
				if b.v != nil {
					c.change(Pointer(ptr, b.k), true, "removed %s: strict mode does not support it; the description now says %q", b.k, text)
				}
			}
		case "uniqueItems":
			n.del(k)
			if v.kind == nodeBool && v.b {
				note(k, "Items must be unique.")
			} else {
				c.change(p, false, "removed uniqueItems: false")
			}
		case "minProperties", "maxProperties":
			n.del(k)
			word := "least"
			if k == "maxProperties" {
				word = "most"
			}
			note(k, fmt.Sprintf("At %s %s of the fields must not be null.", word, v))
		case "dependentRequired", "dependencies":
			n.del(k)
			if v.kind != nodeObject {
				c.fail(p, RuleKeywordValue, "%s must be an object", k)
				continue
			}
			for _, d := range v.obj {
				if d.val.kind != nodeArray {
					c.fail(Pointer(p, d.key), RuleUnsupportedKeyword, "%s with a schema cannot be converted", k)
					continue
				}
				var names []string
				for _, e := range d.val.arr {
					names = append(names, e.String())
				}
				note(k, fmt.Sprintf("If %q is not null, %s must not be null either.", d.key, strings.Join(names, ", ")))
			}
		case "contentEncoding":
			n.del(k)
			note(k, fmt.Sprintf("Encoded as %s.", v))
		case "contentMediaType":
			n.del(k)
			note(k, fmt.Sprintf("Media type %s.", v))
		case "additionalItems":
			if it := n.get("items"); it != nil && it.kind == nodeObject {
				n.del(k)
				c.change(p, false, "removed additionalItems: it has no effect beside a single items schema")
			} else {
				c.fail(p, RuleUnsupportedKeyword, "additionalItems cannot be converted; use a single items schema")
			}
		case "unevaluatedProperties":
			n.del(k)
			if v.kind == nodeBool && !v.b {
				c.change(p, false, "removed unevaluatedProperties: false; additionalProperties: false does its work")
			} else {
				c.fail(p, RuleUnsupportedKeyword, "unevaluatedProperties with a schema cannot be converted")
			}
		case "propertyNames":
			n.del(k)
			c.change(p, false, "removed propertyNames: the properties are listed by name")
		case "not", "if", "then", "else", "patternProperties", "dependentSchemas", "contains", "minContains",
			"maxContains", "prefixItems", "unevaluatedItems", "$dynamicRef", "allOf", "oneOf":
			c.fail(p, RuleUnsupportedKeyword, "%s cannot be converted to strict mode; %s", k, lintUnsupported[k])
		default:
			n.del(k)
			c.change(p, false, "removed %s, which is not a keyword of the strict subset", k)
		}
	}
	if lintApplies("object", types) {
		c.object(n, ptr)
	}
	if lintApplies("array", types) && !n.has("items") {
		c.fail(ptr, RuleItems, "an array without items allows any items; strict mode needs an items schema")
	}
	c.addNotes(n, notes...)
}

// convLengthNote says minLength and maxLength in words.
func convLengthNote(lo, hi *nodeValue) string {
	chars := func(v *nodeValue) string {
		if v.s == "1" {
			return "1 character"
		}
		return v.s + " characters"
	}
	switch {
	case lo != nil && hi != nil && lo.equal(hi):
		return "Exactly " + chars(lo) + "."
	case lo != nil && hi != nil:
		return lo.s + " to " + chars(hi) + "."
	case lo != nil:
		return "At least " + chars(lo) + "."
	default:
		return "At most " + chars(hi) + "."
	}
}

// addNotes appends sentences to the description of n.
func (c *converter) addNotes(n *nodeValue, notes ...string) {
	if len(notes) == 0 {
		return
	}
	text := strings.Join(notes, " ")
	if d := n.get("description"); d != nil && d.kind == nodeString && strings.TrimSpace(d.s) != "" {
		s := strings.TrimRight(d.s, " \t\n")
		if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") {
			s += "."
		}
		text = s + " " + text
	}
	n.setAfter("description", nodeStr(text), "title", "type")
}

// object finishes an object schema: converts its properties, makes them
// all required, the optional ones nullable, and closes it.
func (c *converter) object(n *nodeValue, ptr string) {
	props := n.get("properties")
	if props != nil && props.kind != nodeObject {
		c.fail(Pointer(ptr, "properties"), RuleKeywordValue, "properties must be an object of schemas")
		return
	}
	hasProps := props != nil && len(props.obj) > 0
	switch ap := n.get("additionalProperties"); {
	case ap != nil && ap.kind == nodeBool && !ap.b:
	case !hasProps && n.has("patternProperties"):
		// reported with patternProperties
	case !hasProps && (ap == nil || ap.kind == nodeBool || (ap.kind == nodeObject && len(ap.obj) == 0)):
		c.fail(ptr, RuleAdditionalProperties, "an object without properties allows any keys; strict mode needs named properties")
	case ap == nil:
		n.set("additionalProperties", nodeBoolean(false))
		c.change(ptr, false, "added additionalProperties: false")
	case ap.kind == nodeBool || (ap.kind == nodeObject && len(ap.obj) == 0):
		n.set("additionalProperties", nodeBoolean(false))
		c.change(Pointer(ptr, "additionalProperties"), true, "set additionalProperties to false: keys beyond the listed properties are no longer allowed")
	default:
		c.fail(Pointer(ptr, "additionalProperties"), RuleAdditionalProperties,
			"additionalProperties with a schema is a map with free-form keys; strict mode needs named properties (or an array of key/value objects)")
	}
	if !hasProps {
		return
	}
	listed := make(map[string]bool)
	req := n.get("required")
	if req != nil && req.kind == nodeArray {
		for _, e := range req.arr {
			if e.kind == nodeString {
				if !props.has(e.s) {
					c.change(Pointer(ptr, "required"), false, "removed %q from required: there is no such property", e.s)
				}
				listed[e.s] = true
			}
		}
	}
	all := nodeArr()
	for i, m := range props.obj {
		p := Pointer(ptr, "properties", m.key)
		v := c.schema(m.val, p)
		if !listed[m.key] {
			v = c.nullable(v)
			c.change(p, false, "optional property is now required and nullable: null stands for absent")
		}
		props.obj[i].val = v
		all.arr = append(all.arr, nodeStr(m.key))
	}
	n.setAfter("required", all, "properties")
}
