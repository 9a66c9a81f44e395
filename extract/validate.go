package extract

import (
	"github.com/seed0611af48/quarry/schema"
)

// Validator is the one go-playground validator Quarry uses
// (schema.Validator). Register custom validations on it at start-up, before
// the first schema of a type that uses them is built.
var Validator = schema.Validator

// Validate checks a decoded value at every depth with its validate tags and
// the Validate() error methods of the values in it (see schema.Validate).
// Every problem comes back as a FieldError whose pointer is prefixed with
// base.
func Validate(v any, base string) []*schema.FieldError {
	return schema.Validate(v, base)
}
