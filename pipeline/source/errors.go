package source

import "errors"

// Conditions a [ReadError] can carry; test them with errors.Is.
var (
	// ErrEmpty: nothing to extract (an empty or whitespace-only file, an
	// empty text column, a row whose fields are all empty).
	ErrEmpty = errors.New("source: no content")
	// ErrBinary: binary bytes in a file that should hold text.
	ErrBinary = errors.New("source: binary data")
	// ErrEncoding: text that is not valid in the expected encoding.
	ErrEncoding = errors.New("source: bad text encoding")
	// ErrTooLarge: a file over Options.MaxFileSize.
	ErrTooLarge = errors.New("source: too large")
	// ErrUnsupported: a file type Quarry cannot read, named on the command line.
	ErrUnsupported = errors.New("source: unsupported file type")
	// ErrMalformed: content that does not parse (a bad CSV row or JSON line,
	// an image that is not one, a corrupt PDF, a failing template).
	ErrMalformed = errors.New("source: malformed")
	// ErrPDFPassword: an encrypted PDF and no (or a wrong) password. A
	// [PDFTextExtractor] may return an error that wraps it; see
	// Options.IsPDFPasswordError for extractors with their own sentinel.
	ErrPDFPassword = errors.New("source: PDF needs a password")
	// ErrUnreadable: the file system refused (permission denied, a file
	// removed while the run was going, a broken symlink).
	ErrUnreadable = errors.New("source: cannot read")
	// ErrDuplicateID: two inputs produced the same document ID.
	ErrDuplicateID = errors.New("source: duplicate document ID")
)

// ReadError is why one document could not be read. It is set as
// [pipeline.Document.Err]; its message is meant for the person running
// Quarry and says what to do where there is something to do.
//
//	source: tickets.csv#row=7: row 7 (line 8) has 5 fields, the header has 4
type ReadError struct {
	ID     string // the document ID
	Reason string // what is wrong, for a person
	Kind   error  // one of the Err* conditions of this package
	Err    error  // the underlying error, if any
}

func (e *ReadError) Error() string { return "source: " + e.ID + ": " + e.Reason }

// Unwrap returns Kind and Err, so errors.Is matches both.
func (e *ReadError) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}
