package extracttest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/seed0611af48/quarry/internal/ojson"
)

// This file serves the Batch API: POST /v1/batches, GET /v1/batches/{id} and POST
// /v1/batches/{id}/cancel, running each input line through the Handler. GET
// /v1/batches, the list, is in batch_list.go.

// A BatchOutcome is the status a scripted batch ends in.
type BatchOutcome string

const (
	// BatchCompleted: validating → in_progress → finalizing → completed. Every request
	// runs; answers with HTTP status 200 go to the output file, the others to the error
	// file. When every request fails there is no output file, as with the live API.
	BatchCompleted BatchOutcome = "completed"
	// BatchExpired: validating → in_progress → expired. The first half of the requests
	// (rounded down) run; the rest go to the error file with code "batch_expired".
	BatchExpired BatchOutcome = "expired"
	// BatchFailed: validating → failed, with errors.data holding the timeline's
	// FailCode and FailMessage; no request runs and there are no files.
	BatchFailed BatchOutcome = "failed"
)

// A BatchTimeline scripts the batches created after [Server.SetBatchTimeline]. The zero
// BatchTimeline gives completed batches that move one step on each GET.
type BatchTimeline struct {
	// Outcome is the final status; empty means BatchCompleted.
	Outcome BatchOutcome
	// FailCode and FailMessage describe a BatchFailed failure. Defaults:
	// "invalid_request" and "extracttest: scripted batch failure".
	FailCode, FailMessage string
	// Manual, when true, moves batches only on [Server.AdvanceBatches]. When false,
	// each GET /v1/batches/{id} moves the batch one step before answering, so a poller
	// sees every status in turn.
	Manual bool
}

// SetBatchTimeline scripts the batches created from now on.
func (s *Server) SetBatchTimeline(t BatchTimeline) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.timeline = t
}

// BatchesCreated returns how many batches POST /v1/batches created.
func (s *Server) BatchesCreated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.created
}

// AdvanceBatches moves every unfinished batch one step along its timeline, running
// its requests through the Handler when it reaches the step that does, and returns how
// many batches are still unfinished. To finish them all:
//
//	for s.AdvanceBatches() > 0 {
//	}
func (s *Server) AdvanceBatches() int {
	s.mu.Lock()
	all := make([]*batch, 0, len(s.batches))
	for _, b := range s.batches {
		all = append(all, b)
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(x, y *batch) int { return x.created - y.created })
	unfinished := 0
	for _, b := range all {
		b.mu.Lock()
		if !b.finished() {
			s.step(b)
			if !b.finished() {
				unfinished++
			}
		}
		b.mu.Unlock()
	}
	return unfinished
}

type batch struct {
	mu       sync.Mutex // guards obj; held while a step runs the Handler
	obj      batchObject
	timeline BatchTimeline
	input    []byte
	created  int // order of creation
}

// batchObject is the API's Batch, in the live API's field order.
type batchObject struct {
	ID               string          `json:"id"`
	Object           string          `json:"object"`
	Endpoint         string          `json:"endpoint"`
	Model            *string         `json:"model"`
	Errors           *batchErrors    `json:"errors"`
	InputFileID      string          `json:"input_file_id"`
	CompletionWindow string          `json:"completion_window"`
	Status           string          `json:"status"`
	OutputFileID     *string         `json:"output_file_id"`
	ErrorFileID      *string         `json:"error_file_id"`
	CreatedAt        int64           `json:"created_at"`
	InProgressAt     *int64          `json:"in_progress_at"`
	ExpiresAt        *int64          `json:"expires_at"`
	FinalizingAt     *int64          `json:"finalizing_at"`
	CompletedAt      *int64          `json:"completed_at"`
	FailedAt         *int64          `json:"failed_at"`
	ExpiredAt        *int64          `json:"expired_at"`
	CancellingAt     *int64          `json:"cancelling_at"`
	CancelledAt      *int64          `json:"cancelled_at"`
	RequestCounts    requestCounts   `json:"request_counts"`
	Usage            *usageObject    `json:"usage"`
	Metadata         json.RawMessage `json:"metadata"`
}

type batchErrors struct {
	Object string       `json:"object"`
	Data   []batchError `json:"data"`
}

type batchError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Param   any    `json:"param"`
	Line    any    `json:"line"`
}

type requestCounts struct {
	Total     int `json:"total"`
	Completed int `json:"completed"`
	Failed    int `json:"failed"`
}

// inputLine is one line of a batch input file.
type inputLine struct {
	CustomID string          `json:"custom_id"`
	Method   string          `json:"method"`
	URL      string          `json:"url"`
	Body     json.RawMessage `json:"body"`
}

func (b *batch) finished() bool {
	switch b.obj.Status {
	case "completed", "expired", "failed", "cancelled":
		return true
	}
	return false
}

func unix(t time.Time) *int64 {
	u := t.Unix()
	return &u
}

func (s *Server) batchRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/batches", s.createBatch)
	mux.HandleFunc("GET /v1/batches", s.listBatches)
	mux.HandleFunc("GET /v1/batches/{id}", s.getBatch)
	mux.HandleFunc("POST /v1/batches/{id}/cancel", s.cancelBatch)
}

// createBatch serves POST /v1/batches.
func (s *Server) createBatch(w http.ResponseWriter, r *http.Request) {
	var in struct {
		InputFileID      string          `json:"input_file_id"`
		Endpoint         string          `json:"endpoint"`
		CompletionWindow string          `json:"completion_window"`
		Metadata         json.RawMessage `json:"metadata"`
	}
	if err := json.Unmarshal(requestOf(r).req.Body, &in); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", "", "We could not parse the JSON body of your request.")
		return
	}
	for _, f := range []struct{ name, v string }{
		{"input_file_id", in.InputFileID}, {"endpoint", in.Endpoint}, {"completion_window", in.CompletionWindow},
	} {
		if f.v == "" {
			writeError(w, http.StatusBadRequest, "invalid_request_error", "missing_required_parameter", f.name,
				fmt.Sprintf("Missing required parameter: '%s'.", f.name))
			return
		}
	}
	if in.Endpoint != "/v1/responses" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_value", "endpoint",
			fmt.Sprintf("Invalid value for 'endpoint': extracttest serves '/v1/responses' only, got '%s'.", in.Endpoint))
		return
	}
	if in.CompletionWindow != "24h" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_value", "completion_window",
			fmt.Sprintf("Invalid value for 'completion_window': '%s'. Supported values are: '24h'.", in.CompletionWindow))
		return
	}
	s.mu.Lock()
	f, ok := s.files[in.InputFileID]
	s.mu.Unlock()
	if !ok {
		fileNotFound(w, in.InputFileID)
		return
	}
	if f.obj.Purpose != "batch" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_value", "input_file_id",
			fmt.Sprintf("Invalid 'input_file_id': the file's purpose is '%s', not 'batch'.", f.obj.Purpose))
		return
	}
	now := time.Now()
	metadata := in.Metadata
	if len(metadata) == 0 {
		metadata = json.RawMessage("null")
	}
	b := &batch{
		input: f.content,
		obj: batchObject{
			ID: newID("batch_", 16), Object: "batch", Endpoint: in.Endpoint, Errors: nil,
			InputFileID: in.InputFileID, CompletionWindow: "24h", Status: "validating",
			CreatedAt: now.Unix(), ExpiresAt: unix(now.Add(24 * time.Hour)),
			Usage: usage{}.object(), Metadata: metadata,
		},
	}
	body := b.obj // copied before other goroutines can see b
	s.mu.Lock()
	b.timeline = s.timeline
	s.created++
	b.created = s.created
	s.batches[b.obj.ID] = b
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) lookupBatch(w http.ResponseWriter, id string) *batch {
	s.mu.Lock()
	b, ok := s.batches[id]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "invalid_request_error", "", "id", "No batch found with id '"+id+"'.")
		return nil
	}
	return b
}

// getBatch serves GET /v1/batches/{id}.
func (s *Server) getBatch(w http.ResponseWriter, r *http.Request) {
	b := s.lookupBatch(w, r.PathValue("id"))
	if b == nil {
		return
	}
	b.mu.Lock()
	if !b.timeline.Manual && !b.finished() {
		s.step(b)
	}
	body := b.obj
	b.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// cancelBatch serves POST /v1/batches/{id}/cancel. Cancelling moves an unfinished batch
// to "cancelling" (then "cancelled" on its next step, without running requests not yet
// run); it is idempotent. Cancelling a batch that ended otherwise is a 400 error.
func (s *Server) cancelBatch(w http.ResponseWriter, r *http.Request) {
	b := s.lookupBatch(w, r.PathValue("id"))
	if b == nil {
		return
	}
	b.mu.Lock()
	status := b.obj.Status
	switch {
	case status == "cancelling" || status == "cancelled":
	case b.finished():
		b.mu.Unlock()
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", "",
			fmt.Sprintf("Cannot cancel a batch with status '%s'.", status))
		return
	default:
		b.obj.Status, b.obj.CancellingAt = "cancelling", unix(time.Now())
	}
	body := b.obj
	b.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// step moves b one step. The caller holds b.mu (not s.mu).
func (s *Server) step(b *batch) {
	now := time.Now()
	o := &b.obj
	outcome := b.timeline.Outcome
	if outcome == "" {
		outcome = BatchCompleted
	}
	switch o.Status {
	case "cancelling":
		o.Status, o.CancelledAt = "cancelled", unix(now)
	case "validating":
		lines, errs := validateInput(b.input, o.Endpoint)
		if len(errs) == 0 && outcome == BatchFailed {
			errs = []batchError{{Code: or(b.timeline.FailCode, "invalid_request"),
				Message: or(b.timeline.FailMessage, "extracttest: scripted batch failure")}}
		}
		if len(errs) > 0 {
			o.Status, o.FailedAt = "failed", unix(now)
			o.Errors = &batchErrors{Object: "list", Data: errs}
			return
		}
		o.Status, o.InProgressAt = "in_progress", unix(now)
		o.RequestCounts.Total = len(lines)
		for _, ln := range lines {
			var m struct {
				Model string `json:"model"`
			}
			if json.Unmarshal(ln.Body, &m) == nil && m.Model != "" {
				o.Model = &m.Model
				break
			}
		}
	case "in_progress":
		lines, _ := validateInput(b.input, o.Endpoint)
		if outcome == BatchExpired {
			s.run(b, lines, len(lines)/2)
			o.Status, o.ExpiredAt = "expired", unix(now)
			return
		}
		s.run(b, lines, len(lines))
		o.Status, o.FinalizingAt = "finalizing", unix(now)
	case "finalizing":
		o.Status, o.CompletedAt = "completed", unix(now)
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// validateInput parses a batch input file, returning its lines or the errors found.
func validateInput(input []byte, endpoint string) ([]inputLine, []batchError) {
	var lines []inputLine
	var errs []batchError
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(input))
	sc.Buffer(nil, 256<<20)
	n := 0
	for sc.Scan() {
		n++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		fail := func(code, msg string, param any) {
			errs = append(errs, batchError{Code: code, Message: msg, Param: param, Line: n})
		}
		var ln inputLine
		if err := json.Unmarshal(text, &ln); err != nil {
			fail("invalid_json_line", "This line is not parseable as valid JSON.", nil)
			continue
		}
		switch {
		case ln.CustomID == "":
			fail("missing_required_parameter", "Missing required parameter: 'custom_id'.", "custom_id")
		case seen[ln.CustomID]:
			fail("duplicate_custom_id", fmt.Sprintf("The custom_id '%s' is used more than once.", ln.CustomID), "custom_id")
		case ln.Method != http.MethodPost:
			fail("invalid_method", "The method must be 'POST'.", "method")
		case ln.URL != endpoint:
			fail("mismatched_endpoint", fmt.Sprintf("The url '%s' does not match the batch endpoint '%s'.", ln.URL, endpoint), "url")
		case len(ln.Body) == 0 || ln.Body[0] != '{':
			fail("missing_required_parameter", "Missing required parameter: 'body'.", "body")
		default:
			seen[ln.CustomID] = true
			lines = append(lines, ln)
		}
	}
	if len(lines) == 0 && len(errs) == 0 {
		errs = append(errs, batchError{Code: "empty_file", Message: "The input file is empty."})
	}
	return lines, errs
}

// run runs the first n lines through the Handler, marks the rest expired, and writes
// the output and error files. The caller holds b.mu.
func (s *Server) run(b *batch, lines []inputLine, n int) {
	var out, errOut bytes.Buffer
	o := &b.obj
	var total usage
	for i, ln := range lines {
		if i >= n {
			writeLine(&errOut, object(
				kv("id", newID("batch_req_", 16)), kv("custom_id", ln.CustomID), kv("response", nil),
				kv("error", object(kv("code", "batch_expired"), kv("message", "This request could not be executed before the completion window expired."))),
			))
			o.RequestCounts.Failed++
			continue
		}
		status, body, u := s.runLine(b, ln)
		line := object(
			kv("id", newID("batch_req_", 16)), kv("custom_id", ln.CustomID),
			kv("response", object(kv("status_code", status), kv("request_id", newID("req_", 16)), kv("body", body))),
			kv("error", nil),
		)
		if status == http.StatusOK {
			writeLine(&out, line)
			o.RequestCounts.Completed++
		} else {
			writeLine(&errOut, line)
			o.RequestCounts.Failed++
		}
		total.input += u.input
		total.cached += u.cached
		total.output += u.output
		total.reasoning += u.reasoning
	}
	o.Usage = total.object()
	if out.Len() > 0 {
		f := s.addFile(fmt.Sprintf("%s_output.jsonl", o.ID), "batch_output", out.Bytes(), 30*24*time.Hour)
		o.OutputFileID = &f.ID
	}
	if errOut.Len() > 0 {
		f := s.addFile(fmt.Sprintf("%s_error.jsonl", o.ID), "batch_output", errOut.Bytes(), 30*24*time.Hour)
		o.ErrorFileID = &f.ID
	}
}

func writeLine(buf *bytes.Buffer, v ojson.Value) {
	b, _ := json.Marshal(v)
	buf.Write(b)
	buf.WriteByte('\n')
}

// runLine answers one batch request: its HTTP status, the response body and usage.
func (s *Server) runLine(b *batch, ln inputLine) (int, any, usage) {
	req := &Request{Method: ln.Method, Path: ln.URL, Header: http.Header{}, Body: ln.Body,
		BatchID: b.obj.ID, CustomID: ln.CustomID}
	perr := req.parseResponsesBody()
	s.add(req)
	if perr != nil {
		return http.StatusBadRequest, errorBody("invalid_request_error", perr.code, perr.param, perr.message), usage{}
	}
	reply := s.replyFor(req)
	if reply.IsZero() {
		reply = noReply(req)
	}
	switch reply.kind {
	case kindDrop:
		return http.StatusInternalServerError, errorBody("server_error", "", "", "The server had an error while processing your request."), usage{}
	case kindStatus:
		return reply.status, errorBody(reply.errType, reply.code, reply.param, reply.message), usage{}
	}
	a := newAnswer(req, reply, time.Now())
	s.bill(req, reply)
	return http.StatusOK, a.response(a.finalStatus(), true, time.Now()), a.usage
}
