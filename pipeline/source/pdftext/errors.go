package pdftext

import "errors"

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
