package extract_test

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/invopop/jsonschema"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/schema"
)

// Priority is an ordinary Go enum, written as text.
type Priority int

var priorities = []string{"low", "normal", "urgent"}

func (p Priority) MarshalText() ([]byte, error) { return []byte(priorities[p]), nil }
func (p *Priority) UnmarshalText(b []byte) error {
	i := slices.Index(priorities, string(b))
	if i < 0 {
		return fmt.Errorf("unknown priority %q", b)
	}
	*p = Priority(i)
	return nil
}

// JSONSchemaExtend declares the values, so the schema lists them.
func (Priority) JSONSchemaExtend(s *jsonschema.Schema) { s.Enum = []any{"low", "normal", "urgent"} }

type TaskStep struct {
	What    string `json:"what"`
	Minutes int    `json:"minutes" validate:"gte=0"`
}

// Validate runs for every step, wherever it sits; pointers are relative to it.
func (s TaskStep) Validate() error {
	if s.Minutes > 0 && s.What == "" {
		return &schema.FieldError{Pointer: "/what", Message: "a timed step needs a description"}
	}
	return nil
}

type Task struct {
	Title    string     `json:"title"`
	Priority Priority   `json:"priority"`
	Steps    []TaskStep `json:"steps" validate:"min=1"`
}

// An enum type, a nested Validate and a worked example in a call.
func ExampleExample() {
	srv := extracttest.NewServer(nil)
	defer srv.Close()
	srv.Enqueue(
		// The model leaves a step without a description: Step.Validate catches it.
		extracttest.JSON(Task{Title: "Fix the boiler", Priority: 2, Steps: []TaskStep{{"Call the plumber", 5}, {"", 30}}}),
		extracttest.JSON(Task{Title: "Fix the boiler", Priority: 2, Steps: []TaskStep{{"Call the plumber", 5}, {"Bleed the radiators", 30}}}),
	)
	client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("test"))
	ex := &extract.Extractor{Client: &client.Responses}

	sample := Task{Title: "Order paper", Priority: 0, Steps: []TaskStep{{"Email the shop", 2}}}
	task, res, err := extract.One[Task](context.Background(), ex,
		extract.Example(sample, extract.Text("Not urgent: order paper (email the shop, 2 min).")),
		extract.Text("URGENT: boiler broken. Call the plumber (5 min), bleed the radiators (30 min)."))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s (%s), %d steps, after %d attempts\n", task.Title, priorities[task.Priority], len(task.Steps), len(res.Attempts))
	fmt.Println("first attempt:", res.Attempts[0].Errors[0])

	// An example that breaks the schema fails before any request.
	bad := sample
	bad.Steps = nil
	_, _, err = extract.One[Task](context.Background(), ex, extract.Example(bad, extract.Text("...")), extract.Text("..."))
	var ee *extract.ExampleError
	fmt.Println(errors.As(err, &ee), len(srv.Requests()), "requests")
	// Output:
	// Fix the boiler (urgent), 2 steps, after 2 attempts
	// first attempt: /steps/1/what: a timed step needs a description
	// true 2 requests
}
