package extracttest_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract/extracttest"
)

// TestHTTPClient: through the in-memory client the SDK gets what it gets
// over the loopback address: the same answer, the same API error, a
// stream; a dropped connection fails the request.
func TestHTTPClient(t *testing.T) {
	tests := []struct {
		name  string
		reply extracttest.Reply
		check func(t *testing.T, r *responses.Response, err error)
	}{
		{"answer", extracttest.Text(`{"total":42}`), func(t *testing.T, r *responses.Response, err error) {
			if err != nil || r.OutputText() != `{"total":42}` || r.Status != responses.ResponseStatusCompleted {
				t.Errorf("got %v, %v", r, err)
			}
		}},
		{"api error", extracttest.Status(http.StatusBadRequest, "invalid_request_error", "bad_thing", "no"), func(t *testing.T, r *responses.Response, err error) {
			var ae *openai.Error
			if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest || ae.Code != "bad_thing" {
				t.Errorf("got %v, %v; want a 400 bad_thing", r, err)
			}
		}},
		{"dropped", extracttest.Drop(), func(t *testing.T, r *responses.Response, err error) {
			if err == nil {
				t.Errorf("got %v, want an error", r)
			}
		}},
		{"cut off", extracttest.Text(`{"total":42}`).CutAfter(40), func(t *testing.T, r *responses.Response, err error) {
			if err == nil {
				t.Errorf("got %v, want an error", r)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := extracttest.NewServer(nil)
			defer s.Close()
			s.Enqueue(tt.reply)
			c := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"), option.WithMaxRetries(0),
				option.WithHTTPClient(s.HTTPClient()))
			r, err := c.Responses.New(context.Background(), newParams("hello"))
			tt.check(t, r, err)
			if n := len(s.Requests()); n != 1 {
				t.Errorf("%d requests recorded, want 1", n)
			}
		})
	}
}

func TestHTTPClientStream(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Text(`{"total":42}`).WithChunkSize(3))
	c := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"), option.WithMaxRetries(0),
		option.WithHTTPClient(s.HTTPClient()))
	st := c.Responses.NewStreaming(context.Background(), newParams("hello"))
	defer st.Close()
	var text string
	deltas := 0
	for st.Next() {
		switch ev := st.Current(); ev.Type {
		case "response.output_text.delta":
			deltas++
		case "response.completed":
			text = ev.Response.OutputText()
		}
	}
	if err := st.Err(); err != nil {
		t.Fatal(err)
	}
	if text != `{"total":42}` || deltas < 2 {
		t.Errorf("streamed %q in %d deltas", text, deltas)
	}
}
