package source

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Count returns about how many documents Open would yield for the same
// inputs and options, for a progress bar's total. It walks the folders and
// reads only CSV, TSV and JSONL files, counting their rows; every other file
// and stdin count as one. It is exact for well-formed input; a CSV file that
// cannot be decoded, or a PDF split into pages, makes it an estimate.
func Count(ctx context.Context, inputs []string, opts Options) (int, error) {
	r, err := newReader(inputs, opts)
	if err != nil {
		return 0, err
	}
	it := &iteration{reader: r, ctx: ctx, seen: map[string]string{}}
	n := 0
	for f := range it.files() {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		switch {
		case f.err != nil || f.path == "-":
			n++
		case f.ext == ".csv" || f.ext == ".tsv" || f.ext == ".tab" || f.ext == ".jsonl" || f.ext == ".ndjson":
			n += max(countRows(f, it.enc), 1)
		default:
			n++
		}
	}
	return n, nil
}

// countRows counts the data rows of a CSV/TSV file or the non-empty lines
// of a JSONL file; 0 if it cannot be read.
func countRows(f file, te textEncoding) int {
	fh, err := os.Open(f.path)
	if err != nil {
		return 0
	}
	defer fh.Close()
	in := transform.NewReader(fh, unicode.BOMOverride(te.decoder()))
	if f.ext == ".jsonl" || f.ext == ".ndjson" {
		n := 0
		sc := bufio.NewReader(in)
		for {
			line, _, err := readLine(sc, 1<<62)
			if len(bytes.TrimSpace(line)) > 0 {
				n++
			}
			if err != nil {
				return n
			}
		}
	}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if f.ext != ".csv" {
		cr.Comma, cr.LazyQuotes = '\t', true
	}
	n := -1 // the header
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return max(n, 0)
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return max(n, 0)
		}
		n++
	}
}
