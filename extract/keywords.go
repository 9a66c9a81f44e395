package extract

import (
	"bytes"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/seed0611af48/quarry/schema"
)

// compiledSchemas holds each Go type's schema compiled for checking
// answers against its keywords: *schema.Schema → *jsonschema.Schema (nil
// when it does not compile).
var compiledSchemas sync.Map

// keywordErrors checks an answer that decoded strictly against the
// keywords of its schema (enum, minimum, pattern, minItems...), which
// jsonschema tags can state without a validate tag behind them, so that a
// server ignoring strict mode cannot slip past them. Pointers already
// reported by the validation (have) are left out: a validate tag and the
// keyword it became say the same thing. Formats are not asserted: the
// decoder and the validate tags judge them.
func keywordErrors(s *schema.Schema, answer []byte, have []*schema.FieldError) []*schema.FieldError {
	c, ok := compiledSchemas.Load(s)
	if !ok {
		c, _ = compiledSchemas.LoadOrStore(s, compileKeywords(s.JSON))
	}
	sch, _ := c.(*jsonschema.Schema)
	if sch == nil {
		return nil
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(answer))
	if err != nil {
		return nil
	}
	reported := make(map[string]bool, len(have))
	for _, fe := range have {
		reported[fe.Pointer] = true
	}
	var out []*schema.FieldError
	for _, fe := range schemaErrors(sch.Validate(inst), "") {
		if !reported[fe.Pointer] {
			out = append(out, fe)
		}
	}
	return out
}

func compileKeywords(doc []byte) *jsonschema.Schema {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("quarry:type.json", v); err != nil {
		return nil
	}
	sch, err := c.Compile("quarry:type.json")
	if err != nil {
		return nil
	}
	return sch
}
