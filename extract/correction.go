package extract

import (
	"fmt"
	"strings"

	"github.com/seed0611af48/quarry/schema"
)

// maxCorrections bounds the errors listed in one re-ask.
const maxCorrections = 50

// correction is the message a re-ask sends after an invalid answer: a compact
// list of what is wrong where, with the allowed values or bounds, asking the
// model to fix only those and answer again in full.
func correction(errs []*schema.FieldError) string {
	var b strings.Builder
	b.WriteString("Your previous answer does not pass validation. Fix only these problems, keep every other value as it was, and answer again with the complete JSON object:\n")
	for i, e := range errs {
		if i == maxCorrections {
			fmt.Fprintf(&b, "- and %d more problems of the same kinds\n", len(errs)-maxCorrections)
			break
		}
		p := e.Pointer
		if p == "" {
			p = "(root)"
		}
		fmt.Fprintf(&b, "- %s: %s", p, e.Message)
		if e.Allowed != "" {
			fmt.Fprintf(&b, "; allowed: %s", e.Allowed)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
