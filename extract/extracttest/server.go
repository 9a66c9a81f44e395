package extracttest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/seed0611af48/quarry/internal/ojson"
)

// A Handler decides the [Reply] to one POST /v1/responses request (or one line of a
// batch input file). It is called from many goroutines at once when requests are
// concurrent, so it must be safe for concurrent use. Returning the zero Reply falls back
// to the queue filled by [Server.Enqueue].
type Handler func(r *Request) Reply

// A Server is a fake of the OpenAI API on a loopback address, serving the Responses API
// (POST /v1/responses, streamed or not, background mode), Files and Batches in the wire
// format of the live service. Build clients with
//
//	openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"))
//
// A Server is safe for concurrent use. Close it when done.
type Server struct {
	// URL is the base URL of the API, "http://127.0.0.1:port/v1", ready for
	// option.WithBaseURL.
	URL string

	handler  Handler
	http     http.Handler // every route; srv and HTTPClient serve it
	srv      *httptest.Server
	handlers sync.WaitGroup // requests served in memory (HTTPClient)
	done     chan struct{}
	once     sync.Once

	mu        sync.Mutex
	queue     []Reply
	requests  []*Request
	seq       int  // requests received
	discard   bool // keep no requests (DiscardRequests)
	responses map[string]*storedResponse
	files     map[string]*storedFile
	batches   map[string]*batch
	billed    []*Request // requests a model answer was made for
	uploads   int
	created   int // batches created
	timeline  BatchTimeline
}

// NewServer starts a Server answering each POST /v1/responses with h's Reply. h may be
// nil: replies then come from the queue ([Server.Enqueue]). When both give nothing the
// server answers HTTP 500 with code "extracttest_no_reply" and "X-Should-Retry: false",
// so a missing reply fails the test at once instead of being retried.
func NewServer(h Handler) *Server {
	s := &Server{
		handler:   h,
		done:      make(chan struct{}),
		responses: make(map[string]*storedResponse),
		files:     make(map[string]*storedFile),
		batches:   make(map[string]*batch),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/responses", s.createResponse)
	mux.HandleFunc("GET /v1/responses/{id}", s.getResponse)
	mux.HandleFunc("POST /v1/responses/{id}/cancel", s.cancelResponse)
	s.filesRoutes(mux)
	s.batchRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "invalid_request_error", "", "",
			fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path))
	})
	s.http = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, perr := s.record(r)
		ctx := context.WithValue(r.Context(), requestKey{}, &recorded{req: req, err: perr})
		w.Header().Set("X-Request-Id", newID("req_", 16))
		mux.ServeHTTP(w, r.WithContext(ctx))
	})
	s.srv = httptest.NewServer(s.http)
	s.URL = s.srv.URL + "/v1"
	return s
}

// Close ends stalled streams and pending latencies, then shuts the server down and
// waits for its handlers to return. Close may be called more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.done)
		s.srv.Close()
		s.handlers.Wait()
	})
}

// Enqueue appends replies to the queue. Each request for which the Handler is nil or
// returns the zero Reply takes the queue's first reply (first in, first out).
func (s *Server) Enqueue(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, replies...)
}

// Pending returns the number of queued replies not yet served.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// Requests returns every request received so far, in order of arrival, including
// those to other endpoints and malformed ones, and the batch lines run through the
// Handler. The slice is a copy; the Requests must not be modified.
func (s *Server) Requests() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Request(nil), s.requests...)
}

// DiscardRequests stops keeping requests: [Server.Requests] and
// [Server.Billed] return none received after it. A server standing in for a model over a long run (many
// thousands of requests) calls it so that its memory stays flat.
func (s *Server) DiscardRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.discard = true
	s.requests, s.billed = nil, nil
}

type requestKey struct{}

type recorded struct {
	req *Request
	err *requestError
}

func requestOf(r *http.Request) *recorded {
	return r.Context().Value(requestKey{}).(*recorded)
}

// record reads r's body, parses it when it is a CreateResponse and appends it to the
// recorded requests.
func (s *Server) record(r *http.Request) (*Request, *requestError) {
	body, _ := io.ReadAll(r.Body)
	req := &Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	var perr *requestError
	if r.Method == http.MethodPost && r.URL.Path == "/v1/responses" {
		perr = req.parseResponsesBody()
	}
	s.add(req)
	return req, perr
}

func (s *Server) add(req *Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.responses[req.PreviousResponseID]; ok && req.PreviousResponseID != "" {
		req.Previous = st.a.req
	}
	req.Seq = s.seq
	s.seq++
	if !s.discard {
		s.requests = append(s.requests, req)
	}
}

// replyFor asks the Handler, then the queue.
func (s *Server) replyFor(req *Request) Reply {
	if s.handler != nil {
		if rep := s.handler(req); !rep.IsZero() {
			return rep
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		return Reply{}
	}
	rep := s.queue[0]
	s.queue = s.queue[1:]
	return rep
}

func noReply(req *Request) Reply {
	return Status(http.StatusInternalServerError, "server_error", "extracttest_no_reply",
		fmt.Sprintf("extracttest: no reply for request %d (%s %s): the Handler returned none and the queue is empty", req.Seq, req.Method, req.Path)).
		WithHeaders(http.Header{"X-Should-Retry": {"false"}})
}

// wait blocks for d, or until the client gives up or the server closes; it reports
// whether the whole wait elapsed.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// createResponse serves POST /v1/responses.
func (s *Server) createResponse(w http.ResponseWriter, r *http.Request) {
	rec := requestOf(r)
	if rec.err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", rec.err.code, rec.err.param, rec.err.message)
		return
	}
	req := rec.req
	reply := s.replyFor(req)
	if reply.IsZero() {
		reply = noReply(req)
	}
	if !s.wait(r.Context(), reply.latency) {
		return
	}
	setReplyHeaders(w.Header(), reply)
	switch reply.kind {
	case kindDrop:
		drop(w)
		return
	case kindStatus:
		writeError(w, reply.status, reply.errType, reply.code, reply.param, reply.message)
		return
	}
	a := newAnswer(req, reply, time.Now())
	s.bill(req, reply)
	switch {
	case req.Background && !req.Stream:
		writeAnswer(w, reply, s.store(a, "queued"))
	case req.Stream:
		s.store(a, a.finalStatus())
		s.serveStream(w, r, a)
	default:
		writeAnswer(w, reply, s.store(a, a.finalStatus()))
	}
}

// bill records req as billed when reply is a model answer: completed,
// refused or incomplete. HTTP errors, dropped connections and failed
// responses are not billed.
func (s *Server) bill(req *Request, reply Reply) {
	switch reply.kind {
	case kindText, kindRefusal, kindIncomplete:
		s.mu.Lock()
		if !s.discard {
			s.billed = append(s.billed, req)
		}
		s.mu.Unlock()
	}
}

// Billed returns the requests the server made a model answer for (a
// completed, refused or incomplete response, streamed or not, in background
// mode or as a batch line), in order: the requests the live API charges
// for. An answer cut off in transfer ([Reply.CutAfter]) was made and is
// billed; HTTP errors, dropped connections, failed responses and GET
// /v1/responses/{id} are not. Count them per document to check that retries
// do not pay twice for one answer.
func (s *Server) Billed() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Request(nil), s.billed...)
}

// writeAnswer writes a Response object, cut off when the reply says so.
func writeAnswer(w http.ResponseWriter, reply Reply, body *responseObject) {
	if !reply.cut {
		writeJSON(w, http.StatusOK, body)
		return
	}
	b, _ := json.MarshalIndent(body, "", "  ")
	n := min(reply.cutAfter, len(b)-1)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b[:n])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	drop(w)
}

func setReplyHeaders(h http.Header, reply Reply) {
	for k, vs := range reply.header {
		h[k] = append([]string(nil), vs...)
	}
	if reply.hasRetry {
		ms := reply.retryAfter.Milliseconds()
		secs := (ms + 999) / 1000
		h.Set("Retry-After", strconv.FormatInt(secs, 10))
		h.Set("Retry-After-Ms", strconv.FormatInt(ms, 10))
	}
}

// writeJSON writes v indented, as the live API does.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "server_error", "", "", "extracttest: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// errorBody is the API's ErrorResponse.
func errorBody(errType, code, param, message string) ojson.Value {
	return object(kv("error", object(
		kv("message", message), kv("type", errType), kv("param", nullable(param)), kv("code", nullable(code)),
	)))
}

func writeError(w http.ResponseWriter, status int, errType, code, param, message string) {
	b, _ := json.MarshalIndent(errorBody(errType, code, param, message), "", "    ")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
