package source

import (
	"bytes"
	"strings"

	"github.com/seed0611af48/quarry/pipeline"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// readHTML reads an .html or .htm file as its visible text.
func (it *iteration) readHTML(f file, yield func(pipeline.Document) bool) bool {
	data, bad := it.readAll(f)
	if bad != nil {
		return yield(*bad)
	}
	if len(data) == 0 {
		return yield(failed(f.id, f.path, 0, ErrEmpty, nil, "empty file"))
	}
	te := it.enc
	if te.enc == nil && bomOf(data) == noBOM {
		// No flag and no byte-order mark: honour <meta charset>, else UTF-8.
		// Like a browser, text that is not UTF-8 is then windows-1252.
		if e, name, _ := charset.DetermineEncoding(data, "text/html"); name != "utf-8" {
			te.enc = e
		}
	}
	s, p := decodeText(data, te)
	if p != nil {
		return yield(failed(f.id, f.path, 0, p.kind, nil, "%s", p.reason(kindName(f))))
	}
	text := htmlText(s)
	if text == "" {
		return yield(failed(f.id, f.path, 0, ErrEmpty, nil, "no visible text in the HTML"))
	}
	return yield(textDoc(f.id, f.path, 0, text))
}

// htmlText returns the text a browser would show: script, style and the
// like dropped, block elements on their own lines, whitespace collapsed
// outside <pre>, entities decoded.
func htmlText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var w textWriter
	skip, pre := 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return w.String()
		case html.TextToken:
			if skip == 0 {
				w.text(string(z.Text()), pre > 0)
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			start := tt != html.EndTagToken
			if hidden[a] {
				switch {
				case tt == html.StartTagToken:
					skip++
				case tt == html.EndTagToken && skip > 0:
					skip--
				}
				continue
			}
			if skip > 0 {
				continue
			}
			switch a {
			case atom.Pre, atom.Textarea, atom.Listing:
				if tt == html.StartTagToken {
					pre++
				} else if tt == html.EndTagToken && pre > 0 {
					pre--
				}
				w.breakLine(2)
			case atom.Br:
				w.newline()
			case atom.Li:
				w.breakLine(1)
				if start {
					w.text("- ", true)
				}
			case atom.Td, atom.Th:
				if start {
					w.cell()
				}
			case atom.Img:
				if alt := attr(z, hasAttr, "alt"); start && strings.TrimSpace(alt) != "" {
					w.text(" ["+strings.TrimSpace(alt)+"] ", false)
				}
			default:
				if n, ok := blocks[a]; ok {
					w.breakLine(n)
				}
			}
		}
	}
}

func attr(z *html.Tokenizer, more bool, name string) string {
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		if string(k) == name {
			return string(v)
		}
	}
	return ""
}

// hidden elements: their content is not shown.
var hidden = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true,
}

// blocks: elements that start a new line (1) or paragraph (2).
var blocks = map[atom.Atom]int{
	atom.P: 2, atom.H1: 2, atom.H2: 2, atom.H3: 2, atom.H4: 2, atom.H5: 2, atom.H6: 2,
	atom.Ul: 2, atom.Ol: 2, atom.Dl: 2, atom.Table: 2, atom.Blockquote: 2, atom.Hr: 2,
	atom.Section: 2, atom.Article: 2, atom.Header: 2, atom.Footer: 2, atom.Nav: 2,
	atom.Aside: 2, atom.Main: 2, atom.Figure: 2, atom.Form: 2, atom.Address: 2,
	atom.Title: 2, atom.Fieldset: 2, atom.Details: 2,
	atom.Div: 1, atom.Tr: 1, atom.Dt: 1, atom.Dd: 1, atom.Caption: 1,
	atom.Figcaption: 1, atom.Option: 1, atom.Summary: 1, atom.Legend: 1, atom.Body: 1,
}

// textWriter builds text from HTML text runs and line breaks.
type textWriter struct {
	b       bytes.Buffer
	nl      int  // pending line breaks
	space   bool // pending space
	inCell  bool // a table cell was written on this line
	started bool
}

func (w *textWriter) breakLine(n int) {
	w.nl = max(w.nl, n)
	w.space, w.inCell = false, false
}

func (w *textWriter) newline() {
	w.nl++
	w.space, w.inCell = false, false
}

func (w *textWriter) cell() {
	if w.inCell && w.nl == 0 {
		w.flush()
		w.b.WriteByte('\t')
		w.space = false
	}
	w.inCell = true
}

func (w *textWriter) flush() {
	if !w.started {
		w.nl, w.space = 0, false
		return
	}
	if w.nl > 0 {
		w.b.WriteString(strings.Repeat("\n", min(w.nl, 2)))
		w.nl, w.space = 0, false
	}
}

func (w *textWriter) text(s string, pre bool) {
	if pre {
		if s == "" {
			return
		}
		w.flush()
		if w.space {
			w.b.WriteByte(' ')
			w.space = false
		}
		w.b.WriteString(normalizeNewlines(s))
		w.started = true
		return
	}
	if s != "" && isSpace(s[0]) {
		w.space = true
	}
	for i, word := range strings.Fields(s) {
		w.flush()
		if (i > 0 || w.space) && w.started && w.b.Len() > 0 && w.last() != '\n' && w.last() != '\t' {
			w.b.WriteByte(' ')
		}
		w.b.WriteString(word)
		w.started, w.space = true, false
	}
	if s != "" && isSpace(s[len(s)-1]) {
		w.space = true
	}
}

func (w *textWriter) last() byte {
	b := w.b.Bytes()
	return b[len(b)-1]
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// String returns the text, lines trimmed of trailing spaces.
func (w *textWriter) String() string {
	lines := strings.Split(w.b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
