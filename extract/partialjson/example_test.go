package partialjson_test

import (
	"encoding/json"
	"fmt"

	"github.com/seed0611af48/quarry/extract/partialjson"
)

// deltas cuts s into pieces of n bytes, as a streaming API delivers them.
func deltas(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

// Feed the deltas of a streamed answer and show what is certain after each.
func ExampleParser() {
	answer := `{"name": "Ada Lovelace", "born": 1815, "langs": ["en", "fr"]}`
	var p partialjson.Parser
	for _, d := range deltas(answer, 10) {
		if err := p.WriteString(d); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-12q -> %s\n", d, p.Snapshot())
	}
	if err := p.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// "{\"name\": \"" -> {"name":""}
	// "Ada Lovela" -> {"name":"Ada Lovela"}
	// "ce\", \"born" -> {"name":"Ada Lovelace"}
	// "\": 1815, \"" -> {"name":"Ada Lovelace","born":1815}
	// "langs\": [\"" -> {"name":"Ada Lovelace","born":1815,"langs":[""]}
	// "en\", \"fr\"]" -> {"name":"Ada Lovelace","born":1815,"langs":["en","fr"]}
	// "}"          -> {"name":"Ada Lovelace","born":1815,"langs":["en","fr"]}
}

// Decode the snapshot into a partial typed value, only when something changed.
func ExampleParser_Snapshot() {
	type Person struct {
		Name  string   `json:"name"`
		Born  int      `json:"born"`
		Langs []string `json:"langs"`
	}
	answer := `{"name": "Ada", "born": 1815, "langs": ["en", "fr"]}`
	var p partialjson.Parser
	for _, d := range deltas(answer, 16) {
		if err := p.WriteString(d); err != nil {
			fmt.Println(err)
			return
		}
		if len(p.Events()) == 0 {
			continue // nothing started or ended: skip the O(size) decode
		}
		var v Person
		if err := json.Unmarshal(p.Snapshot(), &v); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%+v born seen: %v\n", v, p.Present("/born"))
	}
	// Output:
	// {Name:Ada Born:0 Langs:[]} born seen: false
	// {Name:Ada Born:1815 Langs:[]} born seen: true
	// {Name:Ada Born:1815 Langs:[en f]} born seen: true
	// {Name:Ada Born:1815 Langs:[en fr]} born seen: true
}

// Stream each line item of an invoice as soon as it is complete, decoding
// only that item: the total cost stays linear in the answer's length.
func ExampleParser_Events() {
	type Line struct {
		SKU string  `json:"sku"`
		Qty int     `json:"qty"`
		Net float64 `json:"net"`
	}
	answer := `{"id": "INV-7", "lines": [{"sku": "A-1", "qty": 2, "net": 9.5},
		{"sku": "B-2", "qty": 1, "net": 20}], "total": 39}`
	var p partialjson.Parser
	for _, d := range deltas(answer, 16) {
		if err := p.WriteString(d); err != nil {
			fmt.Println(err)
			return
		}
		for _, e := range p.Events() {
			if e.Kind != partialjson.ValueEnd || e.Parent() != "/lines" {
				continue
			}
			var l Line
			if err := json.Unmarshal(e.Raw, &l); err != nil {
				fmt.Println(err)
				return
			}
			fmt.Printf("%s: %+v\n", e.Pointer(), l)
		}
	}
	// Output:
	// /lines/0: {SKU:A-1 Qty:2 Net:9.5}
	// /lines/1: {SKU:B-2 Qty:1 Net:20}
}

// Value shows the partial value without a type; objects keep their order.
func ExampleParser_Value() {
	var p partialjson.Parser
	if err := p.WriteString(`{"title": "Quarterly rep`); err != nil {
		fmt.Println(err)
		return
	}
	o := p.Value().(*partialjson.Object)
	for k, v := range o.All() {
		fmt.Printf("%s = %q (done: %v)\n", k, v, p.Done("/"+k))
	}
	// Output:
	// title = "Quarterly rep" (done: false)
}
