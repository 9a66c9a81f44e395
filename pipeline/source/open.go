package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/seed0611af48/quarry/pipeline"
)

// Open checks the inputs and options and returns the documents they hold, as
// a lazy sequence: a file is opened and read only when the loop reaches it,
// and leaving the loop early closes it and stops.
//
// Inputs are file paths, folder paths (walked recursively, in lexical order)
// and "-" for Options.Stdin. The error is for setup problems only: an input
// that does not exist, a bad glob, template or encoding name. Any problem
// with one file or row is that document's Err (a [*ReadError]), and the
// sequence goes on.
//
// The sequence stops when ctx is done. It may be ranged over more than once;
// stdin is read once and kept.
func Open(ctx context.Context, inputs []string, opts Options) (iter.Seq[pipeline.Document], error) {
	r, err := newReader(inputs, opts)
	if err != nil {
		return nil, err
	}
	return func(yield func(pipeline.Document) bool) {
		it := &iteration{reader: r, ctx: ctx, seen: map[string]string{}}
		if n := r.aheadCount(); n > 1 && it.textPDFs() {
			it.readAhead(it.files(), n, yield)
			return
		}
		for f := range it.files() {
			if ctx.Err() != nil {
				return
			}
			if !it.read(f, yield) {
				return
			}
		}
	}, nil
}

// reader holds what Open checked: the inputs and compiled options.
type reader struct {
	opts    Options
	inputs  []input
	include globs
	exclude globs
	enc     textEncoding
	tmpl    *template.Template
	max     int64 // MaxFileSize resolved; <0 means none
	log     *slog.Logger
	stdin   *stdinData
}

// input is one command-line input.
type input struct {
	arg   string // as given
	path  string // cleaned OS path
	dir   bool
	stdin bool
}

func newReader(args []string, opts Options) (*reader, error) {
	r := &reader{opts: opts, max: opts.MaxFileSize, log: opts.Logger}
	if r.max == 0 {
		r.max = DefaultMaxFileSize
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if len(args) == 0 {
		return nil, errors.New("source: no inputs")
	}
	var err error
	if r.include, err = compileGlobs(opts.Include); err != nil {
		return nil, err
	}
	if r.exclude, err = compileGlobs(opts.Exclude); err != nil {
		return nil, err
	}
	if r.enc, err = lookupEncoding(opts.Encoding); err != nil {
		return nil, err
	}
	if opts.TextColumn != "" && opts.Template != "" {
		return nil, errors.New("source: set a text column or a template, not both")
	}
	if opts.Template != "" {
		r.tmpl, err = template.New("row").Option("missingkey=error").Parse(opts.Template)
		if err != nil {
			return nil, fmt.Errorf("source: template: %w", err)
		}
	}
	if opts.PDF != PDFText && opts.PDF != PDFFile {
		return nil, fmt.Errorf("source: unknown %v", opts.PDF)
	}
	seen := map[string]bool{}
	for _, arg := range args {
		if arg == "-" {
			if r.stdin != nil {
				return nil, errors.New(`source: stdin ("-") given more than once`)
			}
			r.stdin = &stdinData{}
			r.inputs = append(r.inputs, input{arg: arg, stdin: true})
			continue
		}
		p := filepath.Clean(arg)
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("source: input %q does not exist: %w", arg, err)
		}
		if err != nil {
			return nil, fmt.Errorf("source: input %q: %w", arg, err)
		}
		if !fi.IsDir() && !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("source: input %q is not a file or folder", arg)
		}
		if abs, err := filepath.Abs(p); err == nil {
			if seen[abs] {
				continue
			}
			seen[abs] = true
		}
		r.inputs = append(r.inputs, input{arg: arg, path: p, dir: fi.IsDir()})
	}
	return r, nil
}

// iteration is the state of one pass over the sequence.
type iteration struct {
	*reader
	ctx  context.Context
	seen map[string]string // file ID → source, to catch two inputs giving one ID

	ahead *pdfRead // the PDF read ahead for the file being read, if any
}

// file is one file to read, or a problem found while walking.
type file struct {
	id       string // document ID: the path relative to its input root
	path     string // OS path; "-" for stdin
	ext      string // lower-case extension, with the dot
	explicit bool   // named as an input, not found in a folder
	err      *pipeline.Document
}

// files walks the inputs.
func (it *iteration) files() iter.Seq[file] {
	return func(yield func(file) bool) {
		visited := map[string]bool{}
		// Overlapping inputs (a folder and a file or subfolder inside it)
		// must not read a file twice: that would pay for it twice.
		seenFiles := map[string]bool{}
		once := func(f file) bool {
			if f.err == nil {
				if real, err := filepath.EvalSymlinks(f.path); err == nil {
					if seenFiles[real] {
						it.log.Debug("source: file already read through another input", "path", f.path)
						return true
					}
					seenFiles[real] = true
				}
			}
			return yield(f)
		}
		for _, in := range it.inputs {
			switch {
			case in.stdin:
				if !yield(file{id: "-", path: "-", explicit: true}) {
					return
				}
			case in.dir:
				if real, err := filepath.EvalSymlinks(in.path); err == nil {
					if visited[real] {
						it.log.Debug("source: folder already walked", "path", in.path)
						continue
					}
					visited[real] = true
				}
				if !it.walk(in.path, "", visited, once) {
					return
				}
			default:
				name := filepath.Base(in.path)
				if !once(file{id: name, path: in.path, ext: ext(name), explicit: true}) {
					return
				}
			}
		}
	}
}

// walk yields the files under dir (rel is dir relative to the root, "" for
// the root), in lexical order, skipping hidden names. Each real folder is
// entered once, so symlink loops end.
func (it *iteration) walk(dir, rel string, visited map[string]bool, yield func(file) bool) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		id := rel
		if id == "" {
			id = filepath.Base(dir)
		}
		d := failed(id, dir, 0, ErrUnreadable, err, "cannot read folder: %v", unwrapPath(err))
		return yield(file{id: id, path: dir, err: &d})
	}
	for _, e := range entries {
		if it.ctx.Err() != nil {
			return false
		}
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(dir, name)
		r := path.Join(rel, name)
		typ := e.Type()
		if typ&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			if err != nil {
				if kindOf(ext(name)) != nil && it.selected(r) {
					d := failed(r, p, 0, ErrUnreadable, err, "broken link: %v", unwrapPath(err))
					if !yield(file{id: r, path: p, err: &d}) {
						return false
					}
				}
				continue
			}
			typ = fi.Mode().Type()
		}
		switch {
		case typ.IsDir():
			if it.exclude.any(r) {
				it.log.Debug("source: folder excluded", "path", p)
				continue
			}
			real, err := filepath.EvalSymlinks(p)
			if err != nil || visited[real] {
				it.log.Debug("source: folder already walked", "path", p)
				continue
			}
			visited[real] = true
			if !it.walk(p, r, visited, yield) {
				return false
			}
		case typ.IsRegular():
			if !it.selected(r) {
				continue
			}
			x := ext(name)
			if kindOf(x) == nil {
				it.log.Debug("source: unsupported file type skipped", "path", p)
				continue
			}
			if !yield(file{id: r, path: p, ext: x}) {
				return false
			}
		}
	}
	return true
}

func (r *reader) selected(rel string) bool {
	return (len(r.include) == 0 || r.include.any(rel)) && !r.exclude.any(rel)
}

func ext(name string) string { return strings.ToLower(path.Ext(name)) }

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// read yields the documents of one file; false means stop.
func (it *iteration) read(f file, yield func(pipeline.Document) bool) bool {
	if f.err != nil {
		return yield(*f.err)
	}
	if f.path == "-" {
		return it.readStdin(f, yield)
	}
	if prev, dup := it.seen[f.id]; dup {
		id := f.id + "#dup=" + filepath.ToSlash(f.path) // unlike the first, so both outcomes are kept
		return yield(failed(id, f.path, 0, ErrDuplicateID, nil,
			"two inputs give the document ID %q (%s and %s); name their common parent folder instead", f.id, prev, f.path))
	}
	it.seen[f.id] = f.path
	k := kindOf(f.ext)
	if k == nil {
		if f.ext == "" {
			return it.readSniffed(f, yield)
		}
		return yield(failed(f.id, f.path, 0, ErrUnsupported, nil,
			"unsupported file type %q; Quarry reads %s", f.ext, strings.Join(supported, " ")))
	}
	return k(it, f, yield)
}

// readFunc reads the documents of one file of a kind; false means stop.
type readFunc func(it *iteration, f file, yield func(pipeline.Document) bool) bool

var supported = []string{".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".ndjson", ".csv", ".tsv", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".pdf"}

func kindOf(ext string) readFunc {
	switch ext {
	case ".txt", ".text", ".md", ".markdown":
		return (*iteration).readText
	case ".html", ".htm":
		return (*iteration).readHTML
	case ".json":
		return (*iteration).readJSON
	case ".jsonl", ".ndjson":
		return (*iteration).readJSONL
	case ".csv":
		return (*iteration).readCSV
	case ".tsv", ".tab":
		return (*iteration).readCSV
	case ".png", ".jpg", ".jpeg", ".webp", ".gif":
		return (*iteration).readImage
	case ".pdf":
		return (*iteration).readPDF
	}
	return nil
}

// open opens a file for streaming; stdin's bytes are served from memory.
func (it *iteration) open(f file) (io.ReadSeekCloser, *pipeline.Document) {
	if f.path == "-" {
		return nopCloser{it.stdin.reader()}, nil
	}
	fh, err := os.Open(f.path)
	if err != nil {
		d := failed(f.id, f.path, 0, ErrUnreadable, err, "cannot open: %v", unwrapPath(err))
		return nil, &d
	}
	return fh, nil
}

type nopCloser struct{ io.ReadSeeker }

func (nopCloser) Close() error { return nil }

// readAll reads a whole file, within the size limit.
func (it *iteration) readAll(f file) ([]byte, *pipeline.Document) {
	if f.path == "-" {
		return it.stdin.data, nil
	}
	fh, err := os.Open(f.path)
	if err != nil {
		d := failed(f.id, f.path, 0, ErrUnreadable, err, "cannot open: %v", unwrapPath(err))
		return nil, &d
	}
	defer fh.Close()
	if fi, err := fh.Stat(); err == nil && it.max >= 0 && fi.Size() > it.max {
		d := failed(f.id, f.path, 0, ErrTooLarge, nil, "file is %s, over the %s limit", size(fi.Size()), size(it.max))
		return nil, &d
	}
	var rd io.Reader = fh
	if it.max >= 0 {
		rd = io.LimitReader(fh, it.max+1)
	}
	data, err := io.ReadAll(rd)
	if err != nil {
		d := failed(f.id, f.path, 0, ErrUnreadable, err, "cannot read: %v", unwrapPath(err))
		return nil, &d
	}
	if it.max >= 0 && int64(len(data)) > it.max {
		d := failed(f.id, f.path, 0, ErrTooLarge, nil, "file is over the %s limit", size(it.max))
		return nil, &d
	}
	return data, nil
}

// size formats a byte count for messages: "50 MB", "2.5 KB", "900 bytes".
func size(n int64) string {
	unit, div := "bytes", 1.0
	switch {
	case n >= 1<<20:
		unit, div = "MB", 1<<20
	case n >= 1<<10:
		unit, div = "KB", 1<<10
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/div), ".0") + " " + unit
}

func failed(id, source string, row int, kind, cause error, format string, args ...any) pipeline.Document {
	return pipeline.Document{ID: id, Source: source, Row: row, Err: &ReadError{
		ID: id, Reason: fmt.Sprintf(format, args...), Kind: kind, Err: cause,
	}}
}

func textDoc(id, source string, row int, text string) pipeline.Document {
	return pipeline.Document{ID: id, Source: source, Row: row, Parts: []pipeline.Part{{Kind: pipeline.PartText, Text: text}}}
}
