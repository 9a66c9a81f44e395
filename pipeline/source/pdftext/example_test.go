package pdftext_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/seed0611af48/quarry/internal/pdfgen"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

func ExampleExtractor_Pages() {
	// A two-page PDF, the second page empty.
	var pdf bytes.Buffer
	if err := pdfgen.Write(&pdf, [][]string{{"Invoice INV-042", "Total: 99.50 EUR   "}, {}}); err != nil {
		log.Fatal(err)
	}

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
	for i, p := range pages {
		fmt.Printf("page %d: %q\n", i+1, p)
	}
	// Output:
	// page 1: "Invoice INV-042\nTotal: 99.50 EUR"
	// page 2: ""
}

func ExampleExtractor_Pages_password() {
	data, err := os.ReadFile("testdata/encrypted.pdf")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	e, err := pdftext.New(ctx, pdftext.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()

	_, err = e.Pages(ctx, data, "")
	fmt.Println(errors.Is(err, pdftext.ErrPassword), err)

	pages, err := e.Pages(ctx, data, "user")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(pages), "page")
	// Output:
	// true pdftext: PDF is encrypted and the password is missing or wrong
	// 1 page
}

func ExampleExtractor_Pages_corrupt() {
	ctx := context.Background()
	e, err := pdftext.New(ctx, pdftext.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()

	_, err = e.Pages(ctx, nil, "")
	fmt.Println(err)
	_, err = e.Pages(ctx, []byte("not a PDF"), "")
	fmt.Println(errors.Is(err, pdftext.ErrCorrupt), err)
	// Output:
	// pdftext: corrupt PDF: empty file
	// true pdftext: corrupt PDF: the file is damaged or not a PDF (PDFium: incorrect format)
}

func ExampleExtractor_Layout() {
	var pdf bytes.Buffer
	if err := pdfgen.Write(&pdf, [][]string{{"Invoice INV-042", "Total: 99.50 EUR"}}); err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	e, err := pdftext.New(ctx, pdftext.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()

	// Render page 1 as well as reading its text and character boxes.
	pages, err := e.Layout(ctx, pdf.Bytes(), "", pdftext.LayoutOptions{Render: func(n int) bool { return n == 1 }})
	if err != nil {
		log.Fatal(err)
	}
	p := pages[0]
	fmt.Printf("%.0f×%.0f points, image %d×%d pixels\n", p.Width, p.Height, p.ImageWidth, p.ImageHeight)
	// "99.50" is code points 23–28 of the page text.
	for _, r := range p.Span(23, 28) {
		fmt.Printf("%q at x=%.0f y=%.0f, %.0f×%.0f points\n", string([]rune(p.Text)[23:28]), r.X, r.Y, r.W, r.H)
	}
	// Output:
	// 595×842 points, image 910×1287 pixels
	// "99.50" at x=87 y=69, 28×13 points
}
