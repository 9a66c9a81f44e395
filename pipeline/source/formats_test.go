package source

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormats(t *testing.T) {
	png := string(pngBytes(t))
	tests := []struct {
		name string
		file string // the file name, under a temp dir
		data string
		opts Options
		want []summary
	}{
		{name: "txt", file: "a.txt", data: "Invoice 7\r\nTotal: 12.00\r\n",
			want: []summary{{ID: "a.txt", Text: "Invoice 7\nTotal: 12.00\n"}}},
		{name: "md", file: "a.md", data: "# Notes\n\n- one\n",
			want: []summary{{ID: "a.md", Text: "# Notes\n\n- one\n"}}},
		{name: "empty txt", file: "a.txt", data: "",
			want: []summary{{ID: "a.txt", Err: "empty file"}}},
		{name: "whitespace txt", file: "a.txt", data: " \n\t\n",
			want: []summary{{ID: "a.txt", Err: "empty file (only whitespace)"}}},
		{name: "binary txt", file: "a.txt", data: "hello\x00\x01\x02",
			want: []summary{{ID: "a.txt", Err: "binary data in a .txt file at byte 5"}}},
		{name: "control bytes txt", file: "a.txt", data: "\x01\x02\x03\x04ab",
			want: []summary{{ID: "a.txt", Err: "binary data in a .txt file at byte 0"}}},
		{name: "latin1 txt without encoding", file: "a.txt", data: "line\ncaf\xe9\n",
			want: []summary{{ID: "a.txt", Err: "not valid UTF-8 (line 2, byte 8); use --encoding latin1 or --encoding windows-1252"}}},
		{name: "latin1 txt", file: "a.txt", data: "caf\xe9\n", opts: Options{Encoding: "latin1"},
			want: []summary{{ID: "a.txt", Text: "café\n"}}},
		{name: "windows-1252 txt", file: "a.txt", data: "\x80 5\n", opts: Options{Encoding: "windows-1252"},
			want: []summary{{ID: "a.txt", Text: "€ 5\n"}}},
		{name: "utf-16le BOM txt", file: "a.txt", data: "\xff\xfeh\x00i\x00\r\x00\n\x00",
			want: []summary{{ID: "a.txt", Text: "hi\n"}}},
		{name: "utf-16be BOM txt", file: "a.txt", data: "\xfe\xff\x00h\x00i",
			want: []summary{{ID: "a.txt", Text: "hi"}}},
		{name: "utf-16 without BOM, flag", file: "a.txt", data: "h\x00i\x00", opts: Options{Encoding: "utf-16"},
			want: []summary{{ID: "a.txt", Text: "hi"}}},
		{name: "utf-16 without BOM, no flag", file: "a.txt", data: "h\x00i\x00",
			want: []summary{{ID: "a.txt", Err: "binary data in a .txt file at byte 1; if it is UTF-16 text without a byte-order mark, use --encoding utf-16"}}},
		{name: "utf-8 BOM txt", file: "a.txt", data: "\xef\xbb\xbfhi",
			want: []summary{{ID: "a.txt", Text: "hi"}}},
		{name: "BOM beats the flag", file: "a.txt", data: "\xef\xbb\xbfcaf\xc3\xa9", opts: Options{Encoding: "latin1"},
			want: []summary{{ID: "a.txt", Text: "café"}}},

		{name: "json", file: "a.json", data: `{"total": 12}`,
			want: []summary{{ID: "a.json", Text: `{"total": 12}`}}},
		{name: "bad json", file: "a.json", data: "{\n\"total\": 12,\n}",
			want: []summary{{ID: "a.json", Err: "invalid JSON: invalid character '}' looking for beginning of object key string (line 3, column 1)"}}},
		{name: "jsonl", file: "a.jsonl", data: "{\"a\":1}\n\n{\"a\":\n[1]\r\n",
			want: []summary{
				{ID: "a.jsonl#row=1", Row: 1, Text: `{"a":1}`},
				{ID: "a.jsonl#row=3", Row: 3, Err: `line 3 is not valid JSON: unexpected end of JSON input (column 5)`},
				{ID: "a.jsonl#row=4", Row: 4, Text: `[1]`},
			}},
		{name: "empty jsonl", file: "a.ndjson", data: "\n\n",
			want: []summary{{ID: "a.ndjson", Err: "empty file"}}},

		{name: "html", file: "a.html", data: `<!doctype html><html><head><title>Invoice &amp; receipt</title>
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script></head>
<body><h1>ACME&nbsp;Ltd</h1><p>Total:   <b>12&euro;</b>
 due soon</p><ul><li>one</li><li>two &lt;3</li></ul>
<table><tr><th>Item</th><th>Price</th></tr><tr><td>Pen</td><td>1.00</td></tr></table>
<pre>  a
   b</pre><p>x<br>y <img alt="logo" src="l.png"></p><noscript>enable JS</noscript></body></html>`,
			want: []summary{{ID: "a.html", Text: "Invoice & receipt\n\nACME Ltd\n\nTotal: 12€ due soon\n\n- one\n- two <3\n\nItem\tPrice\nPen\t1.00\n\n  a\n   b\n\nx\ny [logo]"}}},
		{name: "html meta charset", file: "a.htm", data: "<meta charset=\"iso-8859-1\"><p>caf\xe9</p>",
			want: []summary{{ID: "a.htm", Text: "café"}}},
		{name: "html without text", file: "a.html", data: "<html><script>x()</script></html>",
			want: []summary{{ID: "a.html", Err: "no visible text in the HTML"}}},

		{name: "png", file: "r.png", data: png,
			want: []summary{{ID: "r.png", Kinds: "image:image/png:r.png"}}},
		{name: "jpeg", file: "r.jpg", data: string(jpegBytes(t)),
			want: []summary{{ID: "r.jpg", Kinds: "image:image/jpeg:r.jpg"}}},
		{name: "gif", file: "r.gif", data: string(gifBytes(t)),
			want: []summary{{ID: "r.gif", Kinds: "image:image/gif:r.gif"}}},
		{name: "webp", file: "r.webp", data: webpBytes,
			want: []summary{{ID: "r.webp", Kinds: "image:image/webp:r.webp"}}},
		{name: "png named jpg", file: "r.jpg", data: png,
			want: []summary{{ID: "r.jpg", Kinds: "image:image/png:r.jpg"}}},
		{name: "text named png", file: "r.png", data: "total 12",
			want: []summary{{ID: "r.png", Err: "not an image: a .png file whose bytes are not PNG, JPEG, WebP or GIF (they look like text/plain)"}}},
		{name: "truncated png", file: "r.png", data: png[:20],
			want: []summary{{ID: "r.png", Err: "corrupt image/png image: unexpected EOF"}}},
		{name: "empty png", file: "r.png", data: "",
			want: []summary{{ID: "r.png", Err: "empty file"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeTree(t, map[string]string{tt.file: tt.data})
			got := collect(t, []string{root}, tt.opts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("documents (-want +got):\n%s", diff)
			}
			// The same file named directly gets the same ID.
			again := collect(t, []string{filepath.Join(root, tt.file)}, tt.opts)
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("named directly (-folder +file):\n%s", diff)
			}
		})
	}
}
