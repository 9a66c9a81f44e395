package pipeline

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
)

// LineError is a ledger line that cannot be read. A torn last line (no
// newline: the writer was killed mid-write) is not an error and is skipped.
type LineError struct {
	Offset int64 // byte offset of the line in the ledger file
	Err    error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("pipeline: ledger: line at byte %d: %v", e.Offset, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// ReadLedger yields the latest recorded outcome of each document (by ID) in
// the ledger in dir, in the order those lines were written: what
// `quarry export` writes. It reads the file twice and keeps 24 bytes per
// document in memory. A line that cannot be parsed yields a *[LineError];
// the caller may go on. Opening or reading the file fails with a yielded error.
func ReadLedger(dir string) iter.Seq2[Outcome, error] {
	return func(yield func(Outcome, error) bool) {
		f, err := os.Open(filepath.Join(dir, LedgerFile))
		if err != nil {
			yield(Outcome{}, fmt.Errorf("pipeline: ledger: %w", err))
			return
		}
		defer f.Close()
		// Pass 1: offset of the latest line per document ID.
		latest := make(map[[16]byte]int64)
		err = scanLines(f, func(off int64, line []byte, complete bool) bool {
			if !complete {
				return false
			}
			var ll ledgerLine
			if json.Unmarshal(line, &ll) == nil && ll.Event == "" && ll.ID != "" {
				latest[idKey(ll.ID)] = off
			}
			return true
		})
		if err != nil {
			yield(Outcome{}, fmt.Errorf("pipeline: ledger: %w", err))
			return
		}
		// Pass 2: yield those lines.
		stopped := false
		err = scanLines(f, func(off int64, line []byte, complete bool) bool {
			if !complete {
				return false
			}
			var o Outcome
			if err := json.Unmarshal(line, &o); err != nil {
				var ev struct {
					Event string `json:"event"`
				}
				if json.Unmarshal(line, &ev) == nil && ev.Event != "" {
					return true
				}
				if !yield(Outcome{}, &LineError{Offset: off, Err: err}) {
					stopped = true
					return false
				}
				return true
			}
			if o.ID == "" || latest[idKey(o.ID)] != off {
				return true // an event, or superseded
			}
			if !yield(o, nil) {
				stopped = true
				return false
			}
			return true
		})
		if err != nil && !stopped {
			yield(Outcome{}, fmt.Errorf("pipeline: ledger: %w", err))
		}
	}
}

func idKey(id string) [16]byte {
	sum := sha256.Sum256([]byte(id))
	return [16]byte(sum[:16])
}

// ReadEvents yields the events recorded in the ledger in dir with
// [Ledger.AppendEvent], in order; with kinds, only events of those kinds.
func ReadEvents(dir string, kinds ...string) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		f, err := os.Open(filepath.Join(dir, LedgerFile))
		if err != nil {
			yield(Event{}, fmt.Errorf("pipeline: ledger: %w", err))
			return
		}
		defer f.Close()
		stopped := false
		err = scanLines(f, func(off int64, line []byte, complete bool) bool {
			if !complete {
				return false
			}
			var ev Event
			if err := json.Unmarshal(line, &ev); err != nil {
				if !yield(Event{}, &LineError{Offset: off, Err: err}) {
					stopped = true
					return false
				}
				return true
			}
			if ev.Kind == "" || (len(kinds) > 0 && !slices.Contains(kinds, ev.Kind)) {
				return true
			}
			if !yield(ev, nil) {
				stopped = true
				return false
			}
			return true
		})
		if err != nil && !stopped {
			yield(Event{}, fmt.Errorf("pipeline: ledger: %w", err))
		}
	}
}
