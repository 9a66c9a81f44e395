package source

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCSV(t *testing.T) {
	const tickets = "ticket_id,customer,body\n" +
		"T1,Ann,\"Refund order 42, please\"\n" +
		"T2,Bob,\"Line one\nline two\"\n"
	cols1 := []string{"ticket_id=T1", "customer=Ann", "body=Refund order 42, please"}
	cols2 := []string{"ticket_id=T2", "customer=Bob", "body=Line one\nline two"}
	tests := []struct {
		name string
		file string
		data string
		opts Options
		want []summary
	}{
		{name: "all columns", file: "t.csv", data: tickets, want: []summary{
			{ID: "t.csv#row=1", Row: 1, Text: "ticket_id: T1\ncustomer: Ann\nbody: Refund order 42, please\n", Columns: cols1},
			{ID: "t.csv#row=2", Row: 2, Text: "ticket_id: T2\ncustomer: Bob\nbody: Line one\nline two\n", Columns: cols2},
		}},
		{name: "text column", file: "t.csv", data: tickets, opts: Options{TextColumn: "body"}, want: []summary{
			{ID: "t.csv#row=1", Row: 1, Text: "Refund order 42, please", Columns: cols1},
			{ID: "t.csv#row=2", Row: 2, Text: "Line one\nline two", Columns: cols2},
		}},
		{name: "text column, other case", file: "t.csv", data: tickets, opts: Options{TextColumn: "Body"}, want: []summary{
			{ID: "t.csv#row=1", Row: 1, Text: "Refund order 42, please", Columns: cols1},
			{ID: "t.csv#row=2", Row: 2, Text: "Line one\nline two", Columns: cols2},
		}},
		{name: "template", file: "t.csv", data: tickets, opts: Options{Template: `{{.customer}} wrote: {{index . "body"}}`}, want: []summary{
			{ID: "t.csv#row=1", Row: 1, Text: "Ann wrote: Refund order 42, please", Columns: cols1},
			{ID: "t.csv#row=2", Row: 2, Text: "Bob wrote: Line one\nline two", Columns: cols2},
		}},
		{name: "template names a missing column", file: "t.csv", data: tickets, opts: Options{Template: `{{.subject}}`}, want: []summary{
			{ID: "t.csv", Err: `the template does not fit the header: template: row:1:2: executing "row" at <.subject>: map has no entry for key "subject"; the columns are "ticket_id", "customer", "body"`},
		}},
		{name: "missing text column", file: "t.csv", data: tickets, opts: Options{TextColumn: "text"}, want: []summary{
			{ID: "t.csv", Err: `no column "text" in the header; the columns are "ticket_id", "customer", "body"`},
		}},
		{name: "empty text", file: "t.csv", data: "id,body\n1,\n2,hi\n", opts: Options{TextColumn: "body"}, want: []summary{
			{ID: "t.csv#row=1", Row: 1, Columns: []string{"id=1", "body="}, Err: `row 1 (line 2): empty text in column "body"`},
			{ID: "t.csv#row=2", Row: 2, Text: "hi", Columns: []string{"id=2", "body=hi"}},
		}},
		{name: "ragged row", file: "t.csv", data: "a,b\n1,2\n1,2,3\n4,5\n", want: []summary{
			{ID: "t.csv#row=1", Row: 1, Text: "a: 1\nb: 2\n", Columns: []string{"a=1", "b=2"}},
			{ID: "t.csv#row=2", Row: 2, Columns: []string{"a=1", "b=2", "column 3=3"}, Err: "row 2 (line 3) has 3 fields, the header has 2"},
			{ID: "t.csv#row=3", Row: 3, Text: "a: 4\nb: 5\n", Columns: []string{"a=4", "b=5"}},
		}},
		{name: "bad quote", file: "t.csv", data: "a,b\nx,y\"z\n4,5\n", want: []summary{
			{ID: "t.csv#row=1", Row: 1, Err: `row 1 (line 2): bare " in non-quoted-field at column 4`},
			{ID: "t.csv#row=2", Row: 2, Text: "a: 4\nb: 5\n", Columns: []string{"a=4", "b=5"}},
		}},
		{name: "all empty row", file: "t.csv", data: "a,b\n,\n", want: []summary{
			{ID: "t.csv#row=1", Row: 1, Columns: []string{"a=", "b="}, Err: "row 1 (line 2): every field is empty"},
		}},
		{name: "utf-8 BOM header", file: "t.csv", data: "\xef\xbb\xbfid,body\n1,hi\n", opts: Options{TextColumn: "id"}, want: []summary{
			{ID: "t.csv#row=1", Row: 1, Text: "1", Columns: []string{"id=1", "body=hi"}},
		}},
		{name: "utf-16 BOM", file: "t.csv", data: utf16le("\ufeffid,body\r\n1,café\r\n"), opts: Options{TextColumn: "body"}, want: []summary{
			{ID: "t.csv#row=1", Row: 1, Text: "café", Columns: []string{"id=1", "body=café"}},
		}},
		{name: "latin1 without encoding", file: "t.csv", data: "id,body\n1,ok\n2,caf\xe9\n", want: []summary{
			{ID: "t.csv", Err: "not valid UTF-8 (line 3, byte 18); use --encoding latin1 or --encoding windows-1252"},
		}},
		{name: "latin1", file: "t.csv", data: "id,body\n1,ok\n2,caf\xe9\n", opts: Options{Encoding: "latin1", TextColumn: "body"}, want: []summary{
			{ID: "t.csv#row=1", Row: 1, Text: "ok", Columns: []string{"id=1", "body=ok"}},
			{ID: "t.csv#row=2", Row: 2, Text: "café", Columns: []string{"id=2", "body=café"}},
		}},
		{name: "binary", file: "t.csv", data: "id,body\n1,\x00\n", want: []summary{
			{ID: "t.csv", Err: "binary data in a .csv file at byte 10"},
		}},
		{name: "header only", file: "t.csv", data: "id,body\n", want: []summary{
			{ID: "t.csv", Err: "no data rows, only a header"},
		}},
		{name: "empty", file: "t.csv", data: "", want: []summary{
			{ID: "t.csv", Err: "empty file"},
		}},
		{name: "tsv with quotes in text", file: "t.tsv", data: "id\tbody\n1\tsays \"hi\" twice\n", opts: Options{TextColumn: "body"}, want: []summary{
			{ID: "t.tsv#row=1", Row: 1, Text: `says "hi" twice`, Columns: []string{"id=1", `body=says "hi" twice`}},
		}},
		{name: "blank header name", file: "t.csv", data: " id ,\n1,x\n", want: []summary{
			{ID: "t.csv#row=1", Row: 1, Text: "id: 1\ncolumn 2: x\n", Columns: []string{"id=1", "column 2=x"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeTree(t, map[string]string{tt.file: tt.data})
			got := collect(t, []string{root}, tt.opts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("documents (-want +got):\n%s", diff)
			}
			n, err := Count(t.Context(), []string{root}, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			fileErr := len(tt.want) == 1 && tt.want[0].Row == 0 // Count counts rows regardless
			if !fileErr && n != len(got) {
				t.Errorf("Count = %d, Open gave %d documents", n, len(got))
			}
		})
	}
}

// utf16le encodes s (ASCII and Latin-1 only) as UTF-16LE.
func utf16le(s string) string {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}
