package source

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// textEncoding is the decoder chosen by Options.Encoding.
type textEncoding struct {
	enc   encoding.Encoding // nil: UTF-8
	utf16 bool              // enc is UTF-16: NUL bytes are expected
}

func (te textEncoding) decoder() transform.Transformer {
	if te.enc == nil {
		return transform.Nop
	}
	return te.enc.NewDecoder()
}

// lookupEncoding returns the decoder for Options.Encoding.
func lookupEncoding(name string) (textEncoding, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "utf-8", "utf8":
		return textEncoding{}, nil
	case "utf-16", "utf16", "utf-16le", "utf16le":
		return textEncoding{enc: unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), utf16: true}, nil
	case "utf-16be", "utf16be":
		return textEncoding{enc: unicode.UTF16(unicode.BigEndian, unicode.UseBOM), utf16: true}, nil
	case "latin1", "latin-1", "iso-8859-1", "iso8859-1":
		return textEncoding{enc: charmap.ISO8859_1}, nil
	case "windows-1252", "cp1252":
		return textEncoding{enc: charmap.Windows1252}, nil
	}
	e, err := htmlindex.Get(name)
	if err != nil {
		return textEncoding{}, fmt.Errorf("source: unknown encoding %q (try utf-8, utf-16, latin1 or windows-1252)", name)
	}
	return textEncoding{enc: e}, nil
}

type bom int

const (
	noBOM bom = iota
	bomUTF8
	bomUTF16LE
	bomUTF16BE
)

func bomOf(b []byte) bom {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return bomUTF8
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return bomUTF16LE
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return bomUTF16BE
	}
	return noBOM
}

// textProblem is what is wrong with bytes that should be text.
type textProblem struct {
	kind   error // ErrBinary or ErrEncoding
	offset int64 // byte offset of the first bad byte
	line   int   // its 1-based line
	utf16  bool  // the bytes look like UTF-16 without a byte-order mark
}

func (p *textProblem) reason(what string) string {
	if p.kind == ErrBinary {
		s := fmt.Sprintf("binary data in a %s at byte %d", what, p.offset)
		if p.utf16 {
			s += "; if it is UTF-16 text without a byte-order mark, use --encoding utf-16"
		}
		return s
	}
	return fmt.Sprintf("not valid UTF-8 (line %d, byte %d); use --encoding latin1 or --encoding windows-1252", p.line, p.offset)
}

// looksUTF16 reports whether b starts like ASCII text in UTF-16: a NUL in
// every other byte.
func looksUTF16(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	return (b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0) ||
		(b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0)
}

// scanUTF8 reads r to the end and reports the first NUL byte or invalid
// UTF-8 sequence, or nil if there is none.
func scanUTF8(r io.Reader) (*textProblem, error) {
	buf := make([]byte, 0, 64<<10+utf8.UTFMax)
	var base int64
	line := 1
	first := true
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if first && len(buf) >= 4 {
			first = false
			if looksUTF16(buf) {
				return &textProblem{kind: ErrBinary, offset: int64(bytes.IndexByte(buf, 0)), line: 1, utf16: true}, nil
			}
		}
		eof := err == io.EOF
		i := 0
		for i < len(buf) {
			c := buf[i]
			if c < utf8.RuneSelf {
				switch c {
				case 0:
					return &textProblem{kind: ErrBinary, offset: base + int64(i), line: line}, nil
				case '\n':
					line++
				}
				i++
				continue
			}
			if !eof && !utf8.FullRune(buf[i:]) {
				break
			}
			r, size := utf8.DecodeRune(buf[i:])
			if r == utf8.RuneError && size == 1 {
				return &textProblem{kind: ErrEncoding, offset: base + int64(i), line: line}, nil
			}
			i += size
		}
		base += int64(i)
		buf = append(buf[:0], buf[i:]...)
		if eof {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// binaryAt returns the offset of the first NUL byte, or of the first control
// byte if control bytes are over a tenth of the first 8 KB; -1 if the bytes
// look like text.
func binaryAt(b []byte) int {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return i
	}
	sample := b[:min(len(b), 8<<10)]
	n, first := 0, -1
	for i, c := range sample {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b {
			n++
			if first < 0 {
				first = i
			}
		}
	}
	if n*10 > len(sample) {
		return first
	}
	return -1
}

// decodeText turns the bytes of a whole text file into UTF-8 text with "\n"
// line ends. A byte-order mark overrides te.
func decodeText(data []byte, te textEncoding) (string, *textProblem) {
	var s string
	switch b := bomOf(data); {
	case b == bomUTF16LE || b == bomUTF16BE || (b == noBOM && te.utf16):
		out, _, _ := transform.Bytes(unicode.BOMOverride(te.decoder()), data)
		s = string(out)
		if i := strings.IndexByte(s, 0); i >= 0 {
			return "", &textProblem{kind: ErrBinary, offset: int64(i), line: strings.Count(s[:i], "\n") + 1}
		}
	case b == bomUTF8 || te.enc == nil:
		data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
		if i := binaryAt(data); i >= 0 {
			return "", &textProblem{kind: ErrBinary, offset: int64(i), line: lineAt(data, i), utf16: looksUTF16(data)}
		}
		if i := invalidUTF8At(data); i >= 0 {
			return "", &textProblem{kind: ErrEncoding, offset: int64(i), line: lineAt(data, i)}
		}
		s = string(data)
	default:
		if i := binaryAt(data); i >= 0 {
			return "", &textProblem{kind: ErrBinary, offset: int64(i), line: lineAt(data, i)}
		}
		out, err := te.enc.NewDecoder().Bytes(data)
		if err != nil {
			return "", &textProblem{kind: ErrEncoding, line: 1}
		}
		s = string(out)
	}
	return normalizeNewlines(s), nil
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

func lineAt(b []byte, i int) int { return bytes.Count(b[:i], []byte{'\n'}) + 1 }

func normalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// decodingReader returns a reader of UTF-8 text from rs. When the result is
// UTF-8 taken as is (no encoding or a UTF-8 byte-order mark) it first scans
// rs to the end for NUL bytes and invalid UTF-8, then rewinds it.
func decodingReader(rs io.ReadSeeker, te textEncoding) (io.Reader, *textProblem, error) {
	br := bufio.NewReader(rs)
	head, _ := br.Peek(4)
	b := bomOf(head)
	if b == bomUTF8 || (b == noBOM && te.enc == nil) {
		p, err := scanUTF8(br)
		if p != nil || err != nil {
			return nil, p, err
		}
		if _, err := rs.Seek(0, io.SeekStart); err != nil {
			return nil, nil, err
		}
		br.Reset(rs)
	}
	return transform.NewReader(br, unicode.BOMOverride(te.decoder())), nil, nil
}
