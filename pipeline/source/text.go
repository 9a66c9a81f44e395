package source

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/seed0611af48/quarry/pipeline"
)

// readText reads a .txt or .md file: one document of text.
func (it *iteration) readText(f file, yield func(pipeline.Document) bool) bool {
	data, bad := it.readAll(f)
	if bad != nil {
		return yield(*bad)
	}
	s, d := it.decodeWhole(f, data)
	if d != nil {
		return yield(*d)
	}
	return yield(textDoc(f.id, f.path, 0, s))
}

// decodeWhole decodes a whole text file and rejects an empty one.
func (it *iteration) decodeWhole(f file, data []byte) (string, *pipeline.Document) {
	if len(data) == 0 {
		d := failed(f.id, f.path, 0, ErrEmpty, nil, "empty file")
		return "", &d
	}
	s, p := decodeText(data, it.enc)
	if p != nil {
		d := failed(f.id, f.path, 0, p.kind, nil, "%s", p.reason(kindName(f)))
		return "", &d
	}
	if strings.TrimSpace(s) == "" {
		d := failed(f.id, f.path, 0, ErrEmpty, nil, "empty file (only whitespace)")
		return "", &d
	}
	return s, nil
}

// kindName is how messages name a file's type: "a .txt file".
func kindName(f file) string {
	if f.ext == "" {
		return "file"
	}
	return f.ext + " file"
}

// readJSON reads a .json file: one document holding the JSON text.
func (it *iteration) readJSON(f file, yield func(pipeline.Document) bool) bool {
	data, bad := it.readAll(f)
	if bad != nil {
		return yield(*bad)
	}
	s, d := it.decodeWhole(f, data)
	if d != nil {
		return yield(*d)
	}
	if err := checkJSON([]byte(s)); err != nil {
		return yield(failed(f.id, f.path, 0, ErrMalformed, err, "invalid JSON: %s", jsonReason(s, err, false)))
	}
	return yield(textDoc(f.id, f.path, 0, s))
}

func checkJSON(b []byte) error {
	var v json.RawMessage
	return json.Unmarshal(b, &v)
}

// jsonReason adds where a JSON syntax error is: the line and column, or
// only the column for one line of JSONL.
func jsonReason(s string, err error, oneLine bool) string {
	se, ok := err.(*json.SyntaxError)
	if !ok || se.Offset <= 0 || se.Offset > int64(len(s)) {
		return err.Error()
	}
	before := s[:se.Offset-1]
	line := strings.Count(before, "\n") + 1
	col := len(before) - strings.LastIndexByte(before, '\n')
	if oneLine {
		return fmt.Sprintf("%s (column %d)", se.Error(), col)
	}
	return fmt.Sprintf("%s (line %d, column %d)", se.Error(), line, col)
}
