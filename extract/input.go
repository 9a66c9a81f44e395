package extract

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// MaxFileBytes is the largest PDF or image the API accepts inline (50 MB).
const MaxFileBytes = 50 << 20

type inputKind int

const (
	kindText inputKind = iota
	kindImage
	kindPDF
	kindFileRef  // input_file by file_id or file_url
	kindImageRef // input_image by file_id or URL
	kindExample
)

// Input is one part of the document an extraction reads: text, an image or a
// PDF. Several inputs in one call form one document, sent as one user message.
type Input struct {
	kind     inputKind
	text     string
	data     []byte
	mime     string
	filename string
	path     string // read lazily, at call time
	detail   string
	fileID   string  // kindFileRef, kindImageRef
	url      string  // kindFileRef, kindImageRef
	want     any     // kindExample: the expected value
	example  []Input // kindExample: the example document
}

// Text is document text.
func Text(s string) Input { return Input{kind: kindText, text: s} }

// Image is an image's bytes (PNG, JPEG, WebP or GIF), sent as an input_image
// data URL. The type is detected from the bytes.
func Image(data []byte) Input { return Input{kind: kindImage, data: data} }

// ImageFile is an image read from path when the call is made.
func ImageFile(path string) Input { return Input{kind: kindImage, path: path} }

// PDF is a PDF file's bytes, sent as an input_file so the model reads the
// pages itself (text and images). filename is shown to the model.
func PDF(data []byte, filename string) Input {
	return Input{kind: kindPDF, data: data, filename: filename}
}

// PDFFile is a PDF read from path when the call is made.
func PDFFile(path string) Input { return Input{kind: kindPDF, path: path} }

// FileID is a file uploaded to the Files API (purpose "user_data"), sent
// as an input_file by its id: the file itself is not sent again.
func FileID(id string) Input { return Input{kind: kindFileRef, fileID: id} }

// FileURL is a file the server fetches from an http or https URL, sent as
// an input_file with file_url.
func FileURL(url string) Input { return Input{kind: kindFileRef, url: url} }

// ImageURL is an image the server fetches from an http or https URL, sent
// as an input_image with image_url.
func ImageURL(url string) Input { return Input{kind: kindImageRef, url: url} }

// ImageFileID is an image uploaded to the Files API, sent as an
// input_image by its id.
func ImageFileID(id string) Input { return Input{kind: kindImageRef, fileID: id} }

// Example is a worked example for the call: a document (one or more
// inputs) and the value expected from it, a value of the call's type (or
// its JSON as a json.RawMessage). Examples are sent before the document,
// each as a user message and the answer as the assistant's, so that a hard
// layout is read the way the example shows. The expected value is checked
// against the schema and validated when the call is built: a wrong one is
// an *ExampleError before any request. A store-mode re-ask does not send
// the examples again (the server has them).
func Example(want any, document ...Input) Input {
	return Input{kind: kindExample, want: want, example: document}
}

// WithMIMEType sets an image's MIME type ("image/png", ...) when the caller
// already knows it; else it is detected from the bytes.
func (in Input) WithMIMEType(mime string) Input { in.mime = mime; return in }

// WithDetail sets the image detail level ("low", "high" or "auto", the default).
func (in Input) WithDetail(detail string) Input { in.detail = detail; return in }

// inputPart is one content part of the user message, in wire form.
type inputPart struct {
	Type     string `json:"type"`
	Text     string `json:"text,omitempty"`
	ImageURL string `json:"image_url,omitempty"`
	Detail   string `json:"detail,omitempty"`
	FileData string `json:"file_data,omitempty"`
	FileID   string `json:"file_id,omitempty"`
	FileURL  string `json:"file_url,omitempty"`
	Filename string `json:"filename,omitempty"`
}

// wire turns the input into its content part, reading files named by path.
func (in Input) wire() (inputPart, error) {
	data, name := in.data, in.filename
	if in.path != "" {
		b, err := os.ReadFile(in.path)
		if err != nil {
			return inputPart{}, &InputError{Name: in.path, Err: err}
		}
		data = b
		if name == "" {
			name = filepath.Base(in.path)
		}
	}
	switch in.kind {
	case kindFileRef, kindImageRef:
		return in.reference()
	case kindExample:
		return inputPart{}, &InputError{Name: "example", Err: errors.New("an example cannot be part of another example")}
	case kindText:
		return inputPart{Type: "input_text", Text: in.text}, nil
	case kindImage:
		label := name
		if label == "" {
			label = "image"
		}
		if len(data) == 0 {
			return inputPart{}, &InputError{Name: label, Err: errors.New("empty image")}
		}
		if len(data) > MaxFileBytes {
			return inputPart{}, &InputError{Name: label, Err: fmt.Errorf("image is %d MB, over the 50 MB limit", len(data)>>20)}
		}
		mime := in.mime
		if mime == "" {
			mime = imageType(data)
		}
		if mime == "" {
			return inputPart{}, &InputError{Name: label, Err: errors.New("not a PNG, JPEG, WebP or GIF image")}
		}
		detail := in.detail
		if detail == "" {
			detail = "auto"
		}
		return inputPart{Type: "input_image", ImageURL: dataURL(mime, data), Detail: detail}, nil
	case kindPDF:
		if name == "" {
			name = "document.pdf"
		}
		if len(data) == 0 {
			return inputPart{}, &InputError{Name: name, Err: errors.New("empty PDF")}
		}
		if len(data) > MaxFileBytes {
			return inputPart{}, &InputError{Name: name, Err: fmt.Errorf("PDF is %d MB, over the 50 MB limit for files sent inline", len(data)>>20)}
		}
		// PDF readers look for the header in the first 1024 bytes, as
		// pipeline/source does before it sends a PDF as a file.
		if !bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")) {
			return inputPart{}, &InputError{Name: name, Err: errors.New("not a PDF file (no %PDF- header)")}
		}
		return inputPart{Type: "input_file", Filename: name, FileData: dataURL("application/pdf", data)}, nil
	}
	return inputPart{}, &InputError{Name: "?", Err: errors.New("unknown input kind")}
}

// reference checks a file or image given by id or URL.
func (in Input) reference() (inputPart, error) {
	kind := "input_file"
	if in.kind == kindImageRef {
		kind = "input_image"
	}
	if in.url != "" {
		u, err := url.Parse(in.url)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return inputPart{}, &InputError{Name: in.url, Err: errors.New("not an http or https URL")}
		}
		if kind == "input_image" {
			return inputPart{Type: kind, ImageURL: in.url, Detail: in.detailOrAuto()}, nil
		}
		return inputPart{Type: kind, FileURL: in.url}, nil
	}
	if in.fileID == "" || strings.ContainsAny(in.fileID, " \t\r\n/") {
		return inputPart{}, &InputError{Name: "file " + strconv.Quote(in.fileID), Err: errors.New("not a Files API file id")}
	}
	if kind == "input_image" {
		return inputPart{Type: kind, FileID: in.fileID, Detail: in.detailOrAuto()}, nil
	}
	return inputPart{Type: kind, FileID: in.fileID}, nil
}

func (in Input) detailOrAuto() string {
	if in.detail == "" {
		return "auto"
	}
	return in.detail
}

// imageType returns the MIME type of PNG, JPEG, WebP and GIF bytes, or "".
func imageType(data []byte) string {
	if len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP" {
		return "image/webp"
	}
	switch t := http.DetectContentType(data); t {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return t
	}
	return ""
}

func dataURL(mime string, data []byte) string {
	var b strings.Builder
	b.Grow(len("data:;base64,") + len(mime) + base64.StdEncoding.EncodedLen(len(data)))
	b.WriteString("data:")
	b.WriteString(mime)
	b.WriteString(";base64,")
	b.WriteString(base64.StdEncoding.EncodeToString(data))
	return b.String()
}
