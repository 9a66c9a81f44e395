package source_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/seed0611af48/quarry/pipeline/source"
)

// exampleDir writes files into a new temporary folder.
func exampleDir(files map[string]string) string {
	dir, err := os.MkdirTemp("", "source-example")
	if err != nil {
		panic(err)
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	return dir
}

// A folder of mixed files: each yields documents in lexical order, IDs
// relative to the folder, and a bad file is a document with Err.
func ExampleOpen() {
	dir := exampleDir(map[string]string{
		"notes/invoice.txt": "Invoice 7 from Acme, total 12.00 EUR",
		"notes/empty.txt":   "",
		"tickets.csv":       "id,body\nT1,Refund please\nT2,\n",
		".quarry/x.txt":     "hidden folders are skipped",
	})
	defer os.RemoveAll(dir)

	seq, err := source.Open(context.Background(), []string{dir}, source.Options{TextColumn: "body"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for doc := range seq {
		if doc.Err != nil {
			fmt.Printf("%s: error: %v\n", doc.ID, doc.Err)
			continue
		}
		fmt.Printf("%s: %q\n", doc.ID, doc.Parts[0].Text)
	}
	// Output:
	// notes/empty.txt: error: source: notes/empty.txt: empty file
	// notes/invoice.txt: "Invoice 7 from Acme, total 12.00 EUR"
	// tickets.csv#row=1: "Refund please"
	// tickets.csv#row=2: error: source: tickets.csv#row=2: row 2 (line 3): empty text in column "body"
}

// A template builds each row's text from its columns; the columns
// themselves travel with the document.
func ExampleOptions_template() {
	opts := source.Options{
		Stdin:     strings.NewReader("Order ID,customer,body\nA-1,Ann,\"Where is my parcel?\"\n"),
		StdinName: "tickets.csv",
		Template:  `Ticket from {{.customer}} about order {{index . "Order ID"}}: {{.body}}`,
	}
	seq, err := source.Open(context.Background(), []string{"-"}, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	for doc := range seq {
		fmt.Println(doc.ID, doc.Row)
		fmt.Println(doc.Parts[0].Text)
		fmt.Println(doc.Columns)
	}
	// Output:
	// tickets.csv#row=1 1
	// Ticket from Ann about order A-1: Where is my parcel?
	// [{Order ID A-1} {customer Ann} {body Where is my parcel?}]
}

// Text that is not UTF-8 is an error that names the flag to use; with the
// flag it decodes.
func ExampleOptions_encoding() {
	latin1 := "name,note\nAnn,caf\xe9\n"
	for _, enc := range []string{"", "latin1"} {
		seq, _ := source.Open(context.Background(), []string{"-"}, source.Options{
			Stdin: strings.NewReader(latin1), StdinName: "people.csv", Encoding: enc, TextColumn: "note",
		})
		for doc := range seq {
			if doc.Err != nil {
				fmt.Println(doc.Err)
				continue
			}
			fmt.Println(doc.Parts[0].Text)
		}
	}
	// Output:
	// source: people.csv: not valid UTF-8 (line 2, byte 17); use --encoding latin1 or --encoding windows-1252
	// café
}
