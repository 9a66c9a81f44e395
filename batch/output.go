package batch

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/schema"
)

// outputLine is one line of a batch output or error file:
//
//	{"id":"batch_req_…","custom_id":"…","response":{"status_code":200,"request_id":"req_…","body":{…}},"error":null}
type outputLine struct {
	ID       string `json:"id"`
	CustomID string `json:"custom_id"`
	Response *struct {
		StatusCode int             `json:"status_code"`
		RequestID  string          `json:"request_id"`
		Body       json.RawMessage `json:"body"`
	} `json:"response"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// results holds the output and error files of finished batches in one
// temporary file, with an index from (batch, custom_id) to each line.
type results struct {
	f     *os.File
	size  int64
	index map[string]lineRef
}

type lineRef struct {
	off int64
	n   int
}

func resultKey(batchID, customID string) string { return batchID + "\x00" + customID }

func newResults(dir string) (*results, error) {
	f, err := os.CreateTemp(dir, "quarry-batch-results-*.jsonl")
	if err != nil {
		return nil, fmt.Errorf("batch: results file: %w", err)
	}
	return &results{f: f, index: make(map[string]lineRef)}, nil
}

func (r *results) close() {
	if r == nil {
		return
	}
	r.f.Close()
	os.Remove(r.f.Name())
}

// add streams one file of batchID to disk and indexes its lines.
func (r *results) add(batchID string, rc io.Reader) error {
	br := bufio.NewReaderSize(rc, 256<<10)
	bw := bufio.NewWriterSize(r.f, 256<<10)
	var long []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, chunk...)
			continue
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
			long = nil
		}
		if len(line) > 0 && line[len(line)-1] != '\n' {
			line = append(line, '\n')
		}
		if len(line) > 1 {
			var head struct {
				CustomID string `json:"custom_id"`
			}
			if jerr := json.Unmarshal(line, &head); jerr == nil && head.CustomID != "" {
				r.index[resultKey(batchID, head.CustomID)] = lineRef{off: r.size, n: len(line)}
			}
			if _, werr := bw.Write(line); werr != nil {
				return fmt.Errorf("batch: results file: %w", werr)
			}
			r.size += int64(len(line))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("batch: reading results: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("batch: results file: %w", err)
	}
	return nil
}

// lookup reads back the line of customID in batchID.
func (r *results) lookup(batchID, customID string) (*outputLine, bool, error) {
	if r == nil {
		return nil, false, nil
	}
	ref, ok := r.index[resultKey(batchID, customID)]
	if !ok {
		return nil, false, nil
	}
	buf := make([]byte, ref.n)
	if _, err := r.f.ReadAt(buf, ref.off); err != nil {
		return nil, false, fmt.Errorf("batch: results file: %w", err)
	}
	ln := new(outputLine)
	if err := json.Unmarshal(buf, ln); err != nil {
		return nil, false, fmt.Errorf("batch: result line of %s: %w", customID, err)
	}
	return ln, true, nil
}

// download fetches a finished batch's output file and, always, its error
// file: a batch can be completed with every request failed and no output
// file.
func (r *results) download(ctx context.Context, api API, batchID string, fileIDs ...string) error {
	for _, id := range fileIDs {
		if id == "" {
			continue
		}
		rc, err := api.FileContent(ctx, id)
		if err != nil {
			return fmt.Errorf("batch: downloading %s of batch %s: %w", id, batchID, err)
		}
		err = r.add(batchID, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// ErrExpired marks a request its batch did not run before it expired (or
// was cancelled).
var ErrExpired = errors.New("batch expired")

// errTransient marks a request that failed the way a synchronous call's
// client retries (5xx, 429, a timeout): it goes into the next round.
var errTransient = errors.New("batch: transient failure")

// transientLine reports whether a result line failed the way openai-go retries
// a synchronous request: HTTP 408, 409, 429 or 5xx, or an error line whose
// code says the server was overloaded or slow.
func transientLine(ln *outputLine) bool {
	if ln.Error != nil {
		switch ln.Error.Code {
		case "server_error", "rate_limit_exceeded", "timeout", "request_timeout", "service_unavailable", "internal_error":
			return true
		}
		return false
	}
	return ln.Response != nil && retryableStatus(ln.Response.StatusCode)
}

// apply feeds one result line to the call: a response body to Handle, an
// error line or a non-200 answer to Fail. It returns ErrExpired for a
// request that did not run, and errTransient, leaving c as it was, for a
// transient failure when retry is set.
func apply(c *extract.Call, ln *outputLine, spec *extract.Spec, retry bool) error {
	switch {
	case ln.Error != nil && (ln.Error.Code == "batch_expired" || ln.Error.Code == "batch_cancelled"):
		return ErrExpired
	case retry && transientLine(ln):
		return errTransient
	case ln.Error != nil:
		c.Fail(fmt.Errorf("batch: request failed: %s: %s", ln.Error.Code, ln.Error.Message))
	case ln.Response == nil:
		c.Fail(errors.New("batch: result line without response or error"))
	case ln.Response.StatusCode != 200:
		var body struct {
			Error struct {
				Message string `json:"message"`
				Type    string `json:"type"`
				Param   string `json:"param"`
				Code    string `json:"code"`
			} `json:"error"`
		}
		_ = json.Unmarshal(ln.Response.Body, &body)
		ae := &extract.APIError{StatusCode: ln.Response.StatusCode, Type: body.Error.Type,
			Code: body.Error.Code, Param: body.Error.Param, Message: body.Error.Message}
		if ae.Code == "invalid_json_schema" {
			ae.Findings = schema.Lint(spec.Schema)
		}
		c.Fail(ae)
	default:
		var resp responses.Response
		if err := json.Unmarshal(ln.Response.Body, &resp); err != nil {
			c.Fail(fmt.Errorf("batch: response body: %w", err))
			return nil
		}
		c.Handle(&resp, 0)
	}
	return nil
}
