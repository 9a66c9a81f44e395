package schema

import (
	"fmt"
	"slices"
	"strings"
)

// mergeAllOf replaces the allOf of n by the merge of its schemas into n.
// It reports false when the schemas cannot be merged.
func (c *converter) mergeAllOf(n *nodeValue, ptr string, depth int) bool {
	all := n.get("allOf")
	if all == nil {
		return true
	}
	p := Pointer(ptr, "allOf")
	n.del("allOf")
	if all.kind != nodeArray || len(all.arr) == 0 {
		c.fail(p, RuleKeywordValue, "allOf must be a non-empty array of schemas")
		return false
	}
	before := len(c.errs)
	for i, sub := range all.arr {
		sp := Pointer(p, fmt.Sprint(i))
		if sub.kind == nodeBool && sub.b {
			continue
		}
		if sub.kind != nodeObject {
			c.fail(sp, RuleSchema, "allOf must hold schemas that are JSON objects")
			continue
		}
		if c.expand(sub, sp, depth+1) {
			c.merge(n, sub, sp)
		}
	}
	if len(c.errs) > before {
		return false
	}
	c.change(p, false, "merged the %d schemas of allOf into one", len(all.arr))
	return true
}

// expand replaces the $ref and allOf of a schema by what they stand for,
// so that it can be merged.
func (c *converter) expand(n *nodeValue, ptr string, depth int) bool {
	c.budget--
	if depth > 32 || c.budget < 0 {
		c.fail(ptr, RuleUnsupportedKeyword, "allOf and $ref nest too deep, or refer to themselves, to be merged")
		return false
	}
	if ref := n.del("$ref"); ref != nil {
		if ref.kind != nodeString || ref.s == "#" {
			c.fail(Pointer(ptr, "$ref"), RuleRef, "allOf cannot merge a $ref to the root")
			return false
		}
		if c.expanding[ref.s] {
			c.fail(Pointer(ptr, "$ref"), RuleRef, "$ref %q refers to itself through allOf, which cannot be merged", ref.s)
			return false
		}
		target, _, msg := lintResolve(c.orig, ref.s)
		if msg != "" {
			c.fail(Pointer(ptr, "$ref"), RuleRef, "%s", msg)
			return false
		}
		t := target.clone()
		c.expanding[ref.s] = true
		ok := c.expand(t, ptr, depth+1)
		delete(c.expanding, ref.s)
		if !ok {
			return false
		}
		c.merge(n, t, ptr)
	}
	return c.mergeAllOf(n, ptr, depth)
}

// merge adds the keywords of schema from to schema acc, which must agree.
func (c *converter) merge(acc, from *nodeValue, ptr string) {
	for _, m := range from.obj {
		k, v := m.key, m.val
		cur := acc.get(k)
		if cur == nil {
			acc.set(k, v)
			continue
		}
		switch k {
		case "title", "description", "$comment", "examples", "default", "$schema", "$id":
			// acc's own annotations win
		case "type":
			a, b := lintTypesOf(acc), lintTypesOf(from)
			var both []*nodeValue
			for _, t := range a {
				switch {
				case slices.Contains(b, t):
					both = append(both, nodeStr(t))
				case t == "integer" && slices.Contains(b, "number"):
					both = append(both, nodeStr(t))
				case t == "number" && slices.Contains(b, "integer"):
					both = append(both, nodeStr("integer"))
				}
			}
			switch len(both) {
			case 0:
				c.fail(ptr, RuleType, "allOf joins types %s and %s, which have no value in common", cur, v)
			case 1:
				acc.set(k, both[0])
			default:
				acc.set(k, nodeArr(both...))
			}
		case "properties":
			if cur.kind != nodeObject || v.kind != nodeObject {
				c.fail(ptr, RuleKeywordValue, "properties must be an object of schemas")
				continue
			}
			for _, pm := range v.obj {
				old := cur.get(pm.key)
				switch {
				case old == nil:
					cur.set(pm.key, pm.val)
				case !old.equal(pm.val):
					cur.set(pm.key, nodeObj(nodeMember{"allOf", nodeArr(old, pm.val)}))
				}
			}
		case "required":
			for _, e := range v.arr {
				if !slices.ContainsFunc(cur.arr, e.equal) {
					cur.arr = append(cur.arr, e)
				}
			}
		case "additionalProperties":
			if v.kind == nodeBool && !v.b {
				acc.set(k, v)
			} else if !(cur.kind == nodeBool && !cur.b) && !cur.equal(v) {
				c.fail(ptr, RuleAdditionalProperties, "allOf joins different additionalProperties")
			}
		case "enum":
			var both []*nodeValue
			for _, e := range cur.arr {
				if slices.ContainsFunc(v.arr, e.equal) {
					both = append(both, e)
				}
			}
			if len(both) == 0 {
				c.fail(ptr, RuleEnum, "allOf joins enums with no value in common")
			}
			acc.set(k, nodeArr(both...))
		case "minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties",
			"maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties":
			a, ok1 := cur.float()
			b, ok2 := v.float()
			if !ok1 || !ok2 {
				c.fail(ptr, RuleKeywordValue, "allOf joins %s values that are not both numbers", k)
				continue
			}
			if strings.HasPrefix(k, "min") || strings.HasPrefix(k, "exclusiveMin") {
				if b > a {
					acc.set(k, v)
				}
			} else if b < a {
				acc.set(k, v)
			}
		default:
			if !cur.equal(v) {
				c.fail(ptr, RuleUnsupportedKeyword, "allOf joins different values of %s (%s and %s), which cannot be merged", k, cur, v)
			}
		}
	}
}
