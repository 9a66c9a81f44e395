package sink_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/sink"
)

func ExampleNewJSONL() {
	var buf bytes.Buffer
	s := sink.NewJSONL(&buf, sink.Options{})
	_ = s.Write(&pipeline.Outcome{
		ID: "invoices.csv#row=1", Status: pipeline.StatusOK, Attempts: 1,
		Value:  json.RawMessage(`{"vendor": "Acme", "total": 12.5}`),
		Source: "invoices.csv", Row: 1,
		Columns: []pipeline.Column{{Name: "ref", Value: "C-7"}},
	})
	_ = s.Write(&pipeline.Outcome{ID: "scan.pdf", Status: pipeline.StatusError, Reason: "pdf: no pages", Source: "scan.pdf"})
	_ = s.Close(nil)
	fmt.Print(buf.String())
	// Output:
	// {"id":"invoices.csv#row=1","status":"ok","value":{"vendor":"Acme","total":12.5},"attempts":1,"usage":{"input_tokens":0,"cached_tokens":0,"output_tokens":0,"reasoning_tokens":0},"source":"invoices.csv","row":1,"columns":{"ref":"C-7"}}
	// {"id":"scan.pdf","status":"error","value":null,"error":"pdf: no pages","attempts":0,"usage":{"input_tokens":0,"cached_tokens":0,"output_tokens":0,"reasoning_tokens":0},"source":"scan.pdf"}
}

func ExampleOpen_csv() {
	dir, _ := os.MkdirTemp("", "sink-example")
	defer os.RemoveAll(dir)

	schema := []byte(`{"type":"object","additionalProperties":false,"properties":{
		"vendor":{"type":"string"},
		"address":{"type":"object","additionalProperties":false,"properties":{"city":{"type":["string","null"]}}},
		"lines":{"type":"array","items":{"type":"object","additionalProperties":false,
			"properties":{"sku":{"type":"string"},"qty":{"type":"integer"}}}}}}`)
	s, err := sink.Open(filepath.Join(dir, "out.csv"), schema, sink.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = s.Write(&pipeline.Outcome{ID: "a.pdf", Status: pipeline.StatusOK, Source: "a.pdf",
		Value: json.RawMessage(`{"vendor":"=cmd()","address":{"city":"Oslo"},"lines":[{"sku":"X","qty":-2}]}`)})
	if err := s.Close(nil); err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"out.csv", "out.lines.csv"} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		fmt.Printf("%s:\n%s", name, b)
	}
	// Output:
	// out.csv:
	// id,status,error,source,row,page,vendor,address.city
	// a.pdf,ok,,a.pdf,,,'=cmd(),Oslo
	// out.lines.csv:
	// record_id,index,sku,qty
	// a.pdf,0,X,-2
}
