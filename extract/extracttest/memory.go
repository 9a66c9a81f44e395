package extracttest

import (
	"errors"
	"io"
	"net/http"
	"sync"
)

// HTTPClient returns an HTTP client that reaches the Server in memory: each
// request is handed to the Server's handler in a goroutine and the answer
// comes back through a pipe, with no socket, no HTTP/1.1 framing and no
// connection pool. The wire format is the same as over [Server.URL] (give
// the client the same base URL); what a socket adds, a connection to reset,
// is not: a [Reply] that drops the connection fails the request with an
// error instead. Use it where the fake stands in for a model over a long run
// and the loopback's cost would count (the CLI's --mock); tests of transport
// faults use the loopback address.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Transport: memTransport{s}}
}

// errDropped is what a request gets when the handler drops the connection.
var errDropped = errors.New("extracttest: connection dropped by the server (in memory)")

type memTransport struct{ s *Server }

func (t memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	in := *req // the server's copy: a request as a server gets it
	if in.Body == nil {
		in.Body = http.NoBody
	}
	pr, pw := io.Pipe()
	w := &memWriter{header: http.Header{}, body: pw, ready: make(chan struct{})}
	t.s.handlers.Add(1)
	go func() {
		defer t.s.handlers.Done()
		defer in.Body.Close()
		defer func() {
			if recover() != nil { // http.ErrAbortHandler from drop, or a handler's panic
				w.abort()
			}
		}()
		t.s.http.ServeHTTP(w, &in)
		w.WriteHeader(http.StatusOK) // a handler that wrote nothing answers 200
		pw.Close()
	}()
	select {
	case <-w.ready:
	case <-req.Context().Done():
		pr.CloseWithError(req.Context().Err())
		return nil, req.Context().Err()
	}
	if w.dropped {
		return nil, errDropped
	}
	return &http.Response{
		Status:        http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.sent,
		Body:          pr,
		ContentLength: -1,
		Request:       req,
	}, nil
}

// memWriter is the handler's side of an in-memory exchange: the status and
// a copy of the header go to the client at the first write (or WriteHeader),
// the body through the pipe as it is written.
type memWriter struct {
	header http.Header
	body   *io.PipeWriter

	once    sync.Once
	ready   chan struct{}
	status  int
	sent    http.Header
	dropped bool
}

func (w *memWriter) Header() http.Header { return w.header }

func (w *memWriter) WriteHeader(status int) {
	w.once.Do(func() {
		w.status, w.sent = status, w.header.Clone()
		close(w.ready)
	})
}

func (w *memWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

// Flush is a no-op: every Write already reaches the client.
func (w *memWriter) Flush() {}

// abort ends the exchange as a dropped connection: before the header the
// request fails, after it the body ends early.
func (w *memWriter) abort() {
	w.once.Do(func() {
		w.dropped = true
		close(w.ready)
	})
	w.body.CloseWithError(io.ErrUnexpectedEOF)
}
