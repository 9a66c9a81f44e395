package source

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/seed0611af48/quarry/pipeline"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// readJSONL reads a .jsonl or .ndjson file: each non-empty line is a
// document whose Row is its line number, so blank lines keep IDs stable.
func (it *iteration) readJSONL(f file, yield func(pipeline.Document) bool) bool {
	rs, bad := it.open(f)
	if bad != nil {
		return yield(*bad)
	}
	defer rs.Close()
	br := bufio.NewReader(rs)
	head, _ := br.Peek(3)
	b := bomOf(head)
	checkUTF8 := b == bomUTF8 || (b == noBOM && it.enc.enc == nil)
	if b != noBOM || it.enc.enc != nil {
		br = bufio.NewReader(transform.NewReader(br, unicode.BOMOverride(it.enc.decoder())))
	}
	limit := it.max
	if limit < 0 {
		limit = 1<<63 - 1
	}
	yielded := false
	for n := 1; ; n++ {
		if it.ctx.Err() != nil {
			return false
		}
		line, tooLong, err := readLine(br, limit)
		if err != nil && !errors.Is(err, io.EOF) {
			return yield(failed(f.id, f.path, 0, ErrUnreadable, err, "cannot read line %d: %v", n, unwrapPath(err)))
		}
		line = bytes.TrimSpace(line)
		id := fmt.Sprintf("%s#row=%d", f.id, n)
		var d pipeline.Document
		switch {
		case tooLong:
			d = failed(id, f.path, n, ErrTooLarge, nil, "line %d is over the %s limit", n, size(it.max))
		case len(line) == 0:
			if errors.Is(err, io.EOF) {
				if !yielded {
					return yield(failed(f.id, f.path, 0, ErrEmpty, nil, "empty file"))
				}
				return true
			}
			continue
		case checkUTF8 && !utf8.Valid(line):
			d = failed(id, f.path, n, ErrEncoding, nil, "line %d is not valid UTF-8; use --encoding latin1 or --encoding windows-1252", n)
		default:
			if jerr := checkJSON(line); jerr != nil {
				d = failed(id, f.path, n, ErrMalformed, jerr, "line %d is not valid JSON: %s", n, jsonReason(string(line), jerr, true))
			} else {
				d = textDoc(id, f.path, n, string(line))
			}
		}
		yielded = true
		if !yield(d) {
			return false
		}
		if errors.Is(err, io.EOF) {
			return true
		}
	}
}

// readLine reads one line (without its "\n"), keeping at most limit bytes;
// tooLong reports a longer line, whose bytes are skipped. At the end of the
// input err is io.EOF, with the last line if it had no "\n".
func readLine(br *bufio.Reader, limit int64) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if int64(len(line)+len(chunk)) > limit+1 {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimSuffix(line, []byte{'\n'}), tooLong, err
	}
}
