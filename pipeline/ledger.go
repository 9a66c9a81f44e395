package pipeline

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// File names inside a ledger directory.
const (
	LedgerFile  = "ledger.jsonl"
	RunInfoFile = "run.json"
)

// When the ledger fsyncs: after this many unsynced lines, or this long after
// the first unsynced line, and on Sync and Close.
const (
	ledgerSyncEvery = 256
	ledgerSyncAfter = 200 * time.Millisecond
)

// ErrLedgerClosed is returned by writes to a closed [Ledger].
var ErrLedgerClosed = errors.New("pipeline: ledger closed")

// A Ledger is the durable record of a job's outcomes: an append-only JSONL
// file, one [Outcome] per line (plus [Event] lines), in a directory.
//
// Each line is written with a single write call as soon as the outcome is
// known, so a killed process loses nothing it recorded; lines are fsynced
// in small batches (every 256 lines or 200 ms, and on Sync and Close)
// against machine crashes. On open, a torn last line is cut off and an
// index is built in memory holding, per (document ID, content hash, job
// fingerprint), only the status and where the line is — about 40 bytes per
// document; a recorded outcome is read back on demand.
//
// A Ledger is safe for concurrent use by one process. Two processes must not
// write the same directory at once.
type Ledger struct {
	dir string

	mu       sync.Mutex // guards the fields below it
	f        *os.File
	size     int64
	unsynced int
	timer    *time.Timer
	closed   bool
	syncErr  error

	imu   sync.RWMutex
	index map[ledgerKey]ledgerEntry
}

type ledgerKey [16]byte

type ledgerEntry struct {
	off    int64
	n      uint32
	status uint8
}

var statusCodes = append([]Status{""}, Statuses()...)

func statusCode(s Status) uint8 {
	for i, c := range statusCodes {
		if c == s {
			return uint8(i)
		}
	}
	return 0
}

func keyOf(id, hash, fingerprint string) ledgerKey {
	b := make([]byte, 0, 32+len(id)+len(hash)+len(fingerprint))
	for _, s := range [...]string{id, hash, fingerprint} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	sum := sha256.Sum256(b)
	return ledgerKey(sum[:16])
}

// ledgerLine is the part of a line the index needs.
type ledgerLine struct {
	Event       string `json:"event"`
	ID          string `json:"id"`
	Hash        string `json:"hash"`
	Fingerprint string `json:"fingerprint"`
	Status      Status `json:"status"`
}

// OpenLedger opens (creating it if needed) the ledger in dir, cuts off a
// torn last line left by a killed process, and indexes what is recorded.
// Lines that cannot be parsed elsewhere in the file are ignored.
func OpenLedger(dir string) (*Ledger, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: ledger: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, LedgerFile), os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("pipeline: ledger: %w", err)
	}
	if err := lockLedger(f); err != nil {
		f.Close()
		if errors.Is(err, ErrLedgerBusy) {
			return nil, fmt.Errorf("%w: %s", err, dir)
		}
		return nil, fmt.Errorf("pipeline: ledger: %w", err)
	}
	l := &Ledger{dir: dir, f: f, index: make(map[ledgerKey]ledgerEntry)}
	if err := l.readIndex(); err != nil {
		f.Close()
		return nil, fmt.Errorf("pipeline: ledger %s: %w", dir, err)
	}
	return l, nil
}

func (l *Ledger) readIndex() error {
	var good int64
	torn := false
	err := scanLines(l.f, func(off int64, line []byte, complete bool) bool {
		if !complete {
			torn = true
			return false
		}
		good = off + int64(len(line))
		var ll ledgerLine
		if json.Unmarshal(line, &ll) != nil || ll.Event != "" || ll.ID == "" {
			return true
		}
		l.index[keyOf(ll.ID, ll.Hash, ll.Fingerprint)] = ledgerEntry{off: off, n: uint32(len(line)), status: statusCode(ll.Status)}
		return true
	})
	if err != nil {
		return err
	}
	if torn {
		if err := l.f.Truncate(good); err != nil {
			return err
		}
		if err := l.f.Sync(); err != nil {
			return err
		}
	}
	l.size = good
	return nil
}

// scanLines calls fn for each line of r (from offset 0) with its offset and
// bytes including the newline; complete is false for a last line without a
// newline. fn returns false to stop.
func scanLines(r io.ReaderAt, fn func(off int64, line []byte, complete bool) bool) error {
	br := bufio.NewReaderSize(io.NewSectionReader(r, 0, 1<<62), 64<<10)
	var off int64
	var long []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, chunk...)
			continue
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
			long = nil
		}
		if err == io.EOF {
			if len(line) > 0 {
				fn(off, line, false)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if !fn(off, line, true) {
			return nil
		}
		off += int64(len(line))
	}
}

// Dir returns the ledger's directory.
func (l *Ledger) Dir() string { return l.dir }

// entries returns the number of distinct (ID, hash, fingerprint) keys recorded.
func (l *Ledger) entries() int {
	l.imu.RLock()
	defer l.imu.RUnlock()
	return len(l.index)
}

// lookup returns the status last recorded for a document with this ID,
// content hash and job fingerprint.
func (l *Ledger) lookup(id, hash, fingerprint string) (Status, bool) {
	l.imu.RLock()
	e, ok := l.index[keyOf(id, hash, fingerprint)]
	l.imu.RUnlock()
	if !ok {
		return "", false
	}
	return statusCodes[e.status], true
}

// load reads back the outcome last recorded for this ID, content hash and
// job fingerprint.
func (l *Ledger) load(id, hash, fingerprint string) (*Outcome, error) {
	l.imu.RLock()
	e, ok := l.index[keyOf(id, hash, fingerprint)]
	l.imu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("pipeline: ledger: %q not recorded", id)
	}
	buf := make([]byte, e.n)
	if _, err := l.f.ReadAt(buf, e.off); err != nil {
		return nil, fmt.Errorf("pipeline: ledger: read %q: %w", id, err)
	}
	o := new(Outcome)
	if err := json.Unmarshal(buf, o); err != nil {
		return nil, fmt.Errorf("pipeline: ledger: read %q: %w", id, err)
	}
	return o, nil
}

// Append records o as one line. It is durable against a killed process when
// Append returns, and against a machine crash after the next sync.
func (l *Ledger) Append(o *Outcome) error {
	b, err := json.Marshal(o)
	if err != nil {
		return fmt.Errorf("pipeline: ledger: %q: %w", o.ID, err)
	}
	off, err := l.write(append(b, '\n'), false)
	if err != nil {
		return err
	}
	l.imu.Lock()
	l.index[keyOf(o.ID, o.Hash, o.Fingerprint)] = ledgerEntry{off: off, n: uint32(len(b) + 1), status: statusCode(o.Status)}
	l.imu.Unlock()
	return nil
}

// write appends line with one write call and returns its offset; with sync,
// it fsyncs before returning.
func (l *Ledger) write(line []byte, sync bool) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return 0, ErrLedgerClosed
	}
	n, err := l.f.Write(line)
	if err != nil {
		if n > 0 { // never leave half a line before the next one
			l.f.Truncate(l.size)
		}
		return 0, fmt.Errorf("pipeline: ledger: %w", err)
	}
	off := l.size
	l.size += int64(n)
	l.unsynced++
	switch {
	case sync || l.unsynced >= ledgerSyncEvery:
		if err := l.syncLocked(); err != nil {
			return 0, err
		}
	case l.timer == nil:
		l.timer = time.AfterFunc(ledgerSyncAfter, func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.timer = nil
			if !l.closed {
				if err := l.syncLocked(); err != nil && l.syncErr == nil {
					l.syncErr = err
				}
			}
		})
	}
	return off, nil
}

func (l *Ledger) syncLocked() error {
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	if l.unsynced == 0 {
		return nil
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("pipeline: ledger: sync: %w", err)
	}
	l.unsynced = 0
	return nil
}

// sync fsyncs what has been appended. It also reports a failure of an
// earlier background sync.
func (l *Ledger) sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrLedgerClosed
	}
	if err := l.syncErr; err != nil {
		l.syncErr = nil
		return err
	}
	return l.syncLocked()
}

// Close syncs and closes the ledger. Closing twice returns nil.
func (l *Ledger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	err := errors.Join(l.syncErr, l.syncLocked())
	l.closed = true
	return errors.Join(err, l.f.Close())
}

// Event is a ledger line that is not an outcome: a fact a later step of the
// job depends on, such as an uploaded file ID, a batch ID or a background
// response ID.
type Event struct {
	Kind string          `json:"event"`
	Time time.Time       `json:"time"`
	Data json.RawMessage `json:"data,omitempty"`
}

// AppendEvent records an event of the given kind with v (marshalled to
// JSON) as its data, and fsyncs before returning: record a batch ID with it
// before relying on the batch, and a killed run can find the batch again
// with [ReadEvents].
func (l *Ledger) AppendEvent(kind string, v any) error {
	if kind == "" {
		return errors.New("pipeline: ledger: event without kind")
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("pipeline: ledger: event %s: %w", kind, err)
	}
	b, err := json.Marshal(Event{Kind: kind, Time: time.Now().UTC(), Data: data})
	if err != nil {
		return fmt.Errorf("pipeline: ledger: event %s: %w", kind, err)
	}
	_, err = l.write(append(b, '\n'), true)
	return err
}

// WriteRunInfo replaces dir/run.json with info, atomically (written beside
// it, synced, renamed).
func (l *Ledger) WriteRunInfo(info *RunInfo) error {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return fmt.Errorf("pipeline: run info: %w", err)
	}
	path := filepath.Join(l.dir, RunInfoFile)
	tmp, err := os.CreateTemp(l.dir, RunInfoFile+".*")
	if err != nil {
		return fmt.Errorf("pipeline: run info: %w", err)
	}
	_, err = tmp.Write(append(b, '\n'))
	err = errors.Join(err, tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("pipeline: run info: %w", err)
	}
	return nil
}

// ReadRunInfo reads dir/run.json.
func ReadRunInfo(dir string) (*RunInfo, error) {
	b, err := os.ReadFile(filepath.Join(dir, RunInfoFile))
	if err != nil {
		return nil, fmt.Errorf("pipeline: run info: %w", err)
	}
	info := new(RunInfo)
	if err := json.Unmarshal(bytes.TrimSpace(b), info); err != nil {
		return nil, fmt.Errorf("pipeline: run info: %w", err)
	}
	return info, nil
}
