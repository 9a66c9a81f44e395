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

	"github.com/seed0611af48/quarry/internal/ojson"
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
	origModel, _ := schema.ParseModel(doc) // nil (nothing known) if it is not an object
	wrapKey := wrappedKey(origModel, strict)
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
			if errs := answerFaults(answer); len(errs) > 0 {
				return errs
			}
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
			return schemaErrors(origSch.Validate(dropNulls(v, origModel)), base)
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
func wrappedKey(orig *schema.Model, strict []byte) string {
	var kw *ojson.Value // the original root's keywords; nil for a $ref root
	if orig != nil {
		kw = orig.Keywords
	}
	if t := kw.Get("type"); t != nil && t.Kind == ojson.String && t.Text == "object" || t == nil && kw.Has("properties") {
		return ""
	}
	s, err := schema.ParseModel(strict)
	if err != nil || len(s.Props) != 1 {
		return ""
	}
	if k := s.Props[0].Name; k == "items" || k == "value" {
		return k
	}
	return ""
}

// dropNulls removes the null properties that the original schema does not
// require: Strictify made those optional properties required and nullable,
// and null stands for absent. A property the original requires keeps its
// null, for the original's own type to judge. Where the schema is not known
// (nil), every null property is dropped.
func dropNulls(v any, m *schema.Model) any {
	if m != nil {
		m = m.Resolve()
	}
	switch x := v.(type) {
	case map[string]any:
		var required map[string]bool
		if m != nil {
			if rs := m.Keywords.Get("required"); rs != nil && rs.Kind == ojson.Array {
				required = map[string]bool{}
				for _, r := range rs.Elems {
					if r.Kind == ojson.String {
						required[r.Text] = true
					}
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			if e == nil && (m == nil || !required[k]) {
				continue
			}
			var ps *schema.Model
			if m != nil {
				ps = m.Prop(k)
			}
			out[k] = dropNulls(e, ps)
		}
		return out
	case []any:
		var items *schema.Model
		if m != nil {
			items = m.Items
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = dropNulls(e, items)
		}
		return out
	}
	return v
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
