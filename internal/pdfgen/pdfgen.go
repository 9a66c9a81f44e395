// Package pdfgen writes small, valid PDF files by hand, for tests and sample
// documents.
//
// [Write] lays out lines of text in the standard Helvetica font, one slice of
// lines per page, from the top left corner downwards. [WriteImageOnly] writes
// pages that hold only a picture and no text layer, as a scanner would. The
// output is deterministic: the same input gives the same bytes, so generated
// files can be committed and checked byte for byte.
//
// The PDF syntax is written directly (objects, content streams, a
// cross-reference table with exact byte offsets and a trailer); no PDF
// library is involved, so the files are also a check on the readers that
// open them.
package pdfgen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Page geometry in PDF points (1/72 inch): A4 portrait.
const (
	pageWidth  = 595
	pageHeight = 842
	marginLeft = 56
	marginTop  = 64
	fontSize   = 11
	leading    = 15
)

// MaxLines is the number of lines that fit on one page written by [Write].
const MaxLines = (pageHeight - 2*marginTop) / leading

// Write writes a PDF with one page per element of pages, each holding its
// lines of text in 11-point Helvetica, top to bottom, left aligned.
//
// Text must be encodable in WinAnsiEncoding (ASCII, Latin-1 letters, the euro
// sign and a few typographic marks); other characters are an error, as is a
// page with more than [MaxLines] lines or a document with no pages. An empty
// page (no lines) is allowed and has no text.
func Write(w io.Writer, pages [][]string) error {
	if len(pages) == 0 {
		return errors.New("pdfgen: no pages")
	}
	contents := make([][]byte, len(pages))
	for i, lines := range pages {
		c, err := textContent(i, lines)
		if err != nil {
			return err
		}
		contents[i] = c
	}

	d := newDoc(w)
	// Objects: 1 catalog, 2 page tree, 3 font, then a page and its content
	// stream for each page.
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	d.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
	d.object(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	d.object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	for i, c := range contents {
		page, content := 4+2*i, 5+2*i
		d.object(page, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "+
			"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", pageWidth, pageHeight, content))
		d.stream(content, "", c)
	}
	return d.finish()
}

// textContent is the content stream of page i (from 0) holding lines.
func textContent(i int, lines []string) ([]byte, error) {
	if len(lines) > MaxLines {
		return nil, fmt.Errorf("pdfgen: page %d has %d lines, at most %d fit", i+1, len(lines), MaxLines)
	}
	var b strings.Builder
	if len(lines) > 0 {
		fmt.Fprintf(&b, "BT\n/F1 %d Tf\n%d TL\n%d %d Td\n", fontSize, leading, marginLeft, pageHeight-marginTop)
		for j, line := range lines {
			s, err := encodeText(line)
			if err != nil {
				return nil, fmt.Errorf("pdfgen: page %d, line %d: %w", i+1, j+1, err)
			}
			if j > 0 {
				b.WriteString("T*\n")
			}
			fmt.Fprintf(&b, "(%s) Tj\n", s)
		}
		b.WriteString("ET\n")
	}
	return []byte(b.String()), nil
}

// encodeText returns s as the inside of a PDF literal string in
// WinAnsiEncoding, with (, ) and \ escaped.
func encodeText(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		c, ok := winAnsi(r)
		if !ok {
			return "", fmt.Errorf("character %q is not in WinAnsiEncoding", r)
		}
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// winAnsiHigh maps the characters that WinAnsiEncoding places in 0x80–0x9f.
var winAnsiHigh = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91,
	'’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98,
	'™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
}

func winAnsi(r rune) (byte, bool) {
	switch {
	case r == '\t':
		return ' ', true
	case r >= 0x20 && r < 0x7f, r >= 0xa0 && r <= 0xff:
		return byte(r), true
	}
	c, ok := winAnsiHigh[r]
	return c, ok
}

// doc writes numbered objects and remembers their byte offsets for the
// cross-reference table.
type doc struct {
	w       *bufio.Writer
	n       int64   // bytes written so far
	offsets []int64 // offsets[i] is the offset of object i+1
	err     error
}

func newDoc(w io.Writer) *doc {
	d := &doc{w: bufio.NewWriter(w)}
	// The second line's high bytes mark the file as binary for transfer tools.
	d.printf("%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n")
	return d
}

func (d *doc) printf(format string, args ...any) {
	if d.err != nil {
		return
	}
	n, err := fmt.Fprintf(d.w, format, args...)
	d.n += int64(n)
	d.err = err
}

func (d *doc) write(p []byte) {
	if d.err != nil {
		return
	}
	n, err := d.w.Write(p)
	d.n += int64(n)
	d.err = err
}

// begin records the offset of object num, which must be the next number.
func (d *doc) begin(num int) {
	if num != len(d.offsets)+1 {
		panic(fmt.Sprintf("pdfgen: object %d written out of order", num))
	}
	d.offsets = append(d.offsets, d.n)
	d.printf("%d 0 obj\n", num)
}

func (d *doc) object(num int, body string) {
	d.begin(num)
	d.printf("%s\nendobj\n", body)
}

// stream writes a stream object; dict holds extra dictionary entries.
func (d *doc) stream(num int, dict string, data []byte) {
	d.begin(num)
	if dict != "" {
		dict += " "
	}
	d.printf("<< %s/Length %d >>\nstream\n", dict, len(data))
	d.write(data)
	d.printf("\nendstream\nendobj\n")
}

// finish writes the cross-reference table and the trailer. Each xref entry
// is exactly 20 bytes, as the format requires.
func (d *doc) finish() error {
	xref := d.n
	d.printf("xref\n0 %d\n0000000000 65535 f\r\n", len(d.offsets)+1)
	for _, off := range d.offsets {
		d.printf("%010d 00000 n\r\n", off)
	}
	d.printf("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(d.offsets)+1, xref)
	if d.err != nil {
		return fmt.Errorf("pdfgen: %w", d.err)
	}
	if err := d.w.Flush(); err != nil {
		return fmt.Errorf("pdfgen: %w", err)
	}
	return nil
}
