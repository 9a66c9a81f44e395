package extracttest

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"
)

// This file serves the Files API: POST /v1/files (multipart upload), GET
// /v1/files/{id}, GET /v1/files/{id}/content and DELETE /v1/files/{id}.

type storedFile struct {
	obj     fileObject
	content []byte
}

// fileObject is the API's OpenAIFile, in the live API's field order.
type fileObject struct {
	Object        string  `json:"object"`
	ID            string  `json:"id"`
	Purpose       string  `json:"purpose"`
	Filename      string  `json:"filename"`
	Bytes         int64   `json:"bytes"`
	CreatedAt     int64   `json:"created_at"`
	ExpiresAt     *int64  `json:"expires_at"`
	Status        string  `json:"status"`
	StatusDetails *string `json:"status_details"`
}

var filePurposes = map[string]bool{
	"assistants": true, "batch": true, "fine-tune": true, "vision": true, "user_data": true, "evals": true,
}

func (s *Server) filesRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/files", s.createFile)
	mux.HandleFunc("GET /v1/files/{id}", s.getFile)
	mux.HandleFunc("GET /v1/files/{id}/content", s.fileContent)
	mux.HandleFunc("DELETE /v1/files/{id}", s.deleteFile)
}

// Uploads returns how many files were uploaded with POST /v1/files, for tests that a
// resumed run does not upload its batch input again.
func (s *Server) Uploads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploads
}

// FileContent returns the content of the file id (an upload, or a batch output or
// error file) and whether it exists.
func (s *Server) FileContent(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[id]
	if !ok {
		return nil, false
	}
	return bytes.Clone(f.content), true
}

// newFileID returns an id like the API's file-4bE3nM9QkT2xYp7LwR1sZa.
func newFileID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 22)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "file-" + string(b)
}

// addFile stores content as a new file and returns its object.
func (s *Server) addFile(filename, purpose string, content []byte, expiresIn time.Duration) fileObject {
	now := time.Now()
	o := fileObject{
		Object: "file", ID: newFileID(), Purpose: purpose, Filename: filename,
		Bytes: int64(len(content)), CreatedAt: now.Unix(), Status: "processed",
	}
	if expiresIn > 0 {
		t := now.Add(expiresIn).Unix()
		o.ExpiresAt = &t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[o.ID] = &storedFile{obj: o, content: content}
	return o
}

func fileNotFound(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, "invalid_request_error", "", "id", "No such File object: "+id)
}

// createFile serves POST /v1/files.
func (s *Server) createFile(w http.ResponseWriter, r *http.Request) {
	body := requestOf(r).req.Body
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "", "",
			"Invalid Content-Type header, expected multipart/form-data.")
		return
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var purpose, filename string
	var content []byte
	var hasFile bool
	fields := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalid_request_error", "", "", "Malformed multipart body: "+err.Error())
			return
		}
		b, _ := io.ReadAll(p)
		if p.FormName() == "file" {
			content, filename, hasFile = b, p.FileName(), true
			continue
		}
		fields[p.FormName()] = string(b)
	}
	purpose = fields["purpose"]
	switch {
	case !hasFile:
		writeError(w, http.StatusBadRequest, "invalid_request_error", "missing_required_parameter", "file", "Missing required parameter: 'file'.")
		return
	case purpose == "":
		writeError(w, http.StatusBadRequest, "invalid_request_error", "missing_required_parameter", "purpose", "Missing required parameter: 'purpose'.")
		return
	case !filePurposes[purpose]:
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_value", "purpose",
			fmt.Sprintf("Invalid value for 'purpose': '%s'.", purpose))
		return
	}
	var expires time.Duration
	if purpose == "batch" {
		expires = 30 * 24 * time.Hour
	}
	if secs, err := strconv.ParseInt(fields["expires_after[seconds]"], 10, 64); err == nil && secs > 0 {
		expires = time.Duration(secs) * time.Second
	}
	if filename == "" {
		filename = "upload"
	}
	o := s.addFile(filename, purpose, content, expires)
	s.mu.Lock()
	s.uploads++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, o)
}

// getFile serves GET /v1/files/{id}.
func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	f, ok := s.files[id]
	s.mu.Unlock()
	if !ok {
		fileNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, f.obj)
}

// fileContent serves GET /v1/files/{id}/content.
func (s *Server) fileContent(w http.ResponseWriter, r *http.Request) {
	content, ok := s.FileContent(r.PathValue("id"))
	if !ok {
		fileNotFound(w, r.PathValue("id"))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	_, _ = w.Write(content)
}

// deleteFile serves DELETE /v1/files/{id}.
func (s *Server) deleteFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	_, ok := s.files[id]
	delete(s.files, id)
	s.mu.Unlock()
	if !ok {
		fileNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, object(kv("id", id), kv("object", "file"), kv("deleted", true)))
}
