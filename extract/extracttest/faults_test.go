package extracttest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seed0611af48/quarry/extract/extracttest"
)

// postResponse sends a raw POST /v1/responses and returns the answer with its body
// read as far as it goes.
func postResponse(t *testing.T, s *extracttest.Server, body string) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/responses", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestCutAfter(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Text(`{"total":1}`).CutAfter(80), extracttest.Text(`{"total":2}`).CutAfter(5))
	body := `{"model":"gpt-4.1","input":"hi","store":true}`

	resp, got, err := postResponse(t, s, body)
	if resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) || len(got) != 80 {
		t.Fatalf("status %d, %d bytes, err %v; want 200, 80 bytes, unexpected EOF", resp.StatusCode, len(got), err)
	}
	id := strings.Split(strings.SplitN(string(got), `"id": "`, 2)[1], `"`)[0]
	if !strings.HasPrefix(id, "resp_") {
		t.Fatalf("no response id in the first 80 bytes: %q", got)
	}
	// The answer was made and stored: GET returns it whole.
	g, err := http.Get(s.URL + "/responses/" + id)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		ID, Status string
		Output     []struct{ Content []struct{ Text string } }
	}
	err = json.NewDecoder(g.Body).Decode(&r)
	g.Body.Close()
	if err != nil || r.ID != id || r.Status != "completed" || r.Output[0].Content[0].Text != `{"total":1}` {
		t.Errorf("GET after the cut: %+v, %v", r, err)
	}

	_, got, err = postResponse(t, s, body)
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(got) != "{\n  \"" {
		t.Errorf("CutAfter(5): %q, %v", got, err)
	}
	if n := len(s.Billed()); n != 2 {
		t.Errorf("Billed = %d, want 2 (a cut answer was made)", n)
	}
}

func TestBilled(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(
		extracttest.Status(500, "server_error", "", "boom"),
		extracttest.Drop(),
		extracttest.Failed("server_error", "failed"),
		extracttest.Refusal("no"),
		extracttest.Incomplete("max_output_tokens", `{"to`),
		extracttest.Text(`{}`),
	)
	for range 2 {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/responses", strings.NewReader(`{"model":"m","input":"x"}`))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	for range 4 {
		postResponse(t, s, `{"model":"m","input":"x"}`)
	}
	var seqs []int
	for _, r := range s.Billed() {
		seqs = append(seqs, r.Seq)
	}
	if want := []int{3, 4, 5}; !equalInts(seqs, want) {
		t.Errorf("billed requests %v, want %v (refusal, incomplete, completed)", seqs, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWithRateLimit(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Status(429, "requests", "rate_limit_exceeded", "slow down").
		WithRetryAfter(time.Millisecond).WithRateLimit(10000, 9000, 2000000, 1900000))
	resp, _, _ := postResponse(t, s, `{"model":"m","input":"x"}`)
	for k, want := range map[string]string{
		"x-ratelimit-limit-requests": "10000", "x-ratelimit-remaining-requests": "9000",
		"x-ratelimit-limit-tokens": "2000000", "x-ratelimit-remaining-tokens": "1900000",
		"retry-after-ms": "1",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if resp.StatusCode != 429 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func TestPrevious(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Text(`{}`), extracttest.Text(`{}`), extracttest.Text(`{}`))
	_, first, _ := postResponse(t, s, `{"model":"m","input":"INVOICE 42","store":true}`)
	var r struct{ ID string }
	if err := json.Unmarshal(first, &r); err != nil {
		t.Fatal(err)
	}
	postResponse(t, s, `{"model":"m","input":"fix it","previous_response_id":"`+r.ID+`"}`)
	postResponse(t, s, `{"model":"m","input":"unknown","previous_response_id":"resp_nope"}`)
	reqs := s.Requests()
	if reqs[1].Previous != reqs[0] || reqs[1].Previous.InputText() != "INVOICE 42" || reqs[2].Previous != nil || reqs[0].Previous != nil {
		t.Errorf("Previous: %v, %v, %v", reqs[0].Previous, reqs[1].Previous, reqs[2].Previous)
	}
}
