package extract

import (
	"encoding/json"
	"sync/atomic"

	"github.com/openai/openai-go/v3/packages/param"
	"github.com/openai/openai-go/v3/responses"
)

// wireRequest is the body of one POST /v1/responses call, in the order it is
// sent: the stable parts (model, instructions, schema, document) first so
// prompt caching can match the longest prefix. Call.Body gives it, as JSON,
// to a batch runner, so that it writes exactly the body a synchronous call
// sends.
type wireRequest struct {
	Model              string            `json:"model"`
	Instructions       string            `json:"instructions,omitempty"`
	Text               wireText          `json:"text"`
	Input              []wireItem        `json:"input"`
	PreviousResponseID string            `json:"previous_response_id,omitempty"`
	Store              bool              `json:"store"`
	Temperature        *float64          `json:"temperature,omitempty"`
	TopP               *float64          `json:"top_p,omitempty"`
	Reasoning          *wireReasoning    `json:"reasoning,omitempty"`
	MaxOutputTokens    int64             `json:"max_output_tokens,omitempty"`
	PromptCacheKey     string            `json:"prompt_cache_key,omitempty"`
	Metadata           map[string]string `json:"metadata,omitempty"`
	ServiceTier        string            `json:"service_tier,omitempty"`
	Background         bool              `json:"background,omitempty"`
}

// wireText is the request's text setting: the structured output format.
type wireText struct {
	Format wireFormat `json:"format"`
}

// wireFormat is a json_schema text format. Schema is kept as raw JSON so the
// property order of the schema (the order the model writes keys in) survives.
type wireFormat struct {
	Type   string          `json:"type"`
	Name   string          `json:"name"`
	Schema json.RawMessage `json:"schema"`
	Strict bool            `json:"strict"`
}

// wireReasoning is the reasoning setting of reasoning models.
type wireReasoning struct {
	Effort string `json:"effort,omitempty"`
}

// wireItem is one message of the input: the document (role user), a
// previous answer (role assistant) or a correction (role user).
type wireItem struct {
	Type    string `json:"type"`
	Role    string `json:"role"`
	Content any    `json:"content"`
}

// params wraps the request as openai-go parameters. The body is sent as
// marshalled by encoding/json, byte for byte.
func (r *wireRequest) params() (responses.ResponseNewParams, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return responses.ResponseNewParams{}, err
	}
	var p responses.ResponseNewParams
	param.SetJSON(body, &p)
	return p, nil
}

// request builds the body of one attempt.
func (ex *Extractor) request(spec *Spec, examples []exampleTurn, parts []inputPart, maxOut int64, prev *turn) *wireRequest {
	r := &wireRequest{
		Model:        ex.model(),
		Instructions: ex.SentInstructions(),
		Text: wireText{Format: wireFormat{
			Type: "json_schema", Name: spec.Name, Schema: spec.Schema, Strict: true,
		}},
		Store:           ex.Store,
		MaxOutputTokens: maxOut,
		PromptCacheKey:  ex.PromptCacheKey,
		Metadata:        ex.Metadata,
		ServiceTier:     ex.ServiceTier,
	}
	dropped := atomic.LoadUint32(&ex.root().dropped)
	switch {
	case ex.reasoning():
		if ex.ReasoningEffort != "" && dropped&dropReasoning == 0 {
			r.Reasoning = &wireReasoning{Effort: ex.ReasoningEffort}
		}
	case dropped&dropSampling == 0:
		r.Temperature, r.TopP = ex.Temperature, ex.TopP
	}
	// Examples first: they are the same for many documents, so prompt
	// caching can match them.
	var conversation []wireItem
	for _, e := range examples {
		conversation = append(conversation,
			wireItem{Type: "message", Role: "user", Content: e.parts},
			wireItem{Type: "message", Role: "assistant", Content: e.answer})
	}
	document := wireItem{Type: "message", Role: "user", Content: parts}
	switch {
	case prev == nil:
		r.Input = append(conversation, document)
	case ex.Store && prev.responseID != "":
		// The server has the examples, the document and the previous
		// answer: send only the fix.
		r.PreviousResponseID = prev.responseID
		r.Input = []wireItem{{Type: "message", Role: "user", Content: prev.correction}}
	default:
		r.Input = append(conversation,
			document,
			wireItem{Type: "message", Role: "assistant", Content: prev.answer},
			wireItem{Type: "message", Role: "user", Content: prev.correction},
		)
	}
	return r
}

// turn is what a re-ask needs of the attempt before it.
type turn struct {
	responseID string
	answer     string
	correction string
}
