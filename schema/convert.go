package schema

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/seed0611af48/quarry/internal/jsonptr"
)

// Change is one thing Strictify changed to make a schema strict.
type Change struct {
	// Pointer locates the changed keyword or subschema in the input document
	// ("" is the root). Inside a merged allOf it is relative to the schema
	// holding the allOf.
	Pointer string `json:"pointer"`
	// Message says what changed, in plain words.
	Message string `json:"message"`
	// Lossy is true when the strict schema no longer enforces something the
	// input did (a minLength moved into the description, oneOf become anyOf).
	Lossy bool `json:"lossy,omitempty"`
}

func (c Change) String() string {
	p := c.Pointer
	if p == "" {
		p = "/"
	}
	if c.Lossy {
		return p + ": " + c.Message + " (lossy)"
	}
	return p + ": " + c.Message
}

// ConvertError reports every part of a schema that Strictify cannot
// convert to the strict subset, each located by a JSON pointer into the
// input document. Findings that come from linting the converted schema
// say so in their message.
type ConvertError struct {
	Findings []Finding
}

func (e *ConvertError) Error() string {
	var b strings.Builder
	b.WriteString("schema: cannot convert to a strict schema")
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

// Strictify converts an ordinary JSON Schema (draft-07 or 2020-12) into the
// strict subset that OpenAI Structured Outputs accepts, and says what it
// changed. The result passes Lint, keeps the order of properties and is
// indented with two spaces; the same input always gives the same output.
//
// What it does:
//   - every object gets additionalProperties: false and lists all of its
//     properties in required; properties that were optional become nullable
//     (type ["string", "null"], or anyOf with {"type": "null"} for $ref,
//     enum, const and object schemas), so null stands for "absent";
//   - definitions move to $defs and their $refs follow; $schema, $id,
//     $comment, default, examples, readOnly, writeOnly and deprecated are
//     removed; a $ref with a description is wrapped in a one-branch anyOf;
//   - keywords strict mode lacks but that can be said in words (minLength,
//     maxLength, uniqueItems, minProperties, dependentRequired, unknown
//     formats...) are removed and described at the end of the description,
//     as Lossy changes; oneOf becomes anyOf (Lossy);
//   - allOf is merged into one schema when its parts agree;
//   - a root that is not an object is wrapped in one: an array root becomes
//     the property "items", anything else the property "value".
//
// What it cannot convert (patternProperties, additionalProperties with a
// schema, objects without properties, if/then/else, not, tuples, arrays
// without items, schemas that allow any value, $refs outside the
// document...) is reported in a *ConvertError naming each pointer, and
// Strictify then returns no schema and no changes.
func Strictify(doc []byte) (strict []byte, changes []Change, err error) {
	root, perr := nodeParse(doc)
	if perr != nil {
		return nil, nil, &ConvertError{[]Finding{{Pointer: "", Rule: RuleJSON, Message: "not valid JSON: " + perr.Error()}}}
	}
	if root.kind != nodeObject {
		return nil, nil, &ConvertError{[]Finding{{Pointer: "", Rule: RuleRoot,
			Message: fmt.Sprintf("the schema must be a JSON object, not a JSON %s", lintKindName(root))}}}
	}
	c := &converter{orig: root.clone(), budget: convMergeBudget, expanding: make(map[string]bool)}
	out := c.root(root)
	if len(c.errs) > 0 {
		return nil, nil, &ConvertError{lintSort(c.errs)}
	}
	data := out.marshal("  ")
	if fs := Lint(data); len(fs) > 0 {
		for i := range fs {
			fs[i].Message = "in the converted schema: " + fs[i].Message
		}
		return nil, nil, &ConvertError{fs}
	}
	return data, c.changes, nil
}

// convMergeBudget bounds the schemas expanded while merging allOf, so that
// references that fan out cannot make Strictify run for ever.
const convMergeBudget = 10_000

type converter struct {
	orig      *nodeValue      // the untouched input, to resolve $refs merged by allOf
	defNames  map[string]bool // names in the output $defs
	rootName  string          // the name in $defs of a wrapped root that refers to itself
	rootRef   string          // what "#" becomes then
	budget    int             // schemas allOf may still expand
	expanding map[string]bool // $refs being expanded for allOf
	changes   []Change
	errs      []Finding
}

func (c *converter) change(ptr string, lossy bool, format string, args ...any) {
	c.changes = append(c.changes, Change{Pointer: ptr, Message: fmt.Sprintf(format, args...), Lossy: lossy})
}

func (c *converter) fail(ptr, rule, format string, args ...any) {
	c.errs = append(c.errs, Finding{Pointer: ptr, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// convAnnotations are keywords that only annotate; Strictify drops them.
var convAnnotations = []string{
	"$schema", "$id", "$comment", "$anchor", "$dynamicAnchor", "$vocabulary",
	"default", "examples", "readOnly", "writeOnly", "deprecated",
}

// root converts the whole document.
func (c *converter) root(root *nodeValue) *nodeValue {
	c.dropAnnotations(root, "")
	defs, defPtrs := c.collectDefs(root)

	if ref := root.get("$ref"); ref != nil {
		c.change("", false, "inlined the schema the root $ref points to: strict mode needs an object root")
		if !c.expand(root, "", 0) {
			return root
		}
		// Drop the definition if nothing else refers to it.
		if name, ok := convDefName(ref); ok && defs != nil && convCountRefs(c.orig, ref.s) == 1 {
			defs.del(name)
			delete(c.defNames, name)
			c.change(defPtrs[name], false, "removed the definition: only the root referred to it")
		}
	}
	if !c.mergeAllOf(root, "", 0) {
		return root
	}
	c.dropAnnotations(root, "")
	if !c.prepare(root, "") {
		return root
	}
	// Decide whether the root must be wrapped in an object.
	types := lintTypesOf(root)
	wrap := root.has("anyOf") || !slices.Equal(types, []string{"object"})
	if wrap && !root.has("anyOf") && len(types) == 2 && slices.Contains(types, "object") && slices.Contains(types, "null") {
		root.set("type", nodeStr("object"))
		c.change("/type", true, "the root may no longer be null: strict mode needs an object root")
		wrap = false
	}
	if !wrap {
		c.body(root, "")
		if defs != nil && len(defs.obj) > 0 {
			root.set("$defs", c.convertDefs(defs, defPtrs))
		}
		return root
	}

	name, what := "value", "root"
	if slices.Equal(types, []string{"array"}) {
		name, what = "items", "array root"
	}
	c.change("", false, "wrapped the %s in an object with one property %q: strict mode needs an object root", what, name)
	var inner *nodeValue
	if convRefersToRoot(c.orig) {
		// "#" meant the old root: give it a name in $defs.
		if defs == nil {
			defs = nodeObj()
		}
		rootName := "Root"
		for i := 2; defs.has(rootName); i++ {
			rootName = fmt.Sprintf("Root%d", i)
		}
		c.rootName, c.rootRef = rootName, "#/$defs/"+rootName
		c.defNames[rootName] = true
		c.change("", false, "moved the old root to $defs/%s because it refers to itself", rootName)
		c.body(root, "")
		defs.set(rootName, root)
		inner = nodeObj(nodeMember{"$ref", nodeStr(c.rootRef)})
	} else {
		c.body(root, "")
		inner = root
	}
	out := nodeObj(
		nodeMember{"type", nodeStr("object")},
		nodeMember{"properties", nodeObj(nodeMember{name, inner})},
		nodeMember{"required", nodeArr(nodeStr(name))},
		nodeMember{"additionalProperties", nodeBoolean(false)},
	)
	if defs != nil && len(defs.obj) > 0 {
		out.set("$defs", c.convertDefs(defs, defPtrs))
	}
	return out
}

// collectDefs takes $defs and definitions off the root, merged into one
// object of named schemas, and records where each came from in the input.
func (c *converter) collectDefs(root *nodeValue) (*nodeValue, map[string]string) {
	c.defNames = make(map[string]bool)
	ptrs := make(map[string]string)
	var defs *nodeValue
	for _, k := range []string{"$defs", "definitions"} {
		d := root.del(k)
		if d == nil {
			continue
		}
		if d.kind != nodeObject {
			c.fail(Pointer("", k), RuleKeywordValue, "%s must be an object of named schemas", k)
			continue
		}
		if k == "definitions" {
			c.change("/definitions", false, "moved definitions to $defs and rewrote the $refs to them")
		}
		if defs == nil {
			defs = nodeObj()
		}
		for _, m := range d.obj {
			if defs.has(m.key) {
				c.fail(Pointer("", k, m.key), RuleRef, "%q is defined in both $defs and definitions", m.key)
				continue
			}
			defs.set(m.key, m.val)
			c.defNames[m.key] = true
			ptrs[m.key] = Pointer("", k, m.key)
		}
	}
	return defs, ptrs
}

func (c *converter) convertDefs(defs *nodeValue, ptrs map[string]string) *nodeValue {
	for i, m := range defs.obj {
		if c.rootName != "" && m.key == c.rootName {
			continue // the old root, converted already
		}
		defs.obj[i].val = c.schema(m.val, ptrs[m.key])
	}
	return defs
}

// convDefName returns the name of the definition a $ref points to.
func convDefName(ref *nodeValue) (string, bool) {
	if ref.kind != nodeString {
		return "", false
	}
	for _, prefix := range []string{"#/$defs/", "#/definitions/"} {
		if rest, ok := strings.CutPrefix(ref.s, prefix); ok {
			name, err := url.PathUnescape(rest)
			if err != nil || strings.Contains(name, "/") {
				return "", false
			}
			return jsonptr.Unescape(name), true
		}
	}
	return "", false
}

// convCountRefs counts the $refs in n whose target is ref.
func convCountRefs(n *nodeValue, ref string) int {
	count := 0
	switch n.kind {
	case nodeObject:
		for _, m := range n.obj {
			if m.key == "$ref" && m.val.kind == nodeString && m.val.s == ref {
				count++
			} else {
				count += convCountRefs(m.val, ref)
			}
		}
	case nodeArray:
		for _, e := range n.arr {
			count += convCountRefs(e, ref)
		}
	}
	return count
}

// convRefersToRoot reports whether any $ref in the document is "#".
func convRefersToRoot(n *nodeValue) bool {
	switch n.kind {
	case nodeObject:
		for _, m := range n.obj {
			if m.key == "$ref" && m.val.kind == nodeString && m.val.s == "#" {
				return true
			}
			if convRefersToRoot(m.val) {
				return true
			}
		}
	case nodeArray:
		return slices.ContainsFunc(n.arr, convRefersToRoot)
	}
	return false
}

// schema converts one subschema and returns it, or what replaces it.
func (c *converter) schema(n *nodeValue, ptr string) *nodeValue {
	switch {
	case n.kind == nodeBool && n.b:
		c.fail(ptr, RuleType, "schema true allows any value; strict mode needs a type")
		return n
	case n.kind == nodeBool:
		c.fail(ptr, RuleSchema, "schema false allows no value")
		return n
	case n.kind != nodeObject:
		c.fail(ptr, RuleSchema, "a schema must be a JSON object, not a JSON %s", lintKindName(n))
		return n
	}
	if !c.mergeAllOf(n, ptr, 0) {
		return n
	}
	c.dropAnnotations(n, ptr)
	for _, k := range []string{"$defs", "definitions"} {
		if n.del(k) != nil {
			c.change(Pointer(ptr, k), false, "removed nested %s: only the root's definitions are kept", k)
		}
	}
	if n.has("$ref") {
		return c.ref(n, ptr)
	}
	if !c.prepare(n, ptr) {
		return n
	}
	c.body(n, ptr)
	return n
}

func (c *converter) dropAnnotations(n *nodeValue, ptr string) {
	for _, k := range convAnnotations {
		if n.del(k) != nil {
			c.change(Pointer(ptr, k), false, "removed %s: strict mode does not accept it", k)
		}
	}
}

// ref converts a schema holding $ref.
func (c *converter) ref(n *nodeValue, ptr string) *nodeValue {
	ref := n.get("$ref")
	if ref.kind != nodeString {
		c.fail(Pointer(ptr, "$ref"), RuleKeywordValue, "$ref must be a string")
		return n
	}
	var others []nodeMember
	for _, m := range n.obj {
		if m.key != "$ref" && m.key != "description" && m.key != "title" {
			others = append(others, m)
		}
	}
	if len(others) > 0 {
		// Keywords beside $ref narrow the referenced schema: merge them.
		c.change(ptr, false, "merged the keywords beside $ref with the schema it points to: strict mode allows no keywords beside $ref")
		m := nodeObj()
		for _, k := range []string{"title", "description"} {
			if v := n.get(k); v != nil {
				m.set(k, v)
			}
		}
		rest := nodeObj(others...)
		m.set("allOf", nodeArr(nodeObj(nodeMember{"$ref", ref}), rest))
		return c.schema(m, ptr)
	}
	target, ok := c.rewriteRef(ref.s, Pointer(ptr, "$ref"))
	if !ok {
		return n
	}
	bare := nodeObj(nodeMember{"$ref", nodeStr(target)})
	if len(n.obj) == 1 {
		return bare
	}
	c.change(ptr, false, "wrapped the $ref in a one-branch anyOf to keep its description: strict mode allows no keywords beside $ref")
	out := nodeObj()
	for _, m := range n.obj {
		if m.key != "$ref" {
			out.set(m.key, m.val)
		}
	}
	out.set("anyOf", nodeArr(bare))
	return out
}

// rewriteRef checks a $ref and returns its strict form.
func (c *converter) rewriteRef(ref, ptr string) (string, bool) {
	if ref == "#" {
		if c.rootRef != "" {
			return c.rootRef, true
		}
		return ref, true
	}
	if name, ok := convDefName(nodeStr(ref)); ok {
		if !c.defNames[name] {
			c.fail(ptr, RuleRef, "$ref %q does not resolve", ref)
			return "", false
		}
		rest, _ := strings.CutPrefix(ref, "#/definitions/")
		rest, _ = strings.CutPrefix(rest, "#/$defs/")
		return "#/$defs/" + rest, true
	}
	c.fail(ptr, RuleRef, "$ref %q must point to the root (#) or to a definition", ref)
	return "", false
}
