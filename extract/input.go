package extract

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// MaxFileBytes is the largest PDF or image the API accepts inline (50 MB).
const MaxFileBytes = 50 << 20

type inputKind int

const (
	kindText inputKind = iota
	kindImage
	kindPDF
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
			mime = ImageType(data)
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
		if !bytes.HasPrefix(bytes.TrimLeft(data[:min(len(data), 1024)], "\x00\t\r\n "), []byte("%PDF-")) {
			return inputPart{}, &InputError{Name: name, Err: errors.New("not a PDF file (no %PDF- header)")}
		}
		return inputPart{Type: "input_file", Filename: name, FileData: dataURL("application/pdf", data)}, nil
	}
	return inputPart{}, &InputError{Name: "?", Err: errors.New("unknown input kind")}
}

// ImageType returns the MIME type of PNG, JPEG, WebP and GIF bytes, or "".
func ImageType(data []byte) string {
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
