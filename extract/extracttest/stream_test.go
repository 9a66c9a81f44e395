package extracttest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go/v3/packages/ssestream"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract/extracttest"
)

// streamed is what a test saw on one stream.
type streamed struct {
	types    []string
	text     string // concatenated output_text (or refusal) deltas
	doneText string // from response.output_text.done (or refusal.done)
	final    *responses.Response
	errEvent *responses.ResponseErrorEvent
}

// collect reads stream to its end, decoding every event into its concrete type and
// checking that sequence numbers count up from 0 and item ids agree.
func collect(t *testing.T, stream *ssestream.Stream[responses.ResponseStreamEventUnion]) (streamed, error) {
	t.Helper()
	defer stream.Close()
	var got streamed
	var want int64
	var msgID string
	for stream.Next() {
		ev := stream.Current()
		if ev.SequenceNumber != want {
			t.Errorf("event %d (%s): sequence_number %d", want, ev.Type, ev.SequenceNumber)
		}
		want++
		got.types = append(got.types, ev.Type)
		switch e := ev.AsAny().(type) {
		case responses.ResponseCreatedEvent:
			if e.Response.Status != "in_progress" || len(e.Response.Output) != 0 || !strings.HasPrefix(e.Response.ID, "resp_") {
				t.Errorf("created: %s", e.RawJSON())
			}
		case responses.ResponseInProgressEvent:
		case responses.ResponseOutputItemAddedEvent:
			if e.Item.Type == "message" {
				msgID = e.Item.ID
				if e.Item.Status != "in_progress" || !strings.HasPrefix(msgID, "msg_") {
					t.Errorf("item added: %s", e.RawJSON())
				}
			}
		case responses.ResponseContentPartAddedEvent:
			if e.ItemID != msgID || e.ContentIndex != 0 {
				t.Errorf("part added: %s", e.RawJSON())
			}
		case responses.ResponseTextDeltaEvent:
			if e.ItemID != msgID {
				t.Errorf("delta item_id %q, want %q", e.ItemID, msgID)
			}
			got.text += e.Delta
		case responses.ResponseTextDoneEvent:
			got.doneText = e.Text
		case responses.ResponseRefusalDeltaEvent:
			got.text += e.Delta
		case responses.ResponseRefusalDoneEvent:
			got.doneText = e.Refusal
		case responses.ResponseContentPartDoneEvent:
		case responses.ResponseOutputItemDoneEvent:
			if e.Item.Type == "message" && e.Item.ID != msgID {
				t.Errorf("item done: %s", e.RawJSON())
			}
		case responses.ResponseCompletedEvent:
			got.final = &e.Response
		case responses.ResponseIncompleteEvent:
			got.final = &e.Response
		case responses.ResponseFailedEvent:
			got.final = &e.Response
		case responses.ResponseErrorEvent:
			got.errEvent = &e
		default:
			t.Errorf("event %q decoded as %T", ev.Type, e)
		}
	}
	return got, stream.Err()
}

var (
	head     = []string{"response.created", "response.in_progress"}
	textBody = []string{"response.output_item.added", "response.content_part.added"}
	textTail = []string{"response.output_text.done", "response.content_part.done", "response.output_item.done"}
)

func seq(parts ...any) []string {
	var out []string
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			out = append(out, p)
		case []string:
			out = append(out, p...)
		}
	}
	return out
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestStream(t *testing.T) {
	const invoice = `{"number":"INV-42","total":1234.5}` // 34 bytes
	tests := []struct {
		name   string
		reply  extracttest.Reply
		types  []string
		text   string
		status responses.ResponseStatus
	}{
		{
			name:   "json in 5-byte chunks",
			reply:  extracttest.Text(invoice).WithChunkSize(5),
			types:  seq(head, textBody, repeat("response.output_text.delta", 7), textTail, "response.completed"),
			text:   invoice,
			status: "completed",
		},
		{
			name:   "default chunks",
			reply:  extracttest.Text(invoice),
			types:  seq(head, textBody, repeat("response.output_text.delta", 3), textTail, "response.completed"),
			text:   invoice,
			status: "completed",
		},
		{
			name:  "utf-8 never split",
			reply: extracttest.Text("Olá ✓ 日本").WithChunkSize(1),
			types: seq(head, textBody, repeat("response.output_text.delta", 8), textTail, "response.completed"),
			text:  "Olá ✓ 日本", status: "completed",
		},
		{
			name:  "reasoning item first",
			reply: extracttest.Text("ok").WithUsage(10, 0, 20, 18),
			types: seq(head, "response.output_item.added", "response.output_item.done",
				textBody, "response.output_text.delta", textTail, "response.completed"),
			text: "ok", status: "completed",
		},
		{
			name:  "refusal",
			reply: extracttest.Refusal("I can't help with that."),
			types: seq(head, textBody, repeat("response.refusal.delta", 2),
				"response.refusal.done", "response.content_part.done", "response.output_item.done", "response.completed"),
			text: "I can't help with that.", status: "completed",
		},
		{
			name:   "incomplete",
			reply:  extracttest.Incomplete("max_output_tokens", `{"lines":[`),
			types:  seq(head, textBody, "response.output_text.delta", textTail, "response.incomplete"),
			text:   `{"lines":[`,
			status: "incomplete",
		},
		{
			name:   "failed",
			reply:  extracttest.Failed("server_error", "boom"),
			types:  seq(head, "response.failed"),
			status: "failed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := extracttest.NewServer(nil)
			defer s.Close()
			s.Enqueue(tt.reply)
			got, err := collect(t, newClient(s).Responses.NewStreaming(t.Context(), newParams("x")))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.types, got.types); diff != "" {
				t.Errorf("event types (-want +got):\n%s", diff)
			}
			if got.text != tt.text || got.doneText != tt.text {
				t.Errorf("deltas %q, done %q; want %q", got.text, got.doneText, tt.text)
			}
			if got.final == nil || got.final.Status != tt.status {
				t.Fatalf("final response: %+v", got.final)
			}
			if got.final.Usage.TotalTokens == 0 {
				t.Errorf("final usage: %+v", got.final.Usage)
			}
			if tt.status == "completed" && !strings.HasPrefix(tt.name, "refusal") && got.final.OutputText() != tt.text {
				t.Errorf("final OutputText = %q", got.final.OutputText())
			}
			if !s.Requests()[0].Stream {
				t.Error("Request.Stream = false")
			}
		})
	}
}

func TestStreamError(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Text("abcdefgh").WithChunkSize(2).StreamError(5, "server_error", "The server had an error."))
	got, err := collect(t, newClient(s).Responses.NewStreaming(t.Context(), newParams("x")))
	if err != nil {
		t.Fatal(err)
	}
	want := seq(head, textBody, "response.output_text.delta", "error")
	if diff := cmp.Diff(want, got.types); diff != "" {
		t.Errorf("event types (-want +got):\n%s", diff)
	}
	if e := got.errEvent; e == nil || e.Code != "server_error" || e.Message != "The server had an error." || e.SequenceNumber != 5 {
		t.Errorf("error event: %+v", e)
	}
	if got.final != nil {
		t.Error("a final response after the error event")
	}
}

func TestStreamDrop(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Text("abcdefgh").WithChunkSize(2).StreamDropAfter(6))
	got, err := collect(t, newClient(s).Responses.NewStreaming(t.Context(), newParams("x")))
	if err == nil {
		t.Fatal("no error after a dropped stream")
	}
	if len(got.types) != 6 || got.text != "abcd" || got.final != nil {
		t.Errorf("got %v, text %q", got.types, got.text)
	}
}

func TestStreamStall(t *testing.T) {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Text("abcdefgh").StreamStallAfter(3))
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	got, err := collect(t, newClient(s).Responses.NewStreaming(ctx, newParams("x")))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if len(got.types) != 3 {
		t.Errorf("got %v", got.types)
	}
}

// TestCloseEndsStall shows that Close ends a stalled stream whose client never gives up.
func TestCloseEndsStall(t *testing.T) {
	s := extracttest.NewServer(nil)
	s.Enqueue(extracttest.Text("abc").StreamStallAfter(1))
	stream := newClient(s).Responses.NewStreaming(t.Context(), newParams("x"))
	defer stream.Close()
	if !stream.Next() || stream.Current().Type != "response.created" {
		t.Fatalf("first event: %v", stream.Err())
	}
	s.Close() // returns once the stalled handler has returned
	if stream.Next() {
		t.Errorf("event after Close: %s", stream.Current().Type)
	}
}
