package sink

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/seed0611af48/quarry/pipeline"
)

// Errors reported by the sinks. Test for them with [errors.Is].
var (
	// ErrClosed is returned by Write after Close.
	ErrClosed = errors.New("sink: write after close")
	// ErrFormat is returned by [Open] for a file name whose extension names
	// no supported format.
	ErrFormat = errors.New("sink: unsupported output format")
	// ErrSchema is wrapped by the errors of a schema the sinks cannot lay out.
	ErrSchema = errors.New("sink: bad schema")
)

// DefaultMaxDepth is the nesting depth flattened when Options.MaxDepth is zero.
const DefaultMaxDepth = 5

// MaxCellChars is the most characters (UTF-16 code units) a spreadsheet cell
// holds. Longer text is cut, marked and logged; see [Options.Logger].
const MaxCellChars = 32767

// Options configures the CSV and XLSX sinks (and the simulated flag of
// JSONL). The zero value is ready to use.
type Options struct {
	// Simulated marks the output as coming from a simulated run (no model
	// was called): a "simulated": true field on every JSONL line, a
	// "simulated" column in CSV, a note on the XLSX run sheet.
	Simulated bool
	// Logger receives warnings, such as a cell cut to MaxCellChars.
	// If Logger is nil, slog.Default() is used.
	Logger *slog.Logger
	// OmitColumns leaves out the original CSV columns of each source row.
	// By default they are written after the extracted fields, each under
	// the name "input.<column>".
	OmitColumns bool
	// ListSeparator joins arrays of scalars into one cell ("a; b").
	// If empty, such arrays are written as JSON text (["a","b"]), which
	// is lossless.
	ListSeparator string
	// Cost prices a run's tokens for the SQLite runs table; ok is false
	// when the price is unknown. If Cost is nil, the cost is left null.
	Cost func(u pipeline.Usage) (usd float64, ok bool)
	// MaxDepth is how many levels of nested objects and arrays of objects
	// are flattened into columns and child tables; a value nested deeper
	// (recursive schemas always are, eventually) is written as JSON text.
	// If MaxDepth is zero, DefaultMaxDepth is used.
	MaxDepth int
	// Evidence adds the evidence of every value (pipeline.Outcome.Evidence):
	// an "evidence" sheet in XLSX, an "out.evidence.csv" child file beside
	// a CSV. JSONL always writes the evidence an outcome has.
	Evidence bool
}

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.Default()
}

func (o Options) maxDepth() int {
	if o.MaxDepth <= 0 {
		return DefaultMaxDepth
	}
	return min(o.MaxDepth, 64)
}

// Open creates the sink its file name asks for:
//
//	.jsonl, .ndjson  JSON Lines, one object per document ([NewJSONL])
//	.csv, .tsv       flattened records plus one file per array of objects ([NewCSV])
//	.xlsx            a workbook with records, child, errors and run sheets ([NewXLSX])
//	.parquet         one typed Parquet file, nested values as STRUCT and LIST ([NewParquet])
//	.sqlite, .db     a SQLite database: records, child, evidence and runs tables ([NewSQLite])
//
// schema is the strict JSON Schema of the records; JSONL does not need it.
// An unknown extension is an error wrapping [ErrFormat].
func Open(path string, schema []byte, opts Options) (pipeline.Sink, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".jsonl", ".ndjson":
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("sink: %w", err)
		}
		j := NewJSONL(f, opts)
		j.closer = f
		return j, nil
	case ".csv", ".tsv":
		return NewCSV(path, schema, opts)
	case ".xlsx":
		return NewXLSX(path, schema, opts)
	case ".parquet":
		return NewParquet(path, schema, opts)
	case ".sqlite", ".db":
		return NewSQLite(path, schema, opts)
	default:
		return nil, fmt.Errorf("%w: %q (want .jsonl, .ndjson, .csv, .tsv, .xlsx, .parquet, .sqlite or .db)", ErrFormat, ext)
	}
}

// closeAll closes every closer, returning the first error.
func closeAll(cs ...io.Closer) error {
	var first error
	for _, c := range cs {
		if c == nil {
			continue
		}
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
