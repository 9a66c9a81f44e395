package pipeline

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// PartKind says what a content part holds.
type PartKind string

const (
	PartText  PartKind = "text"  // Text holds UTF-8 text.
	PartImage PartKind = "image" // Data holds PNG, JPEG, WebP or GIF bytes.
	PartPDF   PartKind = "pdf"   // Data holds a PDF file, sent to the model as a file.
)

// Part is one piece of a document's content.
type Part struct {
	Kind     PartKind `json:"kind"`
	Text     string   `json:"text,omitempty"`
	Data     []byte   `json:"-"`
	MIMEType string   `json:"mime_type,omitempty"`
	Filename string   `json:"filename,omitempty"`
}

// Column is one original column of a CSV row, kept beside the extracted fields.
type Column struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Document is one unit of work: what one extraction call sees.
//
// A source that cannot read a document still yields it, with Err set, so the
// failure is recorded as that document's outcome and nothing is lost.
type Document struct {
	// ID is stable across runs: the source path, plus "#row=N" or "#page=N"
	// where one file yields several documents.
	ID string
	// Source is the file the document came from ("-" for stdin).
	Source string
	// Row is the 1-based data row in a CSV/TSV/JSONL file, 0 otherwise.
	Row int
	// Page is the 1-based page for documents split by page, 0 otherwise.
	Page int
	// Parts is the content, in order.
	Parts []Part
	// Columns holds a CSV row's original columns, in file order.
	Columns []Column
	// Meta carries notes a user should see ("pdf": "no text layer, sent as file").
	Meta map[string]string
	// Err is a problem reading this document; when set, the document is not
	// extracted and its outcome is StatusError with Err's message.
	Err error
}

// Hash returns a hex SHA-256 over the document's parts: the content hash
// the ledger uses to notice a changed document.
func (d *Document) Hash() string {
	h := sha256.New()
	var n [8]byte
	for _, p := range d.Parts {
		for _, s := range []string{string(p.Kind), p.MIMEType, p.Filename} {
			binary.BigEndian.PutUint64(n[:], uint64(len(s)))
			h.Write(n[:])
			h.Write([]byte(s))
		}
		binary.BigEndian.PutUint64(n[:], uint64(len(p.Text)))
		h.Write(n[:])
		h.Write([]byte(p.Text))
		binary.BigEndian.PutUint64(n[:], uint64(len(p.Data)))
		h.Write(n[:])
		h.Write(p.Data)
	}
	if d.Err != nil {
		h.Write([]byte("err:" + d.Err.Error()))
	}
	return hex.EncodeToString(h.Sum(nil))
}
