package sink

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/seed0611af48/quarry/pipeline"
)

// spool keeps the main table's rows in a temporary file until Close. The
// header can only be written then: the names of the source rows' original
// columns are known only once every outcome has been seen (outcomes arrive
// in completion order, and sources differ). Memory stays flat.
//
// A row is: uvarint cell count, per cell a kind byte and a length-prefixed
// text; uvarint column count, per column a length-prefixed name and value.
type spool struct {
	f     *os.File
	w     *bufio.Writer
	gone  bool           // the file was unlinked once open (Unix): nothing to remove
	names []string       // original column names, first seen first
	index map[string]int // name → position in names
	buf   []byte
	rows  int
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "quarry-sink-*.spool")
	if err != nil {
		return nil, fmt.Errorf("sink: spool: %w", err)
	}
	// Unlinked at once where the system allows it (not Windows), so a run
	// killed (kill -9) leaves no spool file beside the user's outputs.
	gone := os.Remove(f.Name()) == nil
	return &spool{f: f, gone: gone, w: bufio.NewWriterSize(f, 64<<10), index: map[string]int{}}, nil
}

// add stores one row. cols are the source row's original columns; a name
// repeated within one row gets "_2", "_3"... as in the header.
func (s *spool) add(cells []cell, cols []pipeline.Column) error {
	b := s.buf[:0]
	b = binary.AppendUvarint(b, uint64(len(cells)))
	for _, c := range cells {
		b = append(b, byte(c.kind))
		b = appendString(b, c.text)
	}
	b = binary.AppendUvarint(b, uint64(len(cols)))
	if len(cols) > 0 {
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.Name
		}
		names = uniqueNames(names)
		for i, c := range cols {
			if _, ok := s.index[names[i]]; !ok {
				s.index[names[i]] = len(s.names)
				s.names = append(s.names, names[i])
			}
			b = appendString(b, names[i])
			b = appendString(b, c.Value)
		}
	}
	s.buf = b
	s.rows++
	if _, err := s.w.Write(b); err != nil {
		return fmt.Errorf("sink: spool: %w", err)
	}
	return nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// replay calls fn for every stored row, in order, with the cells followed by
// one cell per name in s.names (empty where the row has no such column).
// The slice passed to fn is reused.
func (s *spool) replay(fn func([]cell) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("sink: spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("sink: spool: %w", err)
	}
	r := bufio.NewReaderSize(s.f, 64<<10)
	var row []cell
	for range s.rows {
		row = row[:0]
		n, err := binary.ReadUvarint(r)
		if err != nil {
			return s.corrupt(err)
		}
		for range n {
			k, err := r.ReadByte()
			if err != nil {
				return s.corrupt(err)
			}
			t, err := readString(r)
			if err != nil {
				return s.corrupt(err)
			}
			row = append(row, cell{cellKind(k), t})
		}
		fixed := len(row)
		for range s.names {
			row = append(row, cell{})
		}
		m, err := binary.ReadUvarint(r)
		if err != nil {
			return s.corrupt(err)
		}
		for range m {
			name, err := readString(r)
			if err != nil {
				return s.corrupt(err)
			}
			val, err := readString(r)
			if err != nil {
				return s.corrupt(err)
			}
			row[fixed+s.index[name]] = stringCell(val)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}

func (s *spool) corrupt(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("sink: spool: reading back: %w", err)
}

func readString(r *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return "", err
	}
	if n > 1<<31 {
		return "", errors.New("length out of range")
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", err
	}
	return string(b), nil
}

// Close removes the temporary file.
func (s *spool) Close() error {
	if s == nil || s.f == nil {
		return nil
	}
	err := s.f.Close()
	if !s.gone {
		if rerr := os.Remove(s.f.Name()); err == nil {
			err = rerr
		}
	}
	s.f = nil
	return err
}
