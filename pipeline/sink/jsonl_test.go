package sink

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestJSONLGolden(t *testing.T) {
	var buf bytes.Buffer
	s := NewJSONL(&buf, Options{Simulated: true})
	writeAll(t, s, outcomes(), runInfo())
	for i, line := range bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n")) {
		if !json.Valid(line) {
			t.Errorf("line %d is not valid JSON: %s", i+1, line)
		}
	}
	golden(t, "outcomes.jsonl", buf.Bytes())
}

func TestJSONLClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.ndjson")
	s, err := Open(path, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, s, outcomes()[:1], nil)
	if err := s.Close(nil); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if err := s.Write(outcomes()[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close = %v, want ErrClosed", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte("\n")); n != 1 {
		t.Errorf("file has %d lines, want 1", n)
	}
	if bytes.Contains(b, []byte("simulated")) {
		t.Errorf("simulated written without Options.Simulated: %s", b)
	}
}
