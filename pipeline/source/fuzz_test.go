package source

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCSV feeds bytes as a CSV file: every document is either text or an
// error, rows are numbered 1, 2, 3... and nothing panics.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n",
		"a,b\n1,2,3\n\"x\ny\",z\n",
		"\xef\xbb\xbfa\n\"unterminated\n",
		"\xff\xfea\x00,\x00b\x00\n\x001\x00,\x002\x00",
		"a\n\x00\n",
		"a;b\n\"q\"\"q\",\"\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, latin1 bool) {
		opts := Options{Stdin: bytes.NewReader(data), StdinName: "f.csv"}
		if latin1 {
			opts.Encoding = "latin1"
		}
		seq, err := Open(t.Context(), []string{"-"}, opts)
		if err != nil {
			t.Fatal(err)
		}
		row := 0
		for d := range seq {
			if (d.Err == nil) == (len(d.Parts) == 0) {
				t.Fatalf("%s: Err %v with %d parts", d.ID, d.Err, len(d.Parts))
			}
			if d.Row == 0 {
				if d.Err == nil || row != 0 {
					t.Fatalf("file-level document %s after row %d: %v", d.ID, row, d.Err)
				}
				continue
			}
			row++
			if d.Row != row || d.ID != fmt.Sprintf("f.csv#row=%d", row) {
				t.Fatalf("row %d has ID %s, Row %d", row, d.ID, d.Row)
			}
			for _, p := range d.Parts {
				if !utf8.ValidString(p.Text) && !latin1 {
					t.Fatalf("%s: invalid UTF-8 text %q", d.ID, p.Text)
				}
			}
		}
	})
}

// FuzzHTMLText checks that any input converts without panicking, to text
// without carriage returns or trailing spaces.
func FuzzHTMLText(f *testing.F) {
	for _, s := range []string{
		"<p>a&amp;b</p>",
		"<script>if (a < b) {}</script><p>x</p>",
		"<table><tr><td>1<td>2</table>",
		"<pre>\r\n  x\r\n</pre>",
		"<svg><p>hidden",
		"<li>a<li>b<br><img alt=x>",
		"</script></style><title>t",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := htmlText(s)
		if strings.Contains(out, "\r") {
			t.Fatalf("carriage return in %q", out)
		}
		if out != strings.TrimSpace(out) {
			t.Fatalf("untrimmed %q", out)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of valid input: %q", out)
		}
	})
}

// FuzzDecodeText checks that decoded text is valid UTF-8 without NUL bytes,
// and that a problem is always reported at an offset inside the input.
func FuzzDecodeText(f *testing.F) {
	for _, s := range []string{"hi", "caf\xe9", "\xff\xfeh\x00", "\xfe\xff\x00h", "a\x00b", "\xef\xbb\xbf\r\n"} {
		f.Add([]byte(s), "")
		f.Add([]byte(s), "latin1")
		f.Add([]byte(s), "utf-16")
	}
	f.Fuzz(func(t *testing.T, data []byte, enc string) {
		te, err := lookupEncoding(enc)
		if err != nil {
			return
		}
		s, p := decodeText(data, te)
		if p != nil {
			if p.offset < 0 || p.offset > int64(len(data)) || p.line < 1 {
				t.Fatalf("problem at %d, line %d, for %d bytes", p.offset, p.line, len(data))
			}
			return
		}
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\r") {
			t.Fatalf("decoded %q", s)
		}
	})
}
