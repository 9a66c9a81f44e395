package simulated_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest/simulated"
)

// The simulated model answers a document with its expected answer,
// projected onto the schema, and makes up what that answer lacks.
func Example() {
	m := simulated.New(simulated.Options{Expected: func(d simulated.Doc) (json.RawMessage, bool) {
		if d.Source == "a.txt" {
			return json.RawMessage(`{"vendor":"Acme","color":"red"}`), true
		}
		return nil, false
	}})
	defer m.Close()
	client := openai.NewClient(option.WithBaseURL(m.URL), option.WithAPIKey("simulated"))
	spec, _, err := extract.JSONSchema("invoice", []byte(`{"type":"object","properties":{"vendor":{"type":"string"},"total":{"type":"number"}},"required":["vendor","total"]}`))
	if err != nil {
		panic(err)
	}
	for _, src := range []string{"a.txt", "b.txt"} {
		ex := &extract.Extractor{Client: m.For(&client.Responses, simulated.Doc{Source: src})}
		v, _, err := ex.Extract(context.Background(), spec, extract.Text("..."))
		fmt.Println(src, string(v), err)
	}
	// Output:
	// a.txt {"vendor":"Acme","total":1} <nil>
	// b.txt {"vendor":"simulated","total":1} <nil>
}
