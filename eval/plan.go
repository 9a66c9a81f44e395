package eval

import (
	"fmt"
	"slices"
	"strings"

	"github.com/seed0611af48/quarry/internal/ojson"
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
	root, err := schema.ParseModel(schemaJSON)
	if err != nil {
		return nil, fmt.Errorf("eval: schema: %w", err)
	}
	b := &planner{}
	p := &Plan{}
	p.root = b.build(root, "", 0)
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
	err   error
	nodes int
}

func (b *planner) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// build reads the subschema m at pattern.
func (b *planner) build(m *schema.Model, pattern string, depth int) *node {
	n := &node{kind: kindValue, rule: Rule{Mode: ModeExact}, pattern: pattern}
	b.nodes++
	if depth > maxPlanDepth || b.nodes > maxPlanNodes {
		return n
	}
	m = m.Resolve()
	if m.Keywords == nil {
		return n // true, false, an unresolvable $ref: anything, compared whole
	}
	if m.Alts != nil { // anyOf, oneOf
		if len(m.Alts) != 1 {
			return n
		}
		inner := b.build(m.Alts[0], pattern, depth+1)
		if c := m.Keywords.Get(SchemaKeyword); c != nil {
			b.keyword(inner, c)
		}
		return inner
	}
	switch typ := typeOf(m); {
	case m.Enum != nil:
		n.rule = Rule{Mode: ModeExact}
	case typ == schema.TypeObject:
		n.kind = kindObject
		for _, p := range m.Props {
			n.props = append(n.props, prop{p.Name, b.build(p.Schema, schema.Pointer(pattern, p.Name), depth+1)})
		}
	case typ == schema.TypeArray:
		n.kind = kindList
		n.rule = Rule{Mode: ModeAssign}
		n.items = b.build(m.Items, pattern+"/*", depth+1)
	case typ == schema.TypeNumber:
		n.rule = Rule{Mode: ModeNumber, Tolerance: DefaultTolerance}
	case typ == schema.TypeInteger:
		n.rule = Rule{Mode: ModeNumber}
	case typ == schema.TypeString:
		switch m.Format {
		case "date", "date-time":
			n.rule = Rule{Mode: ModeDate}
		default:
			n.rule = Rule{Mode: ModeText}
		}
	}
	if c := m.Keywords.Get(SchemaKeyword); c != nil {
		b.keyword(n, c)
	}
	return n
}

// keyword applies an x-quarry-compare keyword to n.
func (b *planner) keyword(n *node, v *ojson.Value) {
	if v.Kind != ojson.String {
		b.fail(fmt.Errorf("%w: %s/%s must be a string", ErrRule, n.pattern, SchemaKeyword))
		return
	}
	r, err := ParseRule(v.Text)
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

// typeOf is the type a field is compared as: its one type besides null
// (integer or number counts as number), else TypeOther.
func typeOf(m *schema.Model) schema.Type {
	switch {
	case len(m.Types) == 1:
		return m.Types[0]
	case len(m.Types) == 2 && slices.Contains(m.Types, schema.TypeInteger) && slices.Contains(m.Types, schema.TypeNumber):
		return schema.TypeNumber
	}
	return schema.TypeOther
}
