package schema_test

import (
	"errors"
	"fmt"

	"github.com/seed0611af48/quarry/schema"
)

type Line struct {
	Description string  `json:"description"`
	Quantity    int     `json:"quantity" validate:"gte=1"`
	UnitPrice   float64 `json:"unit_price" validate:"gte=0"`
}

type Invoice struct {
	Vendor    string  `json:"vendor"`
	Number    string  `json:"invoice_number" jsonschema:"description=as printed on the invoice"`
	IssueDate string  `json:"issue_date" validate:"datetime=2006-01-02"`
	DueDate   *string `json:"due_date" validate:"omitnil,datetime=2006-01-02"`
	Currency  string  `json:"currency" validate:"oneof=USD EUR GBP INR PLN"`
	Total     float64 `json:"total" validate:"gte=0"`
	Lines     []Line  `json:"lines" validate:"min=1,dive"`
}

func ExampleFor() {
	type Contact struct {
		Name  string  `json:"name" validate:"min=2"`
		Email *string `json:"email" validate:"omitnil,email"`
		Kind  string  `json:"kind" validate:"oneof=person company"`
	}
	s, err := schema.For[Contact]()
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Name)
	fmt.Println(string(s.JSON))
	// Output:
	// Contact
	// {"type":"object","properties":{"name":{"type":"string","description":"Constraints: at least 2 characters."},"email":{"type":["string","null"],"format":"email"},"kind":{"type":"string","enum":["person","company"]}},"required":["name","email","kind"],"additionalProperties":false}
}

func ExampleFor_invoice() {
	s, err := schema.For[Invoice]()
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Name, len(schema.Lint(s.JSON)), "findings")
	fmt.Println(string(s.JSON))
	// Output:
	// Invoice 0 findings
	// {"type":"object","properties":{"vendor":{"type":"string"},"invoice_number":{"type":"string","description":"as printed on the invoice"},"issue_date":{"type":"string","format":"date"},"due_date":{"type":["string","null"],"format":"date"},"currency":{"type":"string","enum":["USD","EUR","GBP","INR","PLN"]},"total":{"type":"number","minimum":0},"lines":{"type":"array","items":{"$ref":"#/$defs/Line"},"minItems":1}},"required":["vendor","invoice_number","issue_date","due_date","currency","total","lines"],"additionalProperties":false,"$defs":{"Line":{"type":"object","properties":{"description":{"type":"string"},"quantity":{"type":"integer","minimum":1},"unit_price":{"type":"number","minimum":0}},"required":["description","quantity","unit_price"],"additionalProperties":false}}}
}

func ExampleFor_unsupported() {
	type Invoice struct {
		Vendor string            `json:"vendor"`
		Extra  map[string]string `json:"extra"`
	}
	_, err := schema.For[Invoice]()
	var ue *schema.UnsupportedTypeError
	if errors.As(err, &ue) {
		fmt.Println(ue.Path)
	}
	// Output:
	// Invoice.Extra
}

func ExampleDecode() {
	answer := []byte(`{"vendor":"ACME","invoice_number":"A-1","issue_date":"2024-06-01",
		"currency":"EUR","total":"12.50","lines":[{"description":"bolts","quantity":2.5,"unit_price":5}],"note":""}`)
	var inv Invoice
	err := schema.Decode(answer, &inv)
	var de *schema.DecodeError
	if errors.As(err, &de) {
		for _, fe := range de.Errors {
			fmt.Println(fe)
		}
	}
	// Output:
	// /total: must be a number, not a string
	// /lines/0/quantity: must be a whole number, not 2.5
	// /note: unknown field "note"
	// /due_date: missing
}

func ExampleSchema_Decode() {
	s, err := schema.For[[]Line]()
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Name, s.ListKey)
	var lines []Line
	err = s.Decode([]byte(`{"items":[{"description":"bolts","quantity":2,"unit_price":0.5}]}`), &lines)
	fmt.Println(lines, err)
	// Output:
	// list_of_Line items
	// [{bolts 2 0.5}] <nil>
}
