package source

import (
	"context"
	"fmt"
	"io"
	"log/slog"
)

// DefaultMaxFileSize is the size limit when Options.MaxFileSize is 0.
const DefaultMaxFileSize = 50 << 20

// Options say which files to read and how. The zero value works: every
// supported file under the inputs, text detected as UTF-8 (with or without a
// byte-order mark), PDFs sent to the model as files, a 50 MB limit.
type Options struct {
	// Include and Exclude are globs over the slash-separated path relative
	// to the folder named as input, and over the base name: "*.pdf",
	// "2024/**", "drafts". "*", "?" and "[...]" work within one path
	// segment as in [path.Match]; a "**" segment matches any number of
	// segments, none included. Matching is case-sensitive. A file is read
	// when it matches some Include (or Include is empty) and no Exclude; a
	// folder matching an Exclude is not entered. Files named directly as
	// inputs are always read.
	Include, Exclude []string

	// TextColumn names the CSV/TSV column that holds a row's text. Template
	// is a text/template over a row's columns instead ({{.body}},
	// {{index . "Order ID"}}); a column the template names must exist. If
	// both are empty, the text is every non-empty column as a
	// "name: value" line. Setting both is an error.
	TextColumn string
	Template   string

	// Encoding of text files (txt, md, html, json, jsonl, csv, tsv): "" or
	// "utf-8", "utf-16" (little-endian without a byte-order mark),
	// "utf-16le", "utf-16be", "latin1" (ISO 8859-1), "windows-1252", or
	// another WHATWG label ("shift_jis"). A byte-order mark always wins.
	// With "" a file without a mark must be valid UTF-8 (HTML: its
	// <meta charset> is honoured too).
	Encoding string

	// PDF says how a PDF reaches the model; the default is PDFText.
	PDF PDFMode
	// PDFPassword opens encrypted PDFs in PDFText mode.
	PDFPassword string
	// PDFText extracts the text of PDFs in PDFText mode. If nil, PDFs are
	// sent as files.
	PDFText PDFTextExtractor
	// IsPDFPasswordError reports whether an error from PDFText means a
	// missing or wrong password. If nil, errors.Is(err, ErrPDFPassword)
	// decides.
	IsPDFPasswordError func(error) bool
	// PDFRender renders the pages of a PDF that have no text layer (scans),
	// which are then sent as images beside the text of the other pages (or,
	// with SplitPages, as that page's document). If nil, a PDF with such
	// pages is sent as a file. It is called where PDFText is, so with
	// PDFAhead for that many PDFs at once.
	PDFRender PDFRenderer
	// PDFAhead is how many PDFs have their text read at the same time, ahead
	// of the document being handed out (documents still come in input
	// order; leaving the loop early may leave up to PDFAhead-1 PDFs read
	// for nothing). If 0 or 1, PDFs are read one by one when the loop
	// reaches them. PDFText must then be safe for that many concurrent
	// calls, and should serve them at once (pdftext.Options.Workers).
	PDFAhead int
	// SplitPages makes each page of a PDF with a text layer its own
	// document ("a.pdf#page=2"). By default one PDF is one document whose
	// text carries "--- page N ---" markers.
	SplitPages bool

	// MaxFileSize is the largest file read whole (every type except CSV,
	// TSV and JSONL, which are streamed; for JSONL it bounds one line). If
	// 0, DefaultMaxFileSize; if negative, no limit.
	MaxFileSize int64

	// Stdin is read for the input "-". If nil, os.Stdin.
	Stdin io.Reader
	// StdinName names stdin's content ("stdin.csv"): its extension picks
	// the format and it is the document ID. If empty the ID is "-" and the
	// content is sniffed: a PDF, an image, or else text.
	StdinName string

	// Logger receives debug notes on skipped files. If nil, nothing is logged.
	Logger *slog.Logger
}

// PDFMode says how a PDF reaches the model.
type PDFMode int

const (
	// PDFText extracts the text locally (Options.PDFText) and sends it with
	// page markers. A PDF without a text layer (a scan) is sent as a file,
	// with Meta["pdf"] saying so.
	PDFText PDFMode = iota
	// PDFFile sends the PDF itself as a [pipeline.PartPDF] part.
	PDFFile
)

func (m PDFMode) String() string {
	switch m {
	case PDFText:
		return "text"
	case PDFFile:
		return "file"
	}
	return fmt.Sprintf("PDFMode(%d)", int(m))
}

// ParsePDFMode parses "text" or "file", the values of a --pdf flag.
func ParsePDFMode(s string) (PDFMode, error) {
	switch s {
	case "", "text":
		return PDFText, nil
	case "file":
		return PDFFile, nil
	}
	return 0, fmt.Errorf("source: unknown PDF mode %q (want text or file)", s)
}

// PDFTextExtractor returns the text of each page of a PDF. An encrypted PDF
// opened without the right password should give an error for which
// Options.IsPDFPasswordError (by default errors.Is(err, ErrPDFPassword))
// holds. Package pdftext implements it.
type PDFTextExtractor interface {
	Pages(ctx context.Context, data []byte, password string) ([]string, error)
}

// PDFRenderer renders pages of a PDF (1-based numbers) to JPEG images, in
// the order asked. (*pdftext.Extractor).Render implements it.
type PDFRenderer func(ctx context.Context, data []byte, password string, pages []int) ([][]byte, error)

// MetaPDF is the Meta key for notes on how a PDF was read.
const MetaPDF = "pdf"

// Notes under Meta[MetaPDF].
const (
	NoteNoTextLayer = "no text layer: sent to the model as a file"
	// NoteSentAsFile ends the note of a PDF with some pages without text.
	NoteSentAsFile = "sent to the model as a file"
	// NoteUnreadable starts the note of a PDF that local text extraction
	// cannot open, sent to the model as a file; the error follows.
	NoteUnreadable = "local text extraction failed, sent to the model as a file"
	// NoteSentAsImages ends the note of a PDF whose pages without text were
	// rendered and sent as images beside the text of the others.
	NoteSentAsImages = "sent as page images beside the text"
)
