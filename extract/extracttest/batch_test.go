package extracttest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract/extracttest"
)

// batchInput returns a batch input file of n requests "doc 0" ... "doc n-1".
func batchInput(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"custom_id":"doc-%d","method":"POST","url":"/v1/responses","body":{"model":"gpt-4o-mini","input":"doc %d"}}`+"\n", i, i)
	}
	return b.Bytes()
}

// docHandler answers {"doc": N} to "doc N", and a 400 to the documents in failing.
func docHandler(failing ...string) extracttest.Handler {
	return func(r *extracttest.Request) extracttest.Reply {
		doc := strings.TrimPrefix(r.InputText(), "doc ")
		for _, f := range failing {
			if f == doc {
				return extracttest.Status(400, "invalid_request_error", "context_length_exceeded", "Too long.")
			}
		}
		return extracttest.JSON(map[string]string{"doc": doc}).WithUsage(10, 2, 5, 0)
	}
}

// outputLine is one line of a batch output or error file.
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

func upload(t *testing.T, client *openai.Client, content []byte) *openai.FileObject {
	t.Helper()
	f, err := client.Files.New(t.Context(), openai.FileNewParams{
		File:    openai.File(bytes.NewReader(content), "input.jsonl", "application/jsonl"),
		Purpose: openai.FilePurposeBatch,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func newBatch(t *testing.T, client *openai.Client, fileID string) *openai.Batch {
	t.Helper()
	b, err := client.Batches.New(t.Context(), openai.BatchNewParams{
		InputFileID:      fileID,
		Endpoint:         openai.BatchNewParamsEndpointV1Responses,
		CompletionWindow: openai.BatchNewParamsCompletionWindow24h,
		Metadata:         map[string]string{"run": "r1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readLines(t *testing.T, client *openai.Client, fileID string) []outputLine {
	t.Helper()
	res, err := client.Files.Content(t.Context(), fileID)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out []outputLine
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		var l outputLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

func TestBatchCompleted(t *testing.T) {
	s := extracttest.NewServer(docHandler("2"))
	defer s.Close()
	client := newClient(s)
	ctx := t.Context()

	in := batchInput(4)
	f := upload(t, client, in)
	if !strings.HasPrefix(f.ID, "file-") || f.Purpose != "batch" || f.Bytes != int64(len(in)) || f.Filename != "input.jsonl" {
		t.Errorf("file: %s", f.RawJSON())
	}
	b := newBatch(t, client, f.ID)
	if !strings.HasPrefix(b.ID, "batch_") || b.Status != "validating" || b.Endpoint != "/v1/responses" ||
		b.InputFileID != f.ID || b.CompletionWindow != "24h" || b.Metadata["run"] != "r1" || b.ExpiresAt == 0 {
		t.Errorf("created: %s", b.RawJSON())
	}

	// Each GET moves the batch one step.
	var statuses []openai.BatchStatus
	for range 4 {
		b, err := client.Batches.Get(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, b.Status)
	}
	want := []openai.BatchStatus{"in_progress", "finalizing", "completed", "completed"}
	if diff := cmp.Diff(want, statuses); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	b, err := client.Batches.Get(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	counts := b.RequestCounts
	if counts.Total != 4 || counts.Completed != 3 || counts.Failed != 1 || b.Model != "gpt-4o-mini" {
		t.Errorf("batch: %s", b.RawJSON())
	}
	if b.InProgressAt == 0 || b.FinalizingAt == 0 || b.CompletedAt == 0 || b.Usage.InputTokens != 30 ||
		b.Usage.InputTokensDetails.CachedTokens != 6 || b.Usage.TotalTokens != 45 {
		t.Errorf("timestamps, usage: %s", b.RawJSON())
	}

	out := readLines(t, client, b.OutputFileID)
	if len(out) != 3 {
		t.Fatalf("%d output lines", len(out))
	}
	for i, l := range out {
		doc := []string{"0", "1", "3"}[i]
		if l.CustomID != "doc-"+doc || l.Error != nil || l.Response.StatusCode != 200 ||
			!strings.HasPrefix(l.ID, "batch_req_") || !strings.HasPrefix(l.Response.RequestID, "req_") {
			t.Errorf("output line %d: %+v", i, l)
			continue
		}
		var r responses.Response
		if err := json.Unmarshal(l.Response.Body, &r); err != nil || r.OutputText() != `{"doc":"`+doc+`"}` {
			t.Errorf("line %d body: %s (%v)", i, l.Response.Body, err)
		}
	}
	errs := readLines(t, client, b.ErrorFileID)
	if len(errs) != 1 || errs[0].CustomID != "doc-2" || errs[0].Response.StatusCode != 400 ||
		!strings.Contains(string(errs[0].Response.Body), "context_length_exceeded") {
		t.Errorf("error lines: %+v", errs)
	}
	outFile, err := client.Files.Get(ctx, b.OutputFileID)
	if err != nil || outFile.Purpose != "batch_output" {
		t.Errorf("output file: %v, %v", outFile, err)
	}

	if s.Uploads() != 1 || s.BatchesCreated() != 1 {
		t.Errorf("Uploads, BatchesCreated = %d, %d", s.Uploads(), s.BatchesCreated())
	}
	var lines []string
	for _, r := range s.Requests() {
		if r.BatchID != "" {
			if r.BatchID != b.ID || r.Path != "/v1/responses" || r.Model != "gpt-4o-mini" {
				t.Errorf("batch request: %+v", r)
			}
			lines = append(lines, r.CustomID)
		}
	}
	if diff := cmp.Diff([]string{"doc-0", "doc-1", "doc-2", "doc-3"}, lines); diff != "" {
		t.Errorf("batch lines seen by the handler (-want +got):\n%s", diff)
	}
}

func TestBatchExpired(t *testing.T) {
	s := extracttest.NewServer(docHandler())
	defer s.Close()
	s.SetBatchTimeline(extracttest.BatchTimeline{Outcome: extracttest.BatchExpired, Manual: true})
	client := newClient(s)
	b := newBatch(t, client, upload(t, client, batchInput(5)).ID)

	status := func() *openai.Batch {
		t.Helper()
		got, err := client.Batches.Get(t.Context(), b.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := status(); got.Status != "validating" {
		t.Errorf("manual timeline moved on GET: %q", got.Status)
	}
	if n := s.AdvanceBatches(); n != 1 {
		t.Errorf("AdvanceBatches = %d, want 1", n)
	}
	if got := status(); got.Status != "in_progress" {
		t.Errorf("status %q, want in_progress", got.Status)
	}
	if n := s.AdvanceBatches(); n != 0 {
		t.Errorf("AdvanceBatches = %d, want 0", n)
	}
	got := status()
	if got.Status != "expired" || got.ExpiredAt == 0 || got.RequestCounts.Completed != 2 || got.RequestCounts.Failed != 3 {
		t.Errorf("expired batch: %s", got.RawJSON())
	}
	if n := len(readLines(t, client, got.OutputFileID)); n != 2 {
		t.Errorf("%d output lines, want 2", n)
	}
	errs := readLines(t, client, got.ErrorFileID)
	if len(errs) != 3 {
		t.Fatalf("%d error lines, want 3", len(errs))
	}
	for i, l := range errs {
		if l.CustomID != fmt.Sprintf("doc-%d", i+2) || l.Response != nil || l.Error == nil || l.Error.Code != "batch_expired" {
			t.Errorf("error line %d: %+v", i, l)
		}
	}
}

func TestBatchEveryRequestFailed(t *testing.T) {
	s := extracttest.NewServer(docHandler("0", "1"))
	defer s.Close()
	client := newClient(s)
	b := newBatch(t, client, upload(t, client, batchInput(2)).ID)
	for s.AdvanceBatches() > 0 {
	}
	got, err := client.Batches.Get(t.Context(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "completed" || got.OutputFileID != "" || got.ErrorFileID == "" || got.RequestCounts.Failed != 2 {
		t.Errorf("batch: %s", got.RawJSON())
	}
	if !strings.Contains(got.RawJSON(), `"output_file_id": null`) {
		t.Errorf("output_file_id not null: %s", got.RawJSON())
	}
	if n := len(readLines(t, client, got.ErrorFileID)); n != 2 {
		t.Errorf("%d error lines", n)
	}
}

func TestBatchFailed(t *testing.T) {
	tests := []struct {
		name     string
		timeline extracttest.BatchTimeline
		input    string
		code     string
		line     int64
	}{
		{"scripted", extracttest.BatchTimeline{Outcome: extracttest.BatchFailed, FailCode: "token_limit_exceeded", FailMessage: "Enqueued token limit reached."}, string(batchInput(2)), "token_limit_exceeded", 0},
		{"bad json line", extracttest.BatchTimeline{}, string(batchInput(1)) + "{not json\n", "invalid_json_line", 2},
		{"duplicate custom_id", extracttest.BatchTimeline{}, string(batchInput(1)) + string(batchInput(1)), "duplicate_custom_id", 2},
		{"wrong url", extracttest.BatchTimeline{}, `{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{}}`, "mismatched_endpoint", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := extracttest.NewServer(docHandler())
			defer s.Close()
			s.SetBatchTimeline(tt.timeline)
			client := newClient(s)
			b := newBatch(t, client, upload(t, client, []byte(tt.input)).ID)
			got, err := client.Batches.Get(t.Context(), b.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != "failed" || got.FailedAt == 0 || len(got.Errors.Data) != 1 || got.OutputFileID != "" {
				t.Fatalf("batch: %s", got.RawJSON())
			}
			if e := got.Errors.Data[0]; e.Code != tt.code || e.Line != tt.line || e.Message == "" {
				t.Errorf("error: %s", e.RawJSON())
			}
			for _, r := range s.Requests() {
				if r.BatchID != "" {
					t.Errorf("request %q ran in a failed batch", r.CustomID)
				}
			}
		})
	}
}

func TestBatchCancel(t *testing.T) {
	s := extracttest.NewServer(docHandler())
	defer s.Close()
	client := newClient(s)
	ctx := t.Context()
	b := newBatch(t, client, upload(t, client, batchInput(2)).ID)
	for range 2 { // idempotent
		got, err := client.Batches.Cancel(ctx, b.ID)
		if err != nil || got.Status != "cancelling" || got.CancellingAt == 0 {
			t.Fatalf("Cancel: %v, %v", got, err)
		}
	}
	got, err := client.Batches.Get(ctx, b.ID)
	if err != nil || got.Status != "cancelled" || got.CancelledAt == 0 || got.OutputFileID != "" {
		t.Fatalf("after cancel: %v, %v", got, err)
	}

	done := newBatch(t, client, upload(t, client, batchInput(1)).ID)
	for s.AdvanceBatches() > 0 {
	}
	_, err = client.Batches.Cancel(ctx, done.ID)
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
		t.Errorf("cancel completed batch: %v", err)
	}
	if s.Uploads() != 2 || s.BatchesCreated() != 2 {
		t.Errorf("Uploads, BatchesCreated = %d, %d", s.Uploads(), s.BatchesCreated())
	}
}

func TestBatchCreateErrors(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	client := newClient(s)
	userFile, err := client.Files.New(t.Context(), openai.FileNewParams{
		File: openai.File(strings.NewReader("x"), "x.txt", "text/plain"), Purpose: openai.FilePurposeUserData,
	})
	if err != nil {
		t.Fatal(err)
	}
	batchFile := upload(t, client, batchInput(1))
	tests := []struct {
		name   string
		params openai.BatchNewParams
		status int
		param  string
	}{
		{"unknown file", openai.BatchNewParams{InputFileID: "file-nope", Endpoint: "/v1/responses", CompletionWindow: "24h"}, 404, "id"},
		{"not a batch file", openai.BatchNewParams{InputFileID: userFile.ID, Endpoint: "/v1/responses", CompletionWindow: "24h"}, 400, "input_file_id"},
		{"window", openai.BatchNewParams{InputFileID: batchFile.ID, Endpoint: "/v1/responses", CompletionWindow: "48h"}, 400, "completion_window"},
		{"endpoint", openai.BatchNewParams{InputFileID: batchFile.ID, Endpoint: "/v1/embeddings", CompletionWindow: "24h"}, 400, "endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.Batches.New(t.Context(), tt.params)
			var apiErr *openai.Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status || apiErr.Param != tt.param {
				t.Errorf("err = %v (%+v)", err, apiErr)
			}
		})
	}
	if s.BatchesCreated() != 0 {
		t.Errorf("BatchesCreated = %d", s.BatchesCreated())
	}
}

func TestFiles(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	client := newClient(s)
	ctx := t.Context()
	f, err := client.Files.New(ctx, openai.FileNewParams{
		File: openai.File(strings.NewReader("hello"), "a.txt", "text/plain"), Purpose: openai.FilePurposeUserData,
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != "processed" || f.ExpiresAt != 0 || f.Object != "file" {
		t.Errorf("file: %s", f.RawJSON())
	}
	got, err := client.Files.Get(ctx, f.ID)
	if err != nil || got.ID != f.ID {
		t.Fatalf("Get: %v, %v", got, err)
	}
	res, err := client.Files.Content(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(b) != "hello" {
		t.Errorf("content %q", b)
	}
	if c, ok := s.FileContent(f.ID); !ok || string(c) != "hello" {
		t.Errorf("FileContent = %q, %v", c, ok)
	}
	del, err := client.Files.Delete(ctx, f.ID)
	if err != nil || !del.Deleted {
		t.Fatalf("Delete: %v, %v", del, err)
	}
	_, err = client.Files.Get(ctx, f.ID)
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Errorf("Get after delete: %v", err)
	}
}

// TestBatchConcurrentPolls polls one batch from many goroutines while the test also
// advances it: every request runs exactly once (run with -race).
func TestBatchConcurrentPolls(t *testing.T) {
	s := extracttest.NewServer(docHandler())
	defer s.Close()
	client := newClient(s)
	b := newBatch(t, client, upload(t, client, batchInput(8)).ID)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			for {
				got, err := client.Batches.Get(t.Context(), b.ID)
				if err != nil || got.Status == "completed" {
					errs <- err
					return
				}
			}
		}()
	}
	s.AdvanceBatches()
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	ran := 0
	for _, r := range s.Requests() {
		if r.BatchID != "" {
			ran++
		}
	}
	if ran != 8 {
		t.Errorf("%d batch requests ran, want 8", ran)
	}
}
