package extract

import (
	"github.com/seed0611af48/quarry/schema"
)

// Validator is the one go-playground validator Quarry uses
// (schema.Validator). Register custom validations on it at start-up, before
// the first schema of a type that uses them is built.
var Validator = schema.Validator
