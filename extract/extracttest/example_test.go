package extracttest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract/extracttest"
)

func Example() {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.JSON(map[string]any{"number": "INV-42", "total": 99.5}).WithUsage(120, 0, 14, 0))

	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"))
	r, err := client.Responses.New(context.Background(), responses.ResponseNewParams{
		Model: "gpt-4o-mini",
		Input: responses.ResponseNewParamsInputUnion{OfString: param.NewOpt("INVOICE INV-42 ... total 99.50")},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Status, r.OutputText(), r.Usage.TotalTokens)
	fmt.Println(s.Requests()[0].InputText())
	// Output:
	// completed {"number":"INV-42","total":99.5} 134
	// INVOICE INV-42 ... total 99.50
}

// A Handler routes on the document text, so concurrent requests get their own answers.
func ExampleNewServer_handler() {
	s := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		switch {
		case strings.Contains(r.InputText(), "INV-1"):
			return extracttest.JSON(map[string]string{"number": "INV-1"})
		case strings.Contains(r.InputText(), "classified"):
			return extracttest.Refusal("I can't help with that.")
		}
		return extracttest.Reply{} // fall back to the queue
	})
	defer s.Close()

	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"))
	for _, doc := range []string{"invoice INV-1", "a classified memo"} {
		r, err := client.Responses.New(context.Background(), responses.ResponseNewParams{
			Model: "gpt-4o-mini",
			Input: responses.ResponseNewParamsInputUnion{OfString: param.NewOpt(doc)},
		})
		if err != nil {
			panic(err)
		}
		part := r.Output[0].AsMessage().Content[0]
		fmt.Printf("%s: %s %q\n", doc, part.Type, part.Text+part.Refusal)
	}
	// Output:
	// invoice INV-1: output_text "{\"number\":\"INV-1\"}"
	// a classified memo: refusal "I can't help with that."
}

// A 429 with a tiny Retry-After is retried by openai-go itself; the server records both
// attempts.
func ExampleReply_WithRetryAfter() {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(
		extracttest.Status(429, "requests", "rate_limit_exceeded", "Rate limit reached").WithRetryAfter(time.Millisecond),
		extracttest.Text(`{"ok":true}`),
	)
	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"), option.WithMaxRetries(2))
	r, err := client.Responses.New(context.Background(), responses.ResponseNewParams{
		Model: "gpt-4o-mini",
		Input: responses.ResponseNewParamsInputUnion{OfString: param.NewOpt("doc")},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.OutputText(), len(s.Requests()))
	// Output:
	// {"ok":true} 2
}

// An HTTP error reply surfaces as *openai.Error with the body's fields.
func ExampleStatus() {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Status(400, "invalid_request_error", "invalid_json_schema", "Invalid schema for response_format 'invoice'").
		WithParam("text.format.schema"))
	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"))
	_, err := client.Responses.New(context.Background(), responses.ResponseNewParams{
		Model: "gpt-4o-mini",
		Input: responses.ResponseNewParamsInputUnion{OfString: param.NewOpt("doc")},
	})
	var apiErr *openai.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.Param)
	}
	// Output:
	// 400 invalid_json_schema text.format.schema
}

// Streaming faults: an error event after the first three events.
func ExampleReply_StreamError() {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Text(`{"number":"INV-42"}`).StreamError(3, "server_error", "The server had an error."))
	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"))
	stream := client.Responses.NewStreaming(context.Background(), responses.ResponseNewParams{
		Model: "gpt-4o-mini",
		Input: responses.ResponseNewParamsInputUnion{OfString: param.NewOpt("doc")},
	})
	defer stream.Close()
	for stream.Next() {
		ev := stream.Current()
		switch e := ev.AsAny().(type) {
		case responses.ResponseErrorEvent:
			fmt.Println(e.SequenceNumber, e.Type, e.Code)
		default:
			fmt.Println(ev.SequenceNumber, ev.Type)
		}
	}
	// Output:
	// 0 response.created
	// 1 response.in_progress
	// 2 response.output_item.added
	// 3 error server_error
}

// Requests exposes what the client sent, the schema in its original key order.
func ExampleServer_Requests() {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Text(`{"b":1,"a":2}`))
	format := `{"format":{"type":"json_schema","name":"pair","strict":true,"schema":{"type":"object","properties":{"b":{"type":"integer"},"a":{"type":"integer"}},"required":["b","a"],"additionalProperties":false}}}`
	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"))
	_, err := client.Responses.New(context.Background(), responses.ResponseNewParams{
		Model:        "gpt-4o-mini",
		Instructions: param.NewOpt("Extract the pair."),
		Store:        param.NewOpt(false),
		Input:        responses.ResponseNewParamsInputUnion{OfString: param.NewOpt("doc")},
		Text:         param.Override[responses.ResponseTextConfigParam](json.RawMessage(format)),
	})
	if err != nil {
		panic(err)
	}
	req := s.Requests()[0]
	fmt.Println(req.Instructions, req.Store)
	fmt.Println(string(req.Schema))
	// Output:
	// Extract the pair. false
	// {"type":"object","properties":{"b":{"type":"integer"},"a":{"type":"integer"}},"required":["b","a"],"additionalProperties":false}
}

// A batch moves one step on each poll (or on AdvanceBatches with a Manual timeline);
// its requests run through the same Handler as synchronous ones.
func ExampleServer_AdvanceBatches() {
	s := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		return extracttest.JSON(map[string]string{"echo": r.InputText()})
	})
	defer s.Close()
	s.SetBatchTimeline(extracttest.BatchTimeline{Manual: true})
	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"))
	ctx := context.Background()

	input := `{"custom_id":"a","method":"POST","url":"/v1/responses","body":{"model":"gpt-4o-mini","input":"doc a"}}` + "\n"
	f, err := client.Files.New(ctx, openai.FileNewParams{
		File:    openai.File(strings.NewReader(input), "in.jsonl", "application/jsonl"),
		Purpose: openai.FilePurposeBatch,
	})
	if err != nil {
		panic(err)
	}
	b, err := client.Batches.New(ctx, openai.BatchNewParams{
		InputFileID:      f.ID,
		Endpoint:         openai.BatchNewParamsEndpointV1Responses,
		CompletionWindow: openai.BatchNewParamsCompletionWindow24h,
	})
	if err != nil {
		panic(err)
	}
	for s.AdvanceBatches() > 0 {
	}
	b, err = client.Batches.Get(ctx, b.ID)
	if err != nil {
		panic(err)
	}
	out, _ := s.FileContent(b.OutputFileID)
	var line struct {
		CustomID string `json:"custom_id"`
		Response struct {
			StatusCode int                `json:"status_code"`
			Body       responses.Response `json:"body"`
		} `json:"response"`
	}
	if err := json.Unmarshal(out, &line); err != nil {
		panic(err)
	}
	fmt.Println(b.Status, b.RequestCounts.Completed, s.Uploads(), s.BatchesCreated())
	fmt.Println(line.CustomID, line.Response.StatusCode, line.Response.Body.OutputText())
	// Output:
	// completed 1 1 1
	// a 200 {"echo":"doc a"}
}

// A background response is queued, then in progress, then done, one step per poll.
func ExampleReply_WithPolls() {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.Text("done").WithPolls(1))
	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"))
	ctx := context.Background()
	r, err := client.Responses.New(ctx, responses.ResponseNewParams{
		Model:      "gpt-4o-mini",
		Background: param.NewOpt(true),
		Input:      responses.ResponseNewParamsInputUnion{OfString: param.NewOpt("doc")},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Status)
	for r.Status == "queued" || r.Status == "in_progress" {
		if r, err = client.Responses.Get(ctx, r.ID, responses.ResponseGetParams{}); err != nil {
			panic(err)
		}
		fmt.Println(strings.TrimSpace(string(r.Status) + " " + r.OutputText()))
	}
	// Output:
	// queued
	// in_progress
	// completed done
}

// HTTPClient reaches the server in memory: the same answers, no socket.
func ExampleServer_HTTPClient() {
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(extracttest.JSON(map[string]any{"total": 99.5}))

	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"), option.WithHTTPClient(s.HTTPClient()))
	r, err := client.Responses.New(context.Background(), responses.ResponseNewParams{
		Model: "gpt-4o-mini",
		Input: responses.ResponseNewParamsInputUnion{OfString: param.NewOpt("total 99.50")},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Status, r.OutputText())
	// Output:
	// completed {"total":99.5}
}
