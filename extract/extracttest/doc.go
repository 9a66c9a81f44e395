// Package extracttest provides an in-process fake of the OpenAI Responses API, in the
// wire format of the live service, for tests of code that calls it through openai-go.
// Like net/http/httptest it runs a real HTTP server on a loopback address; its
// constructor takes no *testing.T, so Examples and benchmarks can use it too.
// [Server.HTTPClient] reaches the same server in memory, without a socket, for
// long runs where the loopback's cost would count (quarry's --mock).
//
// The fake serves POST /v1/responses (plain JSON and Server-Sent Events streams,
// background mode), GET /v1/responses/{id}, POST /v1/responses/{id}/cancel, and the
// Files and Batches endpoints a batch run needs. Its answers follow the recorded
// traffic in ../shared/corpus/responses-recorded/ field for field and in the same key
// order; a test in this package compares them.
//
// # Scripting replies
//
// Point an openai-go client at [Server.URL] and queue what the "model" answers:
//
//	s := extracttest.NewServer(nil)
//	defer s.Close()
//	s.Enqueue(
//		extracttest.Status(429, "requests", "rate_limit_exceeded", "Rate limit reached").WithRetryAfter(time.Millisecond),
//		extracttest.JSON(Invoice{Number: "INV-42"}).WithUsage(1200, 1024, 80, 0),
//	)
//	client := openai.NewClient(option.WithBaseURL(s.URL), option.WithAPIKey("test"))
//
// A [Reply] is built by one constructor and refined by chainable methods:
//
//   - [JSON] and [Text]: a completed response whose output_text is the JSON of a value,
//     or any text at all (broken JSON, extra keys, a wrong type).
//   - [Refusal]: a message with a refusal content part.
//   - [Incomplete]: status "incomplete" with incomplete_details.reason
//     ("max_output_tokens", "content_filter") and the partial text.
//   - [Failed]: status "failed" with response.error {code, message}, in a 200 answer.
//   - [Status]: an HTTP error with the API's ErrorResponse body, which openai-go turns
//     into *openai.Error with Code, Message, Type and Param.
//   - [Drop]: the connection is closed without an answer.
//   - [Reply.CutAfter]: a 200 whose body stops after n bytes, the connection closed
//     (the answer was made: billed and, with store, kept for GET /v1/responses/{id}).
//
// [Reply.WithUsage] sets token counts (otherwise estimated at about 4 bytes a token);
// reasoning tokens add a reasoning output item before the message, as reasoning models
// do. [Reply.WithRetryAfter], [Reply.WithRateLimit] (x-ratelimit-limit/remaining-*
// headers: a 429 with plenty remaining is not about pace), [Reply.WithHeaders],
// [Reply.WithModel], [Reply.WithParam] and [Reply.WithLatency] shape the rest. Every
// serving of a Reply gets fresh resp_…, msg_… and req_… ids; the response echoes the
// request's model, instructions, text.format (schema key order kept), metadata, store,
// previous_response_id, max_output_tokens and sampling settings.
//
// openai-go retries 408, 409, 429, 5xx answers and dropped connections (twice by
// default, honouring retry-after-ms): each attempt takes one Reply. Keep Retry-After
// tiny in tests, or use option.WithMaxRetries(0).
//
// # Routing by document
//
// When requests run concurrently the queue's order is not the documents' order. A
// [Handler] chooses the reply from the request instead; [Request.InputText] joins every
// text of the input, so it can match on the document's content:
//
//	s := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
//		switch {
//		case strings.Contains(r.InputText(), "INV-1"):
//			return extracttest.JSON(inv1)
//		case strings.Contains(r.InputText(), "INV-2"):
//			return extracttest.Text(`{"number": 2`) // truncated JSON
//		}
//		return extracttest.Reply{} // the zero Reply: take the next queued one
//	})
//
// The Handler runs on the server's goroutines, concurrently; it must be safe for
// concurrent use and must not call [Server.AdvanceBatches]. When neither the Handler
// nor the queue has a reply the server answers 500 with code "extracttest_no_reply"
// and "X-Should-Retry: false", so the mistake shows at once.
//
// # Asserting on requests
//
// [Server.Requests] returns every request received, in order, with its headers and raw
// body, and for POST /v1/responses the parsed fields a test usually checks: Model,
// Instructions, PreviousResponseID, Store (true when absent, as the API defaults),
// Stream, Background, MaxOutputTokens, Metadata, Input, Text (text.format) and Schema
// (text.format.schema, raw, in the order the client sent its keys). Malformed requests
// (bad JSON, no model or input, a json_schema format without name or schema) are
// recorded too and answered 400 invalid_request_error without calling the Handler;
// unknown paths get 404. [Request.Previous] is the request a previous_response_id
// answered, so a re-ask that sends only a correction can be traced to its document.
// [Server.Billed] lists the requests a model answer was made for (what the live API
// charges): count them per document to check that no answer is paid for twice.
//
// # Streams and stream faults
//
// A request with stream: true gets the same Reply as SSE, with the live event sequence:
// response.created, response.in_progress, response.output_item.added,
// response.content_part.added, response.output_text.delta (chunks of
// [Reply.WithChunkSize] bytes, default 16, never splitting a UTF-8 sequence),
// response.output_text.done, response.content_part.done, response.output_item.done and
// response.completed (response.incomplete, response.failed; refusals stream
// response.refusal.delta and response.refusal.done). sequence_number counts from 0.
// There is no accumulator for Responses streams in openai-go: take the final response
// from the terminal event.
//
// Faults interrupt a stream after a number of events:
//
//   - [Reply.StreamError]: an "error" event {type, code, message, param}, then the end.
//   - [Reply.StreamDropAfter]: the connection closes; the client's stream.Err() is set.
//   - [Reply.StreamStallAfter]: nothing more is sent until the client's context is done
//     or the server is closed; test it with a short context deadline, not a sleep.
//
// Stalls and latencies end when the client gives up, and [Server.Close] ends those
// still waiting, so no goroutine outlives the server.
//
// # Background mode
//
// A request with background: true is answered at once with status "queued". Each GET
// /v1/responses/{id} moves it one step: "in_progress" for [Reply.WithPolls] polls
// (default 1), then its final status. POST /v1/responses/{id}/cancel makes an unfinished
// one "cancelled" and is idempotent. Responses created with store true (the default)
// can be retrieved by GET as well.
//
// # Files and batches
//
// POST /v1/files stores an upload (multipart, any purpose; [Server.Uploads] counts
// them) and GET /v1/files/{id}/content returns it. POST /v1/batches accepts endpoint
// "/v1/responses" and completion_window "24h" and creates a batch in "validating".
// Each input line's body runs through the same Handler (or queue) as a synchronous
// request, recorded with BatchID and CustomID set; answers with HTTP status 200 go to
// the output file, the others to the error file, in the live format
//
//	{"id":"batch_req_…","custom_id":"doc-1","response":{"status_code":200,"request_id":"req_…","body":{…}},"error":null}
//
// A batch moves one step on each GET /v1/batches/{id}, or only on
// [Server.AdvanceBatches] when its [BatchTimeline] is Manual. [Server.SetBatchTimeline]
// scripts the ending: [BatchCompleted] (validating, in_progress, finalizing,
// completed; with no output file when every request failed), [BatchExpired] (half the
// requests run, the rest are "batch_expired" lines in the error file) or [BatchFailed]
// (errors.data, no files). Malformed input files fail validation as the live service
// does. GET /v1/batches lists the batches newest first, with the API's limit and after
// cursor, without moving them. [Server.BatchesCreated] and [Server.Uploads] let a test
// check that a resumed run polls its existing batch instead of uploading again.
package extracttest
