package source

import (
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func TestStdin(t *testing.T) {
	png := string(pngBytes(t))
	tests := []struct {
		name string
		in   string
		opts Options
		want []summary
	}{
		{name: "text", in: "Invoice 7\n", want: []summary{{ID: "-", Text: "Invoice 7\n"}}},
		{name: "image sniffed", in: png, want: []summary{{ID: "-", Kinds: "image:image/png:stdin.png"}}},
		{name: "pdf sniffed", in: "%PDF-1.4\nx", want: []summary{{ID: "-", Kinds: "pdf:application/pdf:stdin.pdf"}}},
		{name: "named csv", in: "id,body\n1,hi\n", opts: Options{StdinName: "in.csv", TextColumn: "body"}, want: []summary{
			{ID: "in.csv#row=1", Row: 1, Text: "hi", Columns: []string{"id=1", "body=hi"}},
		}},
		{name: "named jsonl", in: "[1]\n[2]", opts: Options{StdinName: "in.jsonl"}, want: []summary{
			{ID: "in.jsonl#row=1", Row: 1, Text: "[1]"},
			{ID: "in.jsonl#row=2", Row: 2, Text: "[2]"},
		}},
		{name: "unsupported name", in: "x", opts: Options{StdinName: "in.docx"}, want: []summary{
			{ID: "in.docx", Err: `unsupported file type ".docx" in --stdin-name; Quarry reads .txt .md .html .htm .json .jsonl .ndjson .csv .tsv .png .jpg .jpeg .webp .gif .pdf`},
		}},
		{name: "empty", in: "", want: []summary{{ID: "-", Err: "empty file"}}},
		{name: "too large", in: strings.Repeat("x", 11), opts: Options{MaxFileSize: 10}, want: []summary{{ID: "-", Err: "stdin is over the 10 bytes limit"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Stdin = strings.NewReader(tt.in)
			if diff := cmp.Diff(tt.want, collect(t, []string{"-"}, opts)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	t.Run("read once, kept for a second pass", func(t *testing.T) {
		seq, err := Open(t.Context(), []string{"-"}, Options{Stdin: strings.NewReader("hi")})
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			n := 0
			for d := range seq {
				n++
				if d.Err != nil || d.Parts[0].Text != "hi" {
					t.Errorf("got %+v", d)
				}
			}
			if n != 1 {
				t.Errorf("got %d documents", n)
			}
		}
	})

	t.Run("read error", func(t *testing.T) {
		got := collect(t, []string{"-"}, Options{Stdin: iotest.ErrReader(iotest.ErrTimeout)})
		if len(got) != 1 || got[0].Err != "cannot read stdin: timeout" {
			t.Errorf("got %+v", got)
		}
	})
}
