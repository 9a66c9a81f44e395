package extracttest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"
)

// This file renders Response objects in the field order the live API uses (see
// ../shared/corpus/responses-recorded/).

type responseObject struct {
	ID                 string             `json:"id"`
	Object             string             `json:"object"`
	CreatedAt          int64              `json:"created_at"`
	Status             string             `json:"status"`
	Background         bool               `json:"background"`
	Billing            *billing           `json:"billing,omitempty"`
	CompletedAt        *int64             `json:"completed_at"`
	Error              *responseError     `json:"error"`
	FrequencyPenalty   json.RawMessage    `json:"frequency_penalty"`
	IncompleteDetails  *incompleteDetails `json:"incomplete_details"`
	Instructions       json.RawMessage    `json:"instructions"`
	MaxOutputTokens    json.RawMessage    `json:"max_output_tokens"`
	MaxToolCalls       json.RawMessage    `json:"max_tool_calls"`
	Model              string             `json:"model"`
	Moderation         json.RawMessage    `json:"moderation"`
	Output             []any              `json:"output"`
	ParallelToolCalls  json.RawMessage    `json:"parallel_tool_calls"`
	PresencePenalty    json.RawMessage    `json:"presence_penalty"`
	PreviousResponseID json.RawMessage    `json:"previous_response_id"`
	PromptCacheKey     json.RawMessage    `json:"prompt_cache_key"`
	PromptCacheRet     json.RawMessage    `json:"prompt_cache_retention"`
	Reasoning          json.RawMessage    `json:"reasoning"`
	SafetyIdentifier   json.RawMessage    `json:"safety_identifier"`
	ServiceTier        json.RawMessage    `json:"service_tier"`
	Store              bool               `json:"store"`
	Temperature        json.RawMessage    `json:"temperature"`
	Text               json.RawMessage    `json:"text"`
	ToolChoice         json.RawMessage    `json:"tool_choice"`
	Tools              json.RawMessage    `json:"tools"`
	TopLogprobs        json.RawMessage    `json:"top_logprobs"`
	TopP               json.RawMessage    `json:"top_p"`
	Truncation         json.RawMessage    `json:"truncation"`
	Usage              *usageObject       `json:"usage"`
	User               json.RawMessage    `json:"user"`
	Metadata           json.RawMessage    `json:"metadata"`
}

type billing struct {
	Payer string `json:"payer"`
}

type responseError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type incompleteDetails struct {
	Reason string `json:"reason"`
}

type messageItem struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Status  string `json:"status"`
	Content []any  `json:"content"`
	Role    string `json:"role"`
}

type reasoningItem struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Content []any  `json:"content"`
	Summary []any  `json:"summary"`
}

type outputText struct {
	Type        string `json:"type"`
	Annotations []any  `json:"annotations"`
	Logprobs    []any  `json:"logprobs"`
	Text        string `json:"text"`
}

type refusalPart struct {
	Type    string `json:"type"`
	Refusal string `json:"refusal"`
}

type usageObject struct {
	InputTokens        int64 `json:"input_tokens"`
	InputTokensDetails struct {
		CachedTokens int64 `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokens        int64 `json:"output_tokens"`
	OutputTokensDetails struct {
		ReasoningTokens int64 `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
	TotalTokens int64 `json:"total_tokens"`
}

type usage struct{ input, cached, output, reasoning int64 }

func (u usage) object() *usageObject {
	o := &usageObject{InputTokens: u.input, OutputTokens: u.output, TotalTokens: u.input + u.output}
	o.InputTokensDetails.CachedTokens = u.cached
	o.OutputTokensDetails.ReasoningTokens = u.reasoning
	return o
}

// estimateTokens guesses a token count at about 4 bytes a token.
func estimateTokens(s string) int64 {
	if s == "" {
		return 0
	}
	return int64(len(s)+3) / 4
}

// newID returns prefix followed by n random bytes in hex, like the API's
// resp_0f8d9108fdddf23b016a3c1209558c819f839aa6a3efc268a1.
func newID(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// An answer is one Reply bound to one request: its ids, timestamps and the Response
// objects it renders at each stage.
type answer struct {
	req       *Request
	reply     Reply
	id        string
	msgID     string
	rsID      string
	createdAt int64
	usage     usage
}

func newAnswer(req *Request, reply Reply, now time.Time) *answer {
	a := &answer{
		req:       req,
		reply:     reply,
		id:        newID("resp_", 25),
		msgID:     newID("msg_", 25),
		createdAt: now.Unix(),
	}
	if reply.usage != nil {
		a.usage = *reply.usage
	} else {
		a.usage.input = estimateTokens(req.Instructions) + estimateTokens(req.InputText()) + estimateTokens(string(req.Schema)) + 8
		if reply.kind != kindFailed {
			a.usage.output = max(estimateTokens(reply.text), 1)
		}
	}
	if a.usage.reasoning > 0 {
		a.rsID = newID("rs_", 25)
	}
	return a
}

// finalStatus is the status the response ends in.
func (a *answer) finalStatus() string {
	switch a.reply.kind {
	case kindIncomplete:
		return "incomplete"
	case kindFailed:
		return "failed"
	}
	return "completed"
}

// hasMessage reports whether the final output holds a message item.
func (a *answer) hasMessage() bool {
	switch a.reply.kind {
	case kindFailed:
		return false
	case kindIncomplete:
		return a.reply.text != ""
	}
	return true
}

// messageIndex is the message's output_index.
func (a *answer) messageIndex() int {
	if a.rsID != "" {
		return 1
	}
	return 0
}

func (a *answer) reasoning() reasoningItem {
	return reasoningItem{ID: a.rsID, Type: "reasoning", Content: []any{}, Summary: []any{}}
}

// part returns the message's content part, filled with text (or empty).
func (a *answer) part(text string) any {
	if a.reply.kind == kindRefusal {
		return refusalPart{Type: "refusal", Refusal: text}
	}
	return outputText{Type: "output_text", Annotations: []any{}, Logprobs: []any{}, Text: text}
}

func (a *answer) message(status string, content ...any) messageItem {
	if content == nil {
		content = []any{}
	}
	return messageItem{ID: a.msgID, Type: "message", Status: status, Content: content, Role: "assistant"}
}

// output returns the final output items.
func (a *answer) output() []any {
	out := []any{}
	if a.rsID != "" {
		out = append(out, a.reasoning())
	}
	if a.hasMessage() {
		status := "completed"
		if a.reply.kind == kindIncomplete {
			status = "incomplete"
		}
		out = append(out, a.message(status, a.part(a.reply.text)))
	}
	return out
}

// response renders the Response object with the given status. final is true when
// the object carries the answer (output, usage, error, incomplete_details).
func (a *answer) response(status string, final bool, now time.Time) *responseObject {
	req := a.req
	or := func(name, def string) json.RawMessage {
		if v := req.field(name); v != nil {
			return v
		}
		return json.RawMessage(def)
	}
	model := a.reply.model
	if model == "" {
		model = req.Model
	}
	o := &responseObject{
		ID:                 a.id,
		Object:             "response",
		CreatedAt:          a.createdAt,
		Status:             status,
		Background:         req.Background,
		FrequencyPenalty:   or("frequency_penalty", "0.0"),
		Instructions:       or("instructions", "null"),
		MaxOutputTokens:    or("max_output_tokens", "null"),
		MaxToolCalls:       or("max_tool_calls", "null"),
		Model:              model,
		Moderation:         json.RawMessage("null"),
		Output:             []any{},
		ParallelToolCalls:  or("parallel_tool_calls", "true"),
		PresencePenalty:    or("presence_penalty", "0.0"),
		PreviousResponseID: or("previous_response_id", "null"),
		PromptCacheKey:     or("prompt_cache_key", "null"),
		PromptCacheRet:     or("prompt_cache_retention", `"in_memory"`),
		Reasoning:          a.reasoningConfig(),
		SafetyIdentifier:   or("safety_identifier", "null"),
		ServiceTier:        or("service_tier", `"default"`),
		Store:              req.Store,
		Temperature:        or("temperature", "1.0"),
		Text:               a.textConfig(),
		ToolChoice:         or("tool_choice", `"auto"`),
		Tools:              or("tools", "[]"),
		TopLogprobs:        or("top_logprobs", "0"),
		TopP:               or("top_p", "1.0"),
		Truncation:         or("truncation", `"disabled"`),
		User:               or("user", "null"),
		Metadata:           or("metadata", "{}"),
	}
	if !final {
		return o
	}
	o.Billing = &billing{Payer: "developer"}
	if status != "queued" && status != "in_progress" {
		t := now.Unix()
		o.CompletedAt = &t
	}
	switch status {
	case "completed", "incomplete", "failed":
		o.Output = a.output()
		o.Usage = a.usage.object()
	}
	switch status {
	case "failed":
		o.Error = &responseError{Code: a.reply.code, Message: a.reply.message}
	case "incomplete":
		o.IncompleteDetails = &incompleteDetails{Reason: a.reply.reason}
	}
	return o
}

func (a *answer) reasoningConfig() json.RawMessage {
	var in struct {
		Effort  json.RawMessage `json:"effort"`
		Summary json.RawMessage `json:"summary"`
	}
	_ = json.Unmarshal(a.req.field("reasoning"), &in)
	out := struct {
		Context json.RawMessage `json:"context"`
		Effort  json.RawMessage `json:"effort"`
		Summary json.RawMessage `json:"summary"`
	}{json.RawMessage("null"), nullIfEmpty(in.Effort), nullIfEmpty(in.Summary)}
	b, _ := json.Marshal(out)
	return b
}

func (a *answer) textConfig() json.RawMessage {
	format, verbosity := a.req.Text, a.req.verbosity
	if format == nil {
		format = json.RawMessage(`{"type":"text"}`)
	}
	if len(verbosity) == 0 || string(verbosity) == "null" {
		verbosity = json.RawMessage(`"medium"`)
	}
	// Both come from the request as it was parsed (valid JSON); the
	// Response's encoder compacts them, keeping the schema's key order.
	b := make([]byte, 0, len(format)+len(verbosity)+25)
	b = append(append(b, `{"format":`...), format...)
	b = append(append(b, `,"verbosity":`...), verbosity...)
	return append(b, '}')
}

func nullIfEmpty(v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return json.RawMessage("null")
	}
	return v
}
