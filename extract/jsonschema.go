package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/seed0611af48/quarry/internal/jsonptr"
	"github.com/seed0611af48/quarry/schema"
)

var namePattern = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// JSONSchema builds a Spec from a JSON Schema document as people write them
// (draft-07 or 2020-12). The document is converted to the strict form
// (schema.Strictify, whose changes are returned) and answers are checked
// twice: against the strict schema, which catches missing, unknown and
// mistyped fields, and against the original document, which still holds the
// constraints strict mode cannot express (string lengths and the like).
// Properties left null in an answer are dropped for the second check, since
// the original made them optional.
func JSONSchema(name string, doc []byte) (Spec, []schema.Change, error) {
	strict, changes, err := schema.Strictify(doc)
	if err != nil {
		return Spec{}, changes, err
	}
	if findings := schema.Lint(strict); len(findings) > 0 {
		return Spec{}, changes, fmt.Errorf("extract: the converted schema is not strict: %s", findings[0])
	}
	strictSch, err := compileSchema("quarry:strict.json", strict)
	if err != nil {
		return Spec{}, changes, err
	}
	origSch, err := compileSchema("quarry:original.json", doc)
	if err != nil {
		return Spec{}, changes, err
	}
	wrapKey := wrappedKey(doc, strict)
	var origDoc map[string]any
	_ = json.Unmarshal(doc, &origDoc)
	name = namePattern.ReplaceAllString(name, "_")
	if name == "" {
		name = "extraction"
	}
	if len(name) > 64 {
		name = name[:64]
	}
	return Spec{
		Name:    name,
		Schema:  json.RawMessage(strict),
		linted:  true,
		wrapKey: wrapKey,
		Check: func(answer []byte) []*schema.FieldError {
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(answer))
			if err != nil {
				return []*schema.FieldError{{Message: "not valid JSON: " + err.Error()}}
			}
			if errs := schemaErrors(strictSch.Validate(v), ""); len(errs) > 0 {
				return errs
			}
			base := ""
			if wrapKey != "" {
				v = v.(map[string]any)[wrapKey]
				base = schema.Pointer("", wrapKey)
			}
			return schemaErrors(origSch.Validate(dropNulls(v, origDoc, origDoc)), base)
		},
	}, changes, nil
}

func compileSchema(url string, doc []byte) (*jsonschema.Schema, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, fmt.Errorf("extract: schema is not valid JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(url, v); err != nil {
		return nil, fmt.Errorf("extract: schema: %w", err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("extract: schema: %w", err)
	}
	return sch, nil
}

// wrappedKey returns the property Strictify wrapped a non-object root in
// ("items" for an array root, "value" for others), or "".
func wrappedKey(orig, strict []byte) string {
	var o struct {
		Type       any             `json:"type"`
		Properties json.RawMessage `json:"properties"`
	}
	_ = json.Unmarshal(orig, &o)
	if o.Type == "object" || (o.Type == nil && o.Properties != nil) {
		return ""
	}
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	_ = json.Unmarshal(strict, &s)
	if len(s.Properties) != 1 {
		return ""
	}
	for _, k := range []string{"items", "value"} {
		if _, ok := s.Properties[k]; ok {
			return k
		}
	}
	return ""
}

// dropNulls removes the null properties that the original schema does not
// require: Strictify made those optional properties required and nullable,
// and null stands for absent. A property the original requires keeps its
// null, for the original's own type to judge. Where the schema is not known
// (nil), every null property is dropped.
func dropNulls(v any, sch, root map[string]any) any {
	sch = resolveRef(sch, root)
	switch x := v.(type) {
	case map[string]any:
		props, _ := sch["properties"].(map[string]any)
		required := map[string]bool{}
		if rs, ok := sch["required"].([]any); ok {
			for _, r := range rs {
				if k, ok := r.(string); ok {
					required[k] = true
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			if e == nil && (sch == nil || !required[k]) {
				continue
			}
			ps, _ := props[k].(map[string]any)
			out[k] = dropNulls(e, ps, root)
		}
		return out
	case []any:
		items, _ := sch["items"].(map[string]any)
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = dropNulls(e, items, root)
		}
		return out
	}
	return v
}

// resolveRef follows local $refs ("#/$defs/x") of sch within root.
func resolveRef(sch, root map[string]any) map[string]any {
	for range 16 {
		ref, ok := sch["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#") {
			return sch
		}
		var node any = root
		for _, tok := range strings.Split(strings.TrimPrefix(ref, "#"), "/")[1:] {
			tok = jsonptr.Unescape(tok)
			m, _ := node.(map[string]any)
			node = m[tok]
		}
		next, ok := node.(map[string]any)
		if !ok {
			return sch
		}
		sch = next
	}
	return sch
}

var printer = message.NewPrinter(language.English)

// schemaErrors flattens a validation error tree into its leaves.
func schemaErrors(err error, base string) []*schema.FieldError {
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []*schema.FieldError{{Pointer: base, Message: err.Error()}}
	}
	var out []*schema.FieldError
	seen := map[string]bool{}
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		fe := &schema.FieldError{
			Pointer: schema.Pointer(base, e.InstanceLocation...),
			Message: e.ErrorKind.LocalizedString(printer),
		}
		if key := fe.Pointer + "\x00" + fe.Message; !seen[key] {
			seen[key] = true
			out = append(out, fe)
		}
	}
	walk(ve)
	if len(out) > 100 {
		out = out[:100]
	}
	for _, fe := range out {
		fe.Message = strings.TrimSpace(fe.Message)
	}
	return out
}
