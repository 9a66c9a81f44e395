package extracttest

import (
	"fmt"
	"net/http"
	"time"
)

// This file keeps the responses the server created, for GET /v1/responses/{id} and
// background mode (POST /v1/responses/{id}/cancel).
//
// A background response (background: true) is answered "queued". Each GET moves it one
// step: to "in_progress" for [Reply.WithPolls] polls (default 1), then to its final
// status. Cancel moves an unfinished one to "cancelled" and is idempotent; cancelling a
// finished one returns it unchanged.

type storedResponse struct {
	a      *answer
	status string
	polls  int       // in_progress polls left
	at     time.Time // when status was reached
}

func terminal(status string) bool {
	switch status {
	case "queued", "in_progress":
		return false
	}
	return true
}

// store keeps a with status (when the request asked it stored, or in background mode)
// and returns the Response object to answer.
func (s *Server) store(a *answer, status string) *responseObject {
	st := &storedResponse{a: a, status: status, polls: a.reply.pollCount(), at: time.Now()}
	body := st.render()
	if a.req.Store || a.req.Background {
		s.mu.Lock()
		s.responses[a.id] = st
		s.mu.Unlock()
	}
	return body
}

// render returns the Response object in its current state. The caller holds s.mu or
// owns st.
func (st *storedResponse) render() *responseObject {
	return st.a.response(st.status, true, st.at)
}

// advance moves a background response one step.
func (st *storedResponse) advance() {
	switch {
	case st.status == "queued" && st.polls > 0:
		st.status = "in_progress"
		st.polls--
	case st.status == "in_progress" && st.polls > 0:
		st.polls--
	case !terminal(st.status):
		st.status = st.a.finalStatus()
	default:
		return
	}
	st.at = time.Now()
}

func responseNotFound(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, "invalid_request_error", "", "",
		fmt.Sprintf("Response with id '%s' not found.", id))
}

// getResponse serves GET /v1/responses/{id}.
func (s *Server) getResponse(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	st, ok := s.responses[id]
	var body *responseObject
	if ok {
		st.advance()
		body = st.render()
	}
	s.mu.Unlock()
	if !ok {
		responseNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// cancelResponse serves POST /v1/responses/{id}/cancel.
func (s *Server) cancelResponse(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	st, ok := s.responses[id]
	var body *responseObject
	background := ok && st.a.req.Background
	if background {
		if !terminal(st.status) {
			st.status, st.at = "cancelled", time.Now()
		}
		body = st.render()
	}
	s.mu.Unlock()
	switch {
	case !ok:
		responseNotFound(w, id)
	case !background:
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", "",
			"Only responses created with background=true can be cancelled.")
	default:
		writeJSON(w, http.StatusOK, body)
	}
}
