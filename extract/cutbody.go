package extract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/openai/openai-go/v3/option"
)

// A 200 answer whose body breaks off mid-transfer (a proxy or the network
// closing the connection) is not retried by openai-go: it reads the body
// after its retry loop, in requestconfig's Execute, and returns "error
// reading response body: unexpected EOF" as final. bodyGuard moves that read
// into the HTTP attempt, as a middleware, so that a cut body becomes what it
// is, a transport failure:
//
//   - when the request was stored (store: true) and the cut body already
//     carried the response id, the answer is fetched whole with GET
//     /v1/responses/{id}, which costs nothing, instead of paying for a second
//     answer;
//   - otherwise the attempt fails with a *CutBodyError and no response,
//     which openai-go retries like a connection reset (bounded by
//     option.WithMaxRetries, counted in Result.Requests).
//
// Only non-streamed JSON answers to POST …/responses are read this way;
// streams (text/event-stream) and error statuses pass untouched. An answer
// read whole goes on without the fields that repeat the request (echo.go).

// CutBodyError is a 200 answer whose body ended before its Content-Length.
type CutBodyError struct {
	// Read is the number of body bytes received.
	Read int
	// ResponseID is the response id found in what was received, if any.
	ResponseID string
	Err        error
}

func (e *CutBodyError) Error() string {
	s := fmt.Sprintf("extract: the answer was cut off after %d bytes", e.Read)
	if e.ResponseID != "" {
		s += " (response " + e.ResponseID + ")"
	}
	return s + ": " + e.Err.Error()
}

func (e *CutBodyError) Unwrap() error { return e.Err }

// idPrefix matches the response id at the start of a Response object; the
// API writes "id" first.
var idPrefix = regexp.MustCompile(`^\s*\{\s*"id"\s*:\s*"(resp_[A-Za-z0-9_-]+)"`)

// guardMiddleware reads answers whole inside the attempt; see the comment
// above. cut and fetched count what it did.
func (c *requestCounter) guardMiddleware(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	resp, err := next(r)
	if err != nil || r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/responses") ||
		resp.StatusCode != http.StatusOK || !isJSON(resp.Header) {
		return resp, err
	}
	buf := readBuffers.Get().(*bytes.Buffer)
	defer putReadBuffer(buf)
	buf.Reset()
	_, rerr := buf.ReadFrom(resp.Body)
	resp.Body.Close()
	body := buf.Bytes() // valid until the buffer goes back to the pool
	if rerr == nil {
		out, ok := dropEcho(body) // see echo.go
		if !ok {
			out = bytes.Clone(body)
		}
		resp.Body = io.NopCloser(bytes.NewReader(out))
		resp.ContentLength = int64(len(out))
		return resp, nil
	}
	if err := r.Context().Err(); err != nil {
		return nil, err // cancelled or timed out: not the server's doing
	}
	c.cut.Add(1)
	cerr := &CutBodyError{Read: len(body), Err: rerr}
	if m := idPrefix.FindSubmatch(body); m != nil {
		cerr.ResponseID = string(m[1])
	}
	if c.store && cerr.ResponseID != "" {
		if got := fetchResponse(r, cerr.ResponseID, next); got != nil {
			c.fetched.Add(1)
			return got, nil
		}
	}
	return nil, cerr
}

// readBuffers hold answers while bodyGuard reads them (what goes on to the
// SDK is a copy), so that each answer does not grow a buffer of its own.
var readBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putReadBuffer(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 { // a rare huge answer is not kept
		readBuffers.Put(b)
	}
}

// fetchResponse gets the stored response id with GET …/responses/{id}, made
// like the POST r (same headers, so the same credentials), and returns it
// when it arrived whole and finished; nil otherwise.
func fetchResponse(r *http.Request, id string, next option.MiddlewareNext) *http.Response {
	u := *r.URL
	u.Path = strings.TrimSuffix(u.Path, "/") + "/" + url.PathEscape(id)
	u.RawPath, u.RawQuery = "", ""
	get, err := http.NewRequestWithContext(r.Context(), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil
	}
	get.Header = r.Header.Clone()
	for _, h := range []string{"Content-Type", "Content-Length", "Idempotency-Key"} {
		get.Header.Del(h)
	}
	resp, err := next(get)
	if err != nil {
		return nil
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	if rerr != nil || resp.StatusCode != http.StatusOK || !isJSON(resp.Header) {
		return nil
	}
	var head struct {
		ID         string `json:"id"`
		Status     string `json:"status"`
		Background bool   `json:"background"`
	}
	if json.Unmarshal(body, &head) != nil || head.ID != id {
		return nil
	}
	switch {
	case head.Background:
		// The POST of a background request answers "queued": so does this,
		// and the caller polls it.
	case head.Status == "completed", head.Status == "incomplete", head.Status == "failed":
	default:
		return nil // not finished (or cancelled): ask again
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp
}

func isJSON(h http.Header) bool {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}
