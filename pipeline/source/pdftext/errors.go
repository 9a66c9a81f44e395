package pdftext

import (
	"errors"
	"fmt"
	"strings"

	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
)

var (
	// ErrPassword means the PDF is encrypted and the password given to
	// [Extractor.Pages] is missing or wrong. Either the user or the owner
	// password opens a document.
	ErrPassword = errors.New("pdftext: PDF is encrypted and the password is missing or wrong")

	// ErrCorrupt means the data cannot be read as a PDF: an empty file, bytes
	// that are not a PDF, a damaged file PDFium cannot repair, or a document
	// that makes PDFium fail. The error's message carries PDFium's reason.
	ErrCorrupt = errors.New("pdftext: corrupt PDF")

	// ErrTimeout means a document took longer than [Options.Timeout]. The
	// error also matches [context.DeadlineExceeded].
	ErrTimeout = errors.New("pdftext: document timed out")

	// ErrClosed means [Extractor.Close] has been called.
	ErrClosed = errors.New("pdftext: extractor is closed")
)

// pdfiumWords say what PDFium's numbered error codes ("3: incorrect format")
// mean, for the reason a user reads.
var pdfiumWords = []struct {
	err   error
	words string
}{
	{pdfiumerrors.ErrFormat, "the file is damaged or not a PDF (PDFium: incorrect format)"},
	{pdfiumerrors.ErrPage, "the page cannot be loaded (PDFium: incorrect page)"},
	{pdfiumerrors.ErrFile, "PDFium cannot read the file"},
	{pdfiumerrors.ErrSecurity, "its encryption is not supported (PDFium: invalid encryption)"},
	{pdfiumerrors.ErrUnknown, "PDFium cannot open it (unknown error)"},
}

// corrupt is ErrCorrupt with err's reason, PDFium's error code in words.
func corrupt(err error) error {
	msg := err.Error()
	for _, w := range pdfiumWords {
		if errors.Is(err, w.err) {
			msg = strings.Replace(msg, w.err.Error(), w.words, 1)
			break
		}
	}
	return fmt.Errorf("%w: %s", ErrCorrupt, msg)
}

// crashed is the error of a panic or trap inside PDFium: what it said,
// without a Go stack (which tells a user nothing about the file).
func crashed(r any) error {
	return fmt.Errorf("PDFium crashed reading it: %v", r)
}
