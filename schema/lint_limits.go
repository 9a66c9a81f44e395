package schema

import (
	"fmt"
)

// nesting reports object schemas nested deeper than LintMaxNesting levels,
// following $refs but not recursion.
func (l *linter) nesting() {
	if l.root.kind != nodeObject {
		return
	}
	onStack := make(map[*nodeValue]bool)
	l.nest(l.root, "", 0, onStack)
	for _, k := range []string{"$defs", "definitions"} {
		if defs := l.root.get(k); defs != nil && defs.kind == nodeObject {
			for _, d := range defs.obj {
				l.nest(d.val, Pointer("", k, d.key), 0, onStack)
			}
		}
	}
}

func (l *linter) nest(n *nodeValue, ptr string, depth int, onStack map[*nodeValue]bool) {
	if n.kind != nodeObject || onStack[n] {
		return
	}
	if seen, ok := l.nestSeen[n]; ok && seen >= depth {
		return
	}
	l.nestSeen[n] = depth
	if lintApplies("object", lintTypesOf(n)) || n.has("properties") {
		depth++
		if depth > LintMaxNesting {
			l.add(ptr, RuleMaxNesting, "objects may nest at most %d levels deep; this one is level %d", LintMaxNesting, depth)
			return
		}
	}
	onStack[n] = true
	defer delete(onStack, n)
	if props := n.get("properties"); props != nil && props.kind == nodeObject {
		for _, m := range props.obj {
			l.nest(m.val, Pointer(ptr, "properties", m.key), depth, onStack)
		}
	}
	if it := n.get("items"); it != nil {
		l.nest(it, Pointer(ptr, "items"), depth, onStack)
	}
	if alts := n.get("anyOf"); alts != nil {
		for i, s := range alts.arr {
			l.nest(s, Pointer(ptr, "anyOf", fmt.Sprint(i)), depth, onStack)
		}
	}
	if ref := n.get("$ref"); ref != nil && ref.kind == nodeString {
		if t, tp, msg := lintResolve(l.root, ref.s); msg == "" {
			l.nest(t, tp, depth, onStack)
		}
	}
}

// limits reports the document-wide limits.
func (l *linter) limits() {
	if l.props > LintMaxProperties {
		l.add("", RuleMaxProperties, "a schema may have at most %d object properties in total; this one has %d",
			LintMaxProperties, l.props)
	}
	if l.strLen > LintMaxStringLength {
		l.add("", RuleMaxStringLength,
			"property names, definition names, enum values and const values may have at most %d characters in total; this schema has %d",
			LintMaxStringLength, l.strLen)
	}
	if l.enumVals > LintMaxEnumValues {
		l.add("", RuleMaxEnumValues, "a schema may have at most %d enum values in total; this one has %d",
			LintMaxEnumValues, l.enumVals)
	}
}
