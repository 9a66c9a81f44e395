package extract

import (
	"fmt"
	"strconv"

	"github.com/seed0611af48/quarry/internal/ojson"
	"github.com/seed0611af48/quarry/schema"
)

// answerFaults reports what a JSON Schema validator lets through but a
// Spec's answer must not hold, each at its JSON pointer: a key repeated in
// an object (a validator sees only the last, the outputs would write both)
// and a number beyond float64 (1e400: every output would write it as
// infinity or not at all). The strict decoder of Go types reports the same.
// An answer that is not JSON at all is one error at the root.
func answerFaults(answer []byte) []*schema.FieldError {
	v, err := ojson.Options{KeepDuplicates: true}.Parse(answer)
	if err != nil {
		return []*schema.FieldError{{Message: "not valid JSON: " + err.Error()}}
	}
	var errs []*schema.FieldError
	var walk func(v *ojson.Value, ptr string)
	walk = func(v *ojson.Value, ptr string) {
		switch v.Kind {
		case ojson.Number:
			if _, err := strconv.ParseFloat(v.Text, 64); err != nil {
				errs = append(errs, &schema.FieldError{Pointer: ptr,
					Message: fmt.Sprintf("%s is out of range for a number (at most about 1.8e308)", v.Text)})
			}
		case ojson.Array:
			for i := range v.Elems {
				walk(&v.Elems[i], schema.Pointer(ptr, strconv.Itoa(i)))
			}
		case ojson.Object:
			seen := make(map[string]bool, len(v.Members))
			for i := range v.Members {
				m := &v.Members[i]
				p := schema.Pointer(ptr, m.Key)
				if seen[m.Key] {
					errs = append(errs, &schema.FieldError{Pointer: p, Message: "duplicate key: give each key once"})
					continue
				}
				seen[m.Key] = true
				walk(&m.Value, p)
			}
		}
	}
	walk(&v, "")
	return errs
}
