package batch

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
)

// maxCustomID is the longest custom_id Run writes.
const maxCustomID = 512

// inputLine is one line of a batch input file. Body is the exact body a
// synchronous call sends.
type inputLine struct {
	CustomID string          `json:"custom_id"`
	Method   string          `json:"method"`
	URL      string          `json:"url"`
	Body     json.RawMessage `json:"body"`
}

// tooLargeError is a request that does not fit in one input file.
type tooLargeError struct {
	Bytes, Limit int64
}

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("batch: the request is %d bytes, over the input file limit of %d", e.Bytes, e.Limit)
}

// writer streams a round's requests to input files on disk, starting a new
// file before one would pass maxRequests lines or maxBytes bytes. It keeps
// the custom_ids of the round (to keep them unique) and the requests of
// each file, never the bodies.
type writer struct {
	dir         string
	round       int
	maxRequests int
	maxBytes    int64

	files []*inputFile
	cur   *inputFile
	used  map[string]struct{}
	line  []byte
}

// inputFile is one input file being written or written.
type inputFile struct {
	path     string
	f        *os.File
	w        *bufio.Writer
	n        int
	bytes    int64
	requests []request
}

func newWriter(dir string, round, maxRequests int, maxBytes int64) *writer {
	return &writer{dir: dir, round: round, maxRequests: maxRequests, maxBytes: maxBytes, used: make(map[string]struct{})}
}

// customID is "<id>#a<attempt>" when that is short enough and unused in
// this round, else "q-<hash of id and content>#a<attempt>".
func (w *writer) customID(id, hash string, attempt int) string {
	suffix := "#a" + strconv.Itoa(attempt)
	cid := id + suffix
	if _, dup := w.used[cid]; dup || len(cid) > maxCustomID {
		sum := sha256.Sum256([]byte(id + "\x00" + hash))
		cid = "q-" + hex.EncodeToString(sum[:16]) + suffix
	}
	return cid
}

// add writes one request line and returns its custom_id.
func (w *writer) add(id, hash string, attempt int, b json.RawMessage) (string, error) {
	cid := w.customID(id, hash, attempt)
	line, err := json.Marshal(inputLine{CustomID: cid, Method: "POST", URL: "/v1/responses", Body: b})
	if err != nil {
		return "", fmt.Errorf("batch: encoding the request: %w", err)
	}
	line = append(line, '\n')
	size := int64(len(line))
	if size > w.maxBytes {
		return "", &tooLargeError{Bytes: size, Limit: w.maxBytes}
	}
	if w.cur == nil || w.cur.n >= w.maxRequests || w.cur.bytes+size > w.maxBytes {
		if err := w.next(); err != nil {
			return "", err
		}
	}
	if _, err := w.cur.w.Write(line); err != nil {
		return "", fmt.Errorf("batch: writing the input file: %w", err)
	}
	w.cur.n++
	w.cur.bytes += size
	w.cur.requests = append(w.cur.requests, request{CustomID: cid, ID: id, Hash: hash, Attempt: attempt})
	w.used[cid] = struct{}{}
	return cid, nil
}

// next closes the current file and starts another.
func (w *writer) next() error {
	if err := w.closeCurrent(); err != nil {
		return err
	}
	f, err := os.CreateTemp(w.dir, fmt.Sprintf("quarry-batch-r%d-p%d-*.jsonl", w.round, len(w.files)+1))
	if err != nil {
		return fmt.Errorf("batch: input file: %w", err)
	}
	w.cur = &inputFile{path: f.Name(), f: f, w: bufio.NewWriterSize(f, 256<<10)}
	w.files = append(w.files, w.cur)
	return nil
}

func (w *writer) closeCurrent() error {
	if w.cur == nil || w.cur.f == nil {
		return nil
	}
	err := w.cur.w.Flush()
	if cerr := w.cur.f.Close(); err == nil {
		err = cerr
	}
	w.cur.f = nil
	if err != nil {
		return fmt.Errorf("batch: input file: %w", err)
	}
	return nil
}

// finish closes the last file and returns the files written.
func (w *writer) finish() ([]*inputFile, error) {
	if err := w.closeCurrent(); err != nil {
		return nil, err
	}
	return w.files, nil
}

// remove deletes the files from disk.
func (w *writer) remove() {
	w.closeCurrent()
	for _, f := range w.files {
		os.Remove(f.path)
	}
}
