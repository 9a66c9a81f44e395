package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/seed0611af48/quarry/schema"
)

// A Plan is a schema read for comparison: for each field, where it sits (a
// pattern such as "/lines/*/quantity", lists' indices written "*") and how
// it is compared. Build one with [NewPlan]; it is safe for concurrent use.
type Plan struct {
	root   *node
	fields []*node // every compared node (leaves and lists), in schema order
}

type nodeKind uint8

const (
	kindValue  nodeKind = iota // a string, number, boolean, or anything compared whole
	kindObject                 // properties compared one by one
	kindList                   // items aligned, then compared
)

// node is one schema position.
type node struct {
	kind    nodeKind
	rule    Rule
	pattern string
	props   []prop // kindObject, in schema order
	items   *node  // kindList
	index   int    // position in Plan.fields, for kindValue and kindList
}

type prop struct {
	name string
	node *node
}

// maxPlanDepth bounds nesting and maxPlanNodes the size of a plan: a
// recursive schema ($ref cycle) is compared whole (ModeExact) below them.
const (
	maxPlanDepth = 32
	maxPlanNodes = 10_000
)

// SchemaKeyword is the schema keyword that chooses a field's comparison,
// e.g. "total": {"type": "number", "x-quarry-compare": "number:0.01"}. The
// strict conversion drops it, so it never reaches the model.
const SchemaKeyword = "x-quarry-compare"

// NewPlan reads a JSON Schema (the file given to quarry run, or the strict
// schema recorded in a run) and chooses each field's comparison: enums and
// booleans exact, numbers within [DefaultTolerance] (integers exactly),
// strings with format date or date-time as dates, other strings as text,
// lists of objects by best assignment. A field's "x-quarry-compare"
// keyword, then overrides (pattern → rule, e.g. "/lines/*/description" →
// exact), change that. An override naming no field of the schema is an error.
func NewPlan(schemaJSON []byte, overrides map[string]Rule) (*Plan, error) {
	var root map[string]json.RawMessage
	if err := json.Unmarshal(schemaJSON, &root); err != nil {
		return nil, fmt.Errorf("eval: schema: %w", err)
	}
	b := &planner{root: root}
	p := &Plan{}
	p.root = b.build(schemaJSON, "", 0)
	if b.err != nil {
		return nil, b.err
	}
	seen := map[string]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		seen[n.pattern] = true
		if r, ok := overrides[n.pattern]; ok {
			if n.kind == kindList && !r.fitsList() {
				b.fail(fmt.Errorf("%w: %s is a list: use assign, ordered, exact or ignore, not %s", ErrRule, n.pattern, r))
			} else if n.kind == kindObject {
				if r.Mode != ModeIgnore && r.Mode != ModeExact {
					b.fail(fmt.Errorf("%w: %s is an object: use exact or ignore, not %s", ErrRule, n.pattern, r))
				}
				n.kind, n.props = kindValue, nil
				n.rule = r
			} else {
				n.rule = r
			}
		}
		if n.kind == kindList && n.rule.Mode == ModeExact {
			n.kind, n.items = kindValue, nil
		}
		if n.rule.Mode == ModeIgnore {
			return
		}
		n.index = len(p.fields)
		p.fields = append(p.fields, n)
		switch n.kind {
		case kindObject:
			for _, pr := range n.props {
				walk(pr.node)
			}
		case kindList:
			walk(n.items)
		}
	}
	walk(p.root)
	if b.err != nil {
		return nil, b.err
	}
	var unknown []string
	for k := range overrides {
		if !seen[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Errorf("%w: no field %s in the schema (write list items as *, e.g. /lines/*/quantity)", ErrRule, strings.Join(unknown, ", "))
	}
	return p, nil
}

// Fields lists the compared fields in schema order with their rules:
// values, lists (Rule assign or ordered) and objects (Rule exact, where a
// null or missing object is tallied).
func (p *Plan) Fields() []FieldRule {
	out := make([]FieldRule, len(p.fields))
	for i, n := range p.fields {
		out[i] = FieldRule{Pattern: pointerOr(n.pattern), Rule: n.rule, Kind: n.kindName()}
	}
	return out
}

// FieldRule is a field of a plan and its comparison.
type FieldRule struct {
	Pattern string // "/lines/*/quantity"; "/" is the record
	Rule    Rule
	Kind    string // "value", "list" or "object"
}

func (n *node) kindName() string {
	switch n.kind {
	case kindObject:
		return "object"
	case kindList:
		return "list"
	}
	return "value"
}

type planner struct {
	root  map[string]json.RawMessage
	err   error
	nodes int
}

func (b *planner) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// build reads the subschema s at pattern.
func (b *planner) build(s json.RawMessage, pattern string, depth int) *node {
	n := &node{kind: kindValue, rule: Rule{Mode: ModeExact}, pattern: pattern}
	b.nodes++
	if depth > maxPlanDepth || b.nodes > maxPlanNodes {
		return n
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(s, &m) != nil {
		return n // true, false: anything, compared whole
	}
	hops := 0
	for {
		ref, ok := m["$ref"]
		if !ok || hops > maxPlanDepth {
			break
		}
		hops++
		var r string
		json.Unmarshal(ref, &r)
		target := b.resolve(r)
		if target == nil {
			return n
		}
		m = target
	}
	for _, key := range []string{"anyOf", "oneOf"} {
		var alts []json.RawMessage
		if json.Unmarshal(m[key], &alts) != nil || len(alts) == 0 {
			continue
		}
		var keep []json.RawMessage
		for _, a := range alts {
			var am map[string]json.RawMessage
			if json.Unmarshal(a, &am) == nil {
				var t string
				if json.Unmarshal(am["type"], &t) == nil && t == "null" {
					continue
				}
			}
			keep = append(keep, a)
		}
		if len(keep) != 1 {
			return n
		}
		inner := b.build(keep[0], pattern, depth+1)
		if c, ok := m[SchemaKeyword]; ok {
			b.keyword(inner, c)
		}
		return inner
	}

	typ := typeOf(m)
	_, hasEnum := m["enum"]
	_, hasConst := m["const"]
	switch {
	case hasEnum || hasConst:
		n.rule = Rule{Mode: ModeExact}
	case typ == "object":
		n.kind = kindObject
		var props map[string]json.RawMessage
		json.Unmarshal(m["properties"], &props)
		for _, name := range objectKeys(m["properties"]) {
			n.props = append(n.props, prop{name, b.build(props[name], schema.Pointer(pattern, name), depth+1)})
		}
	case typ == "array":
		n.kind = kindList
		n.rule = Rule{Mode: ModeAssign}
		items := m["items"]
		if items == nil {
			items = json.RawMessage("true")
		}
		n.items = b.build(items, pattern+"/*", depth+1)
	case typ == "number":
		n.rule = Rule{Mode: ModeNumber, Tolerance: DefaultTolerance}
	case typ == "integer":
		n.rule = Rule{Mode: ModeNumber}
	case typ == "string":
		var format string
		json.Unmarshal(m["format"], &format)
		switch format {
		case "date", "date-time":
			n.rule = Rule{Mode: ModeDate}
		default:
			n.rule = Rule{Mode: ModeText}
		}
	}
	if c, ok := m[SchemaKeyword]; ok {
		b.keyword(n, c)
	}
	return n
}

// keyword applies an x-quarry-compare keyword to n.
func (b *planner) keyword(n *node, raw json.RawMessage) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		b.fail(fmt.Errorf("%w: %s/%s must be a string", ErrRule, n.pattern, SchemaKeyword))
		return
	}
	r, err := ParseRule(s)
	if err != nil {
		b.fail(fmt.Errorf("%s: %w", pointerOr(n.pattern), err))
		return
	}
	switch {
	case n.kind == kindList && !r.fitsList():
		b.fail(fmt.Errorf("%w: %s is a list: use assign, ordered, exact or ignore, not %s", ErrRule, pointerOr(n.pattern), r))
	case n.kind == kindObject && r.Mode != ModeIgnore && r.Mode != ModeExact:
		b.fail(fmt.Errorf("%w: %s is an object: use exact or ignore, not %s", ErrRule, pointerOr(n.pattern), r))
	case n.kind == kindObject:
		n.kind, n.props, n.rule = kindValue, nil, r
	case n.kind == kindValue && (r.Mode == ModeAssign || r.Mode == ModeOrdered):
		b.fail(fmt.Errorf("%w: %s is not a list: %s applies to lists", ErrRule, pointerOr(n.pattern), r))
	default:
		n.rule = r
	}
}

func pointerOr(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// resolve finds a local reference ("#", "#/$defs/x", "#/definitions/x").
func (b *planner) resolve(ref string) map[string]json.RawMessage {
	if ref == "#" {
		return b.root
	}
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	cur := b.root
	for tok := range strings.SplitSeq(rest, "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		var next map[string]json.RawMessage
		if json.Unmarshal(cur[tok], &next) != nil {
			return nil
		}
		cur = next
	}
	return cur
}

// typeOf reads "type" (a name, or a list with "null"), or infers it.
func typeOf(m map[string]json.RawMessage) string {
	var t string
	if json.Unmarshal(m["type"], &t) == nil {
		return t
	}
	var ts []string
	if json.Unmarshal(m["type"], &ts) == nil {
		var keep []string
		for _, x := range ts {
			if x != "null" {
				keep = append(keep, x)
			}
		}
		if len(keep) == 1 {
			return keep[0]
		}
		if len(keep) == 2 && slices.Contains(keep, "integer") && slices.Contains(keep, "number") {
			return "number"
		}
		return ""
	}
	if _, ok := m["properties"]; ok {
		return "object"
	}
	if _, ok := m["items"]; ok {
		return "array"
	}
	return ""
}

// objectKeys lists the keys of a JSON object in document order; the
// report lists fields in the order the schema gives them.
func objectKeys(raw json.RawMessage) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}
