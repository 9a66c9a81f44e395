package schema

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/seed0611af48/quarry/internal/jsonptr"
)

// Limits of OpenAI Structured Outputs in strict mode that Lint checks.
const (
	// LintMaxProperties is the most object properties a schema may have in total.
	LintMaxProperties = 5000
	// LintMaxNesting is the most levels of object nesting; the root object is level 1.
	LintMaxNesting = 10
	// LintMaxStringLength is the most characters that property names,
	// definition names, enum values and const values may have in total.
	LintMaxStringLength = 120_000
	// LintMaxEnumValues is the most enum values across all enums of a schema.
	LintMaxEnumValues = 1000
	// LintMaxLongEnumLength is the most characters the values of one enum of
	// more than LintLongEnum string values may have in total.
	LintMaxLongEnumLength = 15_000
	// LintLongEnum is the number of string values above which an enum is
	// held to LintMaxLongEnumLength.
	LintLongEnum = 250
)

// Lint rules, the Rule of the Findings that Lint and LintName return.
const (
	RuleJSON                 = "json"                   // the document is not valid JSON
	RuleRoot                 = "root"                   // the root is not an object schema
	RuleSchema               = "schema"                 // a subschema is not a JSON object
	RuleType                 = "type"                   // bad or missing type
	RuleAdditionalProperties = "additional-properties"  // object without additionalProperties: false
	RuleRequired             = "required"               // required does not list exactly the properties
	RuleItems                = "items"                  // array without a single items schema
	RuleUnsupportedKeyword   = "unsupported-keyword"    // keyword outside the strict subset
	RuleKeywordType          = "keyword-type"           // keyword for another type ("pattern" on a number)
	RuleKeywordValue         = "keyword-value"          // keyword with a value of the wrong shape
	RuleFormat               = "format"                 // string format strict mode does not know
	RuleEnum                 = "enum"                   // empty or malformed enum
	RuleRef                  = "ref"                    // $ref that does not resolve or points outside $defs
	RuleRefSiblings          = "ref-siblings"           // keywords beside $ref
	RuleMaxProperties        = "max-properties"         // more than LintMaxProperties properties
	RuleMaxNesting           = "max-nesting"            // more than LintMaxNesting levels of objects
	RuleMaxStringLength      = "max-string-length"      // names and values over LintMaxStringLength
	RuleMaxEnumValues        = "max-enum-values"        // more than LintMaxEnumValues enum values
	RuleMaxEnumStringLength  = "max-enum-string-length" // long enum over LintMaxLongEnumLength
	RuleName                 = "name"                   // text.format name not matching ^[a-zA-Z0-9_-]{1,64}$
)

// lintTyped maps each type-specific keyword of the strict subset to the type
// it applies to ("number" stands for number and integer).
var lintTyped = map[string]string{
	"pattern":              "string",
	"format":               "string",
	"minimum":              "number",
	"maximum":              "number",
	"exclusiveMinimum":     "number",
	"exclusiveMaximum":     "number",
	"multipleOf":           "number",
	"items":                "array",
	"minItems":             "array",
	"maxItems":             "array",
	"properties":           "object",
	"required":             "object",
	"additionalProperties": "object",
}

// lintGeneral lists the keywords allowed on any schema.
var lintGeneral = map[string]bool{
	"type": true, "description": true, "title": true, "enum": true, "const": true,
	"anyOf": true, "$ref": true, "$defs": true, "definitions": true,
}

// lintFormats lists the string formats strict mode supports.
var lintFormats = map[string]bool{
	"date-time": true, "time": true, "date": true, "duration": true, "email": true,
	"hostname": true, "ipv4": true, "ipv6": true, "uuid": true,
}

var lintTypes = map[string]bool{
	"string": true, "number": true, "integer": true, "boolean": true,
	"object": true, "array": true, "null": true,
}

// lintUnsupported gives a hint for JSON Schema keywords that strict mode rejects.
var lintUnsupported = map[string]string{
	"minLength":             "state the length in the description instead",
	"maxLength":             "state the length in the description instead",
	"contentEncoding":       "state it in the description instead",
	"contentMediaType":      "state it in the description instead",
	"contentSchema":         "state it in the description instead",
	"allOf":                 "merge the schemas into one",
	"oneOf":                 "use anyOf",
	"not":                   "state the constraint in the description instead",
	"if":                    "state the condition in the description instead",
	"then":                  "state the condition in the description instead",
	"else":                  "state the condition in the description instead",
	"dependentRequired":     "make every property required instead",
	"dependentSchemas":      "state the condition in the description instead",
	"dependencies":          "make every property required instead",
	"patternProperties":     "list the properties, or use an array of key/value objects",
	"unevaluatedProperties": "use additionalProperties: false",
	"propertyNames":         "list the properties instead",
	"minProperties":         "make every property required instead",
	"maxProperties":         "make every property required instead",
	"contains":              "state the constraint in the description instead",
	"minContains":           "state the constraint in the description instead",
	"maxContains":           "state the constraint in the description instead",
	"uniqueItems":           "state it in the description instead",
	"prefixItems":           "use an object with one property per position",
	"additionalItems":       "use a single items schema",
	"unevaluatedItems":      "use a single items schema",
	"default":               "remove it, or state the default in the description",
	"examples":              "remove it, or give examples in the description",
	"nullable":              `add "null" to type instead`,
	"readOnly":              "remove it",
	"writeOnly":             "remove it",
	"deprecated":            "remove it, or say so in the description",
	"$schema":               "remove it",
	"$id":                   "remove it",
	"$comment":              "remove it",
	"$anchor":               "remove it, and refer to $defs instead",
	"$dynamicRef":           "use $ref",
	"$dynamicAnchor":        "remove it",
	"$vocabulary":           "remove it",
}

var lintNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// Lint checks a JSON Schema document against the subset that OpenAI
// Structured Outputs accepts in strict mode, and against its documented
// limits. It returns nil when the document is fine.
//
// Every Finding locates the offending keyword or subschema with a JSON
// pointer into doc and names the broken rule (the Rule constants). Findings
// are sorted by pointer, then rule, so the result is deterministic.
//
// The checks: the root is a schema of type "object" (not anyOf); every
// object sets additionalProperties to false and lists all of its properties
// in required; only the keywords of the strict subset appear, each on a
// schema of the type it applies to; formats are among date-time, time,
// date, duration, email, hostname, ipv4, ipv6 and uuid; every $ref
// resolves to the root ("#") or into $defs or definitions, and stands alone;
// arrays have one items schema; and the limits hold: LintMaxProperties,
// LintMaxNesting, LintMaxStringLength, LintMaxEnumValues and
// LintMaxLongEnumLength.
func Lint(doc []byte) []Finding {
	root, err := nodeParse(doc)
	if err != nil {
		return []Finding{{Pointer: "", Rule: RuleJSON, Message: "not valid JSON: " + err.Error()}}
	}
	return lintNode(root)
}

// LintName checks the name given to a schema in text.format, which must
// match ^[a-zA-Z0-9_-]{1,64}$. It returns nil when the name is fine.
func LintName(name string) []Finding {
	if lintNameRE.MatchString(name) {
		return nil
	}
	return []Finding{{Pointer: "", Rule: RuleName, Message: fmt.Sprintf(
		"schema name %q must be 1 to 64 letters, digits, underscores or hyphens", name)}}
}

// lintNode lints a parsed schema document.
func lintNode(root *nodeValue) []Finding {
	l := &linter{root: root, nestSeen: make(map[*nodeValue]int)}
	l.checkRoot()
	if root.kind != nodeObject {
		return l.findings
	}
	l.schema(root, "")
	l.nesting()
	l.limits()
	return lintSort(l.findings)
}

type linter struct {
	root     *nodeValue
	findings []Finding

	props    int // object properties in total
	strLen   int // characters of names, enum and const values
	enumVals int // enum values in total

	nestSeen map[*nodeValue]int // deepest level each node was walked at, plus one
}

func (l *linter) add(ptr, rule, format string, args ...any) {
	l.findings = append(l.findings, Finding{Pointer: ptr, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func lintSort(fs []Finding) []Finding {
	if len(fs) == 0 {
		return nil
	}
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Pointer, b.Pointer), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.Message, b.Message))
	})
	return slices.Compact(fs)
}

func (l *linter) checkRoot() {
	r := l.root
	if r.kind != nodeObject {
		l.add("", RuleRoot, "the root must be an object schema, not a JSON %s", lintKindName(r))
		return
	}
	if r.has("anyOf") {
		l.add("/anyOf", RuleRoot, "the root must be an object schema, not anyOf; wrap the union in a property")
	}
	t := r.get("type")
	switch {
	case t == nil:
		if !r.has("anyOf") {
			l.add("", RuleRoot, `the root must be an object schema with "type": "object"`)
		}
	case t.kind != nodeString || t.s != "object":
		l.add("/type", RuleRoot, `the root must have "type": "object", not %s`, t)
	}
}

// lintTypesOf returns the type names of schema n, ignoring malformed ones.
func lintTypesOf(n *nodeValue) []string {
	t := n.get("type")
	if t == nil {
		return nil
	}
	if t.kind == nodeString {
		return []string{t.s}
	}
	var ts []string
	for _, e := range t.arr {
		if e.kind == nodeString {
			ts = append(ts, e.s)
		}
	}
	return ts
}

// lintApplies reports whether a keyword for type want applies to types.
func lintApplies(want string, types []string) bool {
	for _, t := range types {
		if t == want || (want == "number" && t == "integer") {
			return true
		}
	}
	return false
}

func lintKindName(n *nodeValue) string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[n.kind]
}

// lintTextLen is the number of characters a value adds to the string limit.
func lintTextLen(v *nodeValue) int {
	if v.kind == nodeString {
		return utf8.RuneCountInString(v.s)
	}
	return utf8.RuneCount(v.marshal(""))
}

func lintIsCount(v *nodeValue) bool {
	f, ok := v.float()
	return ok && f >= 0 && f == float64(int64(f))
}

// schema checks one subschema and the subschemas under it, as written.
func (l *linter) schema(n *nodeValue, ptr string) {
	if n.kind != nodeObject {
		l.add(ptr, RuleSchema, "a schema must be a JSON object, not a JSON %s", lintKindName(n))
		return
	}
	types := l.checkType(n, ptr)
	if ref := n.get("$ref"); ref != nil {
		l.checkRef(n, ref, ptr)
	}
	for _, m := range n.obj {
		k, v, p := m.key, m.val, Pointer(ptr, m.key)
		if want, ok := lintTyped[k]; ok {
			if !lintApplies(want, types) {
				l.add(p, RuleKeywordType, "%s applies only to schemas of type %s", k, want)
			}
			l.typed(k, v, p)
			continue
		}
		if !lintGeneral[k] {
			if hint, ok := lintUnsupported[k]; ok {
				l.add(p, RuleUnsupportedKeyword, "%s is not supported in strict mode; %s", k, hint)
			} else {
				l.add(p, RuleUnsupportedKeyword, "%s is not a keyword of the strict subset; remove it", k)
			}
			continue
		}
		switch k {
		case "description", "title":
			if v.kind != nodeString {
				l.add(p, RuleKeywordValue, "%s must be a string", k)
			}
		case "enum":
			l.checkEnum(v, p)
		case "const":
			l.strLen += lintTextLen(v)
		case "anyOf":
			if v.kind != nodeArray || len(v.arr) == 0 {
				l.add(p, RuleKeywordValue, "anyOf must be a non-empty array of schemas")
				continue
			}
			for i, s := range v.arr {
				l.schema(s, Pointer(p, fmt.Sprint(i)))
			}
		case "$defs", "definitions":
			if v.kind != nodeObject {
				l.add(p, RuleKeywordValue, "%s must be an object of named schemas", k)
				continue
			}
			for _, d := range v.obj {
				l.strLen += utf8.RuneCountInString(d.key)
				l.schema(d.val, Pointer(p, d.key))
			}
		}
	}
	if lintApplies("object", types) {
		l.checkObject(n, ptr)
	}
	if lintApplies("array", types) && !n.has("items") {
		l.add(ptr, RuleItems, "an array schema must have an items schema")
	}
}

// checkType checks the type keyword and returns the type names.
func (l *linter) checkType(n *nodeValue, ptr string) []string {
	t := n.get("type")
	if t == nil {
		if !n.has("$ref") && !n.has("anyOf") && !n.has("enum") && !n.has("const") {
			l.add(ptr, RuleType, "schema has no type; strict mode needs type, enum, const, anyOf or $ref")
		}
		return nil
	}
	p := Pointer(ptr, "type")
	var names []*nodeValue
	switch t.kind {
	case nodeString:
		names = []*nodeValue{t}
	case nodeArray:
		if len(t.arr) == 0 {
			l.add(p, RuleType, "type must not be an empty array")
		}
		names = t.arr
	default:
		l.add(p, RuleType, "type must be a string or an array of strings")
		return nil
	}
	seen := make(map[string]bool)
	for _, e := range names {
		switch {
		case e.kind != nodeString || !lintTypes[e.s]:
			l.add(p, RuleType, "%s is not a type; use string, number, integer, boolean, object, array or null", e)
		case seen[e.s]:
			l.add(p, RuleType, "type %q is listed twice", e.s)
		}
		if e.kind == nodeString {
			seen[e.s] = true
		}
	}
	return lintTypesOf(n)
}

// typed checks the value of a type-specific keyword.
func (l *linter) typed(k string, v *nodeValue, p string) {
	switch k {
	case "pattern":
		if v.kind != nodeString {
			l.add(p, RuleKeywordValue, "pattern must be a string")
		}
	case "format":
		if v.kind != nodeString {
			l.add(p, RuleKeywordValue, "format must be a string")
		} else if !lintFormats[v.s] {
			l.add(p, RuleFormat, "format %q is not supported; use date-time, time, date, duration, email, hostname, ipv4, ipv6 or uuid, or a pattern", v.s)
		}
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		if v.kind != nodeNumber {
			l.add(p, RuleKeywordValue, "%s must be a number", k)
		}
	case "multipleOf":
		if f, ok := v.float(); !ok || f <= 0 {
			l.add(p, RuleKeywordValue, "multipleOf must be a number greater than 0")
		}
	case "minItems", "maxItems":
		if !lintIsCount(v) {
			l.add(p, RuleKeywordValue, "%s must be a non-negative integer", k)
		}
	case "items":
		if v.kind == nodeArray {
			l.add(p, RuleItems, "items must be one schema; tuples are not supported")
			return
		}
		l.schema(v, p)
	case "properties":
		if v.kind != nodeObject {
			l.add(p, RuleKeywordValue, "properties must be an object of schemas")
			return
		}
		for _, m := range v.obj {
			l.props++
			l.strLen += utf8.RuneCountInString(m.key)
			l.schema(m.val, Pointer(p, m.key))
		}
	case "required":
		if v.kind != nodeArray || slices.ContainsFunc(v.arr, func(e *nodeValue) bool { return e.kind != nodeString }) {
			l.add(p, RuleKeywordValue, "required must be an array of property names")
		}
	case "additionalProperties":
		// checked with the object
	}
}

// checkObject checks additionalProperties and required of an object schema.
func (l *linter) checkObject(n *nodeValue, ptr string) {
	ap := n.get("additionalProperties")
	switch {
	case ap == nil:
		l.add(ptr, RuleAdditionalProperties, "an object schema must set additionalProperties: false")
	case ap.kind != nodeBool || ap.b:
		l.add(Pointer(ptr, "additionalProperties"), RuleAdditionalProperties,
			"additionalProperties must be false; maps with free-form keys are not supported")
	}
	props := n.get("properties")
	req := n.get("required")
	listed := make(map[string]bool)
	if req != nil && req.kind == nodeArray {
		for _, e := range req.arr {
			if e.kind == nodeString {
				listed[e.s] = true
			}
		}
	}
	var missing []string
	defined := make(map[string]bool)
	if props != nil && props.kind == nodeObject {
		for _, m := range props.obj {
			defined[m.key] = true
			if !listed[m.key] {
				missing = append(missing, fmt.Sprintf("%q", m.key))
			}
		}
	}
	rp := ptr
	if req != nil {
		rp = Pointer(ptr, "required")
	}
	if len(missing) > 0 {
		l.add(rp, RuleRequired, "required must list every property; missing %s (make optional fields nullable instead)",
			strings.Join(missing, ", "))
	}
	if req != nil && req.kind == nodeArray {
		for _, e := range req.arr {
			if e.kind == nodeString && !defined[e.s] {
				l.add(rp, RuleRequired, "required lists %q, which is not a property", e.s)
			}
		}
	}
}

func (l *linter) checkEnum(v *nodeValue, p string) {
	if v.kind != nodeArray || len(v.arr) == 0 {
		l.add(p, RuleEnum, "enum must be a non-empty array")
		return
	}
	l.enumVals += len(v.arr)
	strs, size := 0, 0
	for _, e := range v.arr {
		n := lintTextLen(e)
		l.strLen += n
		if e.kind == nodeString {
			strs++
			size += n
		}
	}
	if strs > LintLongEnum && size > LintMaxLongEnumLength {
		l.add(p, RuleMaxEnumStringLength,
			"an enum of more than %d string values may have at most %d characters in total; this one has %d values and %d characters",
			LintLongEnum, LintMaxLongEnumLength, strs, size)
	}
}

// checkRef checks that a $ref stands alone and resolves inside the document.
func (l *linter) checkRef(n, ref *nodeValue, ptr string) {
	if len(n.obj) > 1 {
		var others []string
		for _, m := range n.obj {
			if m.key != "$ref" {
				others = append(others, m.key)
			}
		}
		l.add(ptr, RuleRefSiblings, "$ref must stand alone; move %s into the referenced schema or wrap the $ref in anyOf",
			strings.Join(others, ", "))
	}
	p := Pointer(ptr, "$ref")
	if ref.kind != nodeString {
		l.add(p, RuleKeywordValue, "$ref must be a string")
		return
	}
	if _, _, msg := lintResolve(l.root, ref.s); msg != "" {
		l.add(p, RuleRef, "%s", msg)
	}
}

// lintResolve resolves a $ref within the document root. It returns the
// target and its JSON pointer, or a message saying why it cannot.
func lintResolve(root *nodeValue, ref string) (*nodeValue, string, string) {
	if ref == "#" {
		return root, "", ""
	}
	if !strings.HasPrefix(ref, "#/") {
		return nil, "", fmt.Sprintf("$ref %q must point into this document (# or #/$defs/Name)", ref)
	}
	frag, err := url.PathUnescape(ref[1:])
	if err != nil {
		return nil, "", fmt.Sprintf("$ref %q is not a valid URI fragment", ref)
	}
	toks := strings.Split(frag[1:], "/")
	n := root
	for i, t := range toks {
		t = jsonptr.Unescape(t)
		toks[i] = t
		var next *nodeValue
		switch n.kind {
		case nodeObject:
			next = n.get(t)
		case nodeArray:
			var idx int
			if _, err := fmt.Sscan(t, &idx); err == nil && idx >= 0 && idx < len(n.arr) && fmt.Sprint(idx) == t {
				next = n.arr[idx]
			}
		}
		if next == nil {
			return nil, "", fmt.Sprintf("$ref %q does not resolve", ref)
		}
		n = next
	}
	if len(toks) != 2 || (toks[0] != "$defs" && toks[0] != "definitions") {
		return nil, "", fmt.Sprintf("$ref %q must point to the root (#) or to a schema in $defs", ref)
	}
	if n.kind != nodeObject {
		return nil, "", fmt.Sprintf("$ref %q points to a JSON %s, not a schema", ref, lintKindName(n))
	}
	return n, Pointer("", toks...), ""
}
