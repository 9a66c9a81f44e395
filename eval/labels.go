package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/seed0611af48/quarry/pipeline"
)

// Labels are the expected answers, by document ID.
type Labels interface {
	// Expected returns the expected answer of the document with this ID, and
	// false when it has none.
	Expected(id string) (json.RawMessage, bool, error)
	// Len counts the labelled documents.
	Len() int
}

// ErrLabels is wrapped by errors about labels that cannot be read.
var ErrLabels = errors.New("eval: labels")

// LabelError is an expected answer that cannot be read: where it is and why.
type LabelError struct {
	Path string // the file
	Line int    // 1-based line of a JSONL file, 0 otherwise
	ID   string // the document ID, when known
	Err  error
}

func (e *LabelError) Error() string {
	loc := e.Path
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	if e.ID != "" {
		loc += " (" + e.ID + ")"
	}
	return "eval: labels: " + loc + ": " + e.Err.Error()
}

func (e *LabelError) Unwrap() error { return e.Err }

func (e *LabelError) Is(target error) bool { return target == ErrLabels }

// OpenLabels opens expected answers in any of the shapes Quarry reads: a
// folder of JSON files beside the documents ([Folder]), a JSONL file of
// {"id", "expected"} lines ([ReadJSONL]), or a reviewed run dir
// ([ReviewedRun], recognised by its ledger).
func OpenLabels(p string) (Labels, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLabels, err)
	}
	if !st.IsDir() {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrLabels, err)
		}
		defer f.Close()
		return ReadJSONL(f, p)
	}
	if _, err := os.Stat(filepath.Join(p, pipeline.LedgerFile)); err == nil {
		return ReviewedRun(p)
	}
	return Folder(p)
}

// FolderLabels are expected answers in a folder tree that mirrors the
// documents' IDs (see [Folder]).
type FolderLabels struct {
	dir string
	n   int
}

// Folder reads expected answers laid out beside the documents, as
// testdata/expected mirrors testdata/samples: the document with ID
// "invoices/acme.pdf" (its path below the folder given to quarry run)
// has its answer in DIR/invoices/acme.json; a CSV or JSONL row
// "tickets.csv#row=3" in DIR/tickets/row-3.json; a PDF page
// "big.pdf#page=2" (--split-pages) in DIR/big/page-2.json. Files are read
// when asked for.
func Folder(dir string) (*FolderLabels, error) {
	l := &FolderLabels{dir: dir}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".json") {
			l.n++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrLabels, err)
	}
	if l.n == 0 {
		return nil, fmt.Errorf("%w: no .json files under %s", ErrLabels, dir)
	}
	return l, nil
}

// Len counts the .json files of the folder.
func (l *FolderLabels) Len() int { return l.n }

// Path is where the answer of the document with this ID is expected.
func (l *FolderLabels) Path(id string) string {
	base, frag, _ := strings.Cut(id, "#")
	stem := strings.TrimSuffix(base, path.Ext(base))
	rel := stem + ".json"
	if k, v, ok := strings.Cut(frag, "="); ok && (k == "row" || k == "page") {
		rel = stem + "/" + k + "-" + v + ".json"
	}
	return filepath.Join(l.dir, filepath.FromSlash(rel))
}

// Expected reads the answer file of a document.
func (l *FolderLabels) Expected(id string) (json.RawMessage, bool, error) {
	if path.IsAbs(id) || slices.Contains(strings.Split(id, "/"), "..") {
		return nil, false, nil // never outside the folder
	}
	p := l.Path(id)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, &LabelError{Path: p, ID: id, Err: err}
	}
	b = bytes.TrimSpace(b)
	if err := checkJSON(b); err != nil {
		return nil, false, &LabelError{Path: p, ID: id, Err: err}
	}
	return b, true, nil
}

// checkJSON accepts exactly one JSON value.
func checkJSON(b []byte) error {
	if !json.Valid(b) {
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		return errors.New("not one JSON value")
	}
	return nil
}

// MapLabels are expected answers held in memory, by document ID: handy in
// tests.
type MapLabels map[string]json.RawMessage

// Expected returns m[id].
func (m MapLabels) Expected(id string) (json.RawMessage, bool, error) {
	v, ok := m[id]
	return v, ok, nil
}

// Len is len(m).
func (m MapLabels) Len() int { return len(m) }

// maxLabelLine bounds one JSONL line (64 MiB).
const maxLabelLine = 64 << 20

// ReadJSONL reads expected answers from JSON lines, one document a line:
//
//	{"id": "invoices/acme.pdf", "expected": {"vendor": "Acme", "total": 129.15}}
//
// Blank lines are skipped. A line that is not such an object, an empty
// id, a missing "expected", an unknown key or an ID given twice is a
// *[LabelError] with the line number; name is the file name used in errors.
func ReadJSONL(r io.Reader, name string) (MapLabels, error) {
	m := MapLabels{}
	br := bufio.NewReaderSize(r, 64<<10)
	line := 0
	for {
		b, err := readLine(br)
		if len(b) > 0 || err == nil {
			line++
		}
		if len(bytes.TrimSpace(b)) > 0 {
			id, exp, perr := parseLabelLine(b)
			if perr != nil {
				return nil, &LabelError{Path: name, Line: line, ID: id, Err: perr}
			}
			if _, dup := m[id]; dup {
				return nil, &LabelError{Path: name, Line: line, ID: id, Err: errors.New("the ID appears twice")}
			}
			m[id] = exp
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &LabelError{Path: name, Line: line + 1, Err: err}
		}
	}
	if len(m) == 0 {
		return nil, &LabelError{Path: name, Err: errors.New("no labelled documents")}
	}
	return m, nil
}

// readLine reads one line without its end, up to maxLabelLine bytes.
func readLine(br *bufio.Reader) ([]byte, error) {
	var out []byte
	for {
		chunk, err := br.ReadSlice('\n')
		out = append(out, chunk...)
		if len(out) > maxLabelLine {
			return nil, fmt.Errorf("line longer than %d bytes", maxLabelLine)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		out = bytes.TrimRight(out, "\r\n")
		return out, err
	}
}

// parseLabelLine reads {"id": ..., "expected": ...}, strictly.
func parseLabelLine(b []byte) (id string, exp json.RawMessage, err error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var line struct {
		ID       *string         `json:"id"`
		Expected json.RawMessage `json:"expected"`
	}
	dec.DisallowUnknownFields()
	if err := dec.Decode(&line); err != nil {
		return "", nil, fmt.Errorf(`want {"id": "...", "expected": {...}}: %w`, err)
	}
	if dec.More() {
		return "", nil, errors.New("more than one JSON value on the line")
	}
	if line.ID == nil || *line.ID == "" {
		return "", nil, errors.New(`"id" is missing or empty`)
	}
	if line.Expected == nil {
		return *line.ID, nil, errors.New(`"expected" is missing`)
	}
	return *line.ID, bytes.Clone(line.Expected), nil
}

// ReviewedRun takes a run that a person has checked as the truth: the
// latest outcome of each document whose status is ok is its expected answer
// (outcomes that failed are not labels). A file expected.jsonl in the run
// dir, in [ReadJSONL]'s form, holds corrections: its answers replace the
// run's, and label documents the run failed on.
func ReviewedRun(dir string) (MapLabels, error) {
	m := MapLabels{}
	for o, err := range pipeline.ReadLedger(dir) {
		if err != nil {
			var le *pipeline.LineError
			if errors.As(err, &le) {
				continue
			}
			return nil, fmt.Errorf("%w: %w", ErrLabels, err)
		}
		if o.Status == pipeline.StatusOK && len(o.Value) > 0 {
			m[o.ID] = o.Value
		}
	}
	p := filepath.Join(dir, "expected.jsonl")
	if f, err := os.Open(p); err == nil {
		fixes, err := ReadJSONL(f, p)
		f.Close()
		if err != nil {
			return nil, err
		}
		for id, v := range fixes {
			m[id] = v
		}
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%w: run %s has no ok outcome to take as expected", ErrLabels, dir)
	}
	return m, nil
}
