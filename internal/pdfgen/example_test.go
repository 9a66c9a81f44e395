package pdfgen_test

import (
	"bytes"
	"context"
	"fmt"
	"log"

	"github.com/seed0611af48/quarry/internal/pdfgen"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

func ExampleWrite() {
	var pdf bytes.Buffer
	err := pdfgen.Write(&pdf, [][]string{
		{"Invoice INV-1", "Total: 10.00 EUR"},
		{"Page two"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", bytes.SplitN(pdf.Bytes(), []byte("\n"), 2)[0])

	ctx := context.Background()
	e, err := pdftext.New(ctx, pdftext.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	pages, err := e.Pages(ctx, pdf.Bytes(), "")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", pages)
	// Output:
	// %PDF-1.4
	// ["Invoice INV-1\nTotal: 10.00 EUR" "Page two"]
}
