package source

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/seed0611af48/quarry/pipeline"
)

// stdinData is stdin, read once on first use.
type stdinData struct {
	once     sync.Once
	data     []byte
	err      error
	tooLarge bool
}

func (s *stdinData) reader() io.ReadSeeker { return bytes.NewReader(s.data) }

func (it *iteration) readStdin(f file, yield func(pipeline.Document) bool) bool {
	s := it.stdin
	s.once.Do(func() {
		var rd io.Reader = os.Stdin
		if it.opts.Stdin != nil {
			rd = it.opts.Stdin
		}
		if it.max >= 0 {
			rd = io.LimitReader(rd, it.max+1)
		}
		s.data, s.err = io.ReadAll(rd)
		if it.max >= 0 && int64(len(s.data)) > it.max {
			s.data, s.tooLarge = nil, true
		}
	})
	name := it.opts.StdinName
	if name != "" {
		f.id = name
	}
	switch {
	case s.err != nil:
		return yield(failed(f.id, f.path, 0, ErrUnreadable, s.err, "cannot read stdin: %v", s.err))
	case s.tooLarge:
		return yield(failed(f.id, f.path, 0, ErrTooLarge, nil, "stdin is over the %s limit", size(it.max)))
	}
	f.ext = ext(name)
	if f.ext == "" {
		f.ext = sniffExt(s.data)
	}
	k := kindOf(f.ext)
	if k == nil {
		return yield(failed(f.id, f.path, 0, ErrUnsupported, nil,
			"unsupported file type %q in --stdin-name; Quarry reads %s", f.ext, strings.Join(supported, " ")))
	}
	return k(it, f, yield)
}

// readSniffed reads a file without an extension, named as an input: its
// first bytes pick the format.
func (it *iteration) readSniffed(f file, yield func(pipeline.Document) bool) bool {
	fh, err := os.Open(f.path)
	if err != nil {
		return yield(failed(f.id, f.path, 0, ErrUnreadable, err, "cannot open: %v", unwrapPath(err)))
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(fh, head)
	fh.Close()
	f.ext = sniffExt(head[:n])
	return kindOf(f.ext)(it, f, yield)
}

// sniffExt names the format of content without a file name: PDF, an image,
// or else text.
func sniffExt(data []byte) string {
	if isPDF(data) {
		return ".pdf"
	}
	switch imageType(data) {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	return ".txt"
}

// imageType returns the MIME type of image bytes the model accepts, or "".
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

// filename is the name a file part carries.
func (it *iteration) filename(f file) string {
	if f.path == "-" {
		if it.opts.StdinName != "" {
			return filepath.Base(it.opts.StdinName)
		}
		return "stdin" + f.ext
	}
	return filepath.Base(f.path)
}
