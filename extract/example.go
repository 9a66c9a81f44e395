package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/seed0611af48/quarry/schema"
)

// exampleTurn is one worked example in wire form: the example document
// and the answer expected from it.
type exampleTurn struct {
	parts  []inputPart
	answer string
}

// ExampleError reports a worked example (see Example) that cannot be sent:
// its expected value does not pass the call's schema and validation, or its
// document cannot be read. It is returned before any request and matches
// ErrInput.
type ExampleError struct {
	// Index is the example's position among the call's examples, from 0.
	Index int
	// Errors are the expected value's problems, located in its JSON.
	Errors []*schema.FieldError
	// Err is any other problem (an unreadable input, a value that cannot be encoded).
	Err error
}

func (e *ExampleError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "extract: example %d", e.Index)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	for i, fe := range e.Errors {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Errors)-5)
			break
		}
		if i == 0 {
			b.WriteString(": the expected value does not pass the schema: ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(fe.Error())
	}
	return b.String()
}

func (e *ExampleError) Unwrap() error        { return e.Err }
func (e *ExampleError) Is(target error) bool { return target == ErrInput }

// newExample checks an example against spec and puts it in wire form.
func newExample(spec *Spec, in Input, index int) (exampleTurn, error) {
	fail := func(err error) (exampleTurn, error) { return exampleTurn{}, &ExampleError{Index: index, Err: err} }
	var e exampleTurn
	for _, d := range in.example {
		p, err := d.wire()
		if err != nil {
			return fail(err)
		}
		e.parts = append(e.parts, p)
	}
	if len(e.parts) == 0 {
		return fail(fmt.Errorf("no document"))
	}
	var answer []byte
	switch v := in.want.(type) {
	case json.RawMessage:
		answer = v
	default:
		b, err := schema.Marshal(v)
		if err != nil {
			return fail(err)
		}
		answer = b
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, answer); err != nil {
		return fail(fmt.Errorf("the expected value is not JSON: %w", err))
	}
	answer = buf.Bytes()
	if spec.wrapKey != "" && answer[0] != '{' {
		key, _ := json.Marshal(spec.wrapKey)
		answer = append(append(append(append([]byte{'{'}, key...), ':'), answer...), '}')
	}
	if errs := spec.Check(answer); len(errs) > 0 {
		return exampleTurn{}, &ExampleError{Index: index, Errors: errs}
	}
	e.answer = string(answer)
	return e, nil
}
