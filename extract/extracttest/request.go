package extracttest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// A Request is one request the server received, as recorded by [Server.Requests] and
// passed to a [Handler]. The conveniences below Body are parsed from a POST
// /v1/responses body (they are zero for other endpoints). A Handler must not modify it.
type Request struct {
	// Seq is the request's position in [Server.Requests], from 0.
	Seq    int
	Method string
	Path   string // for example "/v1/responses"
	Header http.Header
	Body   []byte

	// BatchID and CustomID are set when the request is a line of a batch input file
	// run through the Handler ([Server.AdvanceBatches]); Header is then empty.
	BatchID  string
	CustomID string

	Model              string
	Instructions       string // when instructions is a string
	PreviousResponseID string
	// Previous is the request that PreviousResponseID answered, when the
	// server stored that response: a Handler finds the document of a re-ask
	// that sends only a correction by following Previous to the first
	// request.
	Previous   *Request
	Stream     bool
	Store      bool // true when absent, the API's default
	Background bool

	Input json.RawMessage // the input field, raw
	// Text is text.format, raw (nil when absent).
	Text json.RawMessage
	// Schema is text.format.schema, raw: its key order is the order the client sent.
	Schema json.RawMessage

	MaxOutputTokens int64 // 0 when absent
	Metadata        map[string]string

	fields    map[string]json.RawMessage // top-level fields of the body, for echoing
	verbosity json.RawMessage            // text.verbosity, raw
}

// InputText returns every text of the input joined with "\n": the input itself when it
// is a string, else the string content of each input message and the text of each
// input_text and output_text part, in order. Handlers route on it:
//
//	if strings.Contains(r.InputText(), "INVOICE 42") { ... }
func (r *Request) InputText() string {
	if len(r.Input) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(r.Input, &s) == nil {
		return s
	}
	var items []struct {
		Type    string          `json:"type"`
		Content json.RawMessage `json:"content"`
		Text    *string         `json:"text"`
	}
	if json.Unmarshal(r.Input, &items) != nil {
		return ""
	}
	var texts []string
	for _, it := range items {
		if it.Text != nil && (it.Type == "input_text" || it.Type == "output_text") {
			texts = append(texts, *it.Text)
			continue
		}
		if len(it.Content) == 0 {
			continue
		}
		if json.Unmarshal(it.Content, &s) == nil {
			texts = append(texts, s)
			continue
		}
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if json.Unmarshal(it.Content, &parts) != nil {
			continue
		}
		for _, p := range parts {
			if p.Type == "input_text" || p.Type == "output_text" {
				texts = append(texts, p.Text)
			}
		}
	}
	return strings.Join(texts, "\n")
}

// field returns the raw top-level field name of the body, or nil when absent or null.
func (r *Request) field(name string) json.RawMessage {
	v := r.fields[name]
	if len(v) == 0 || bytes.Equal(v, []byte("null")) {
		return nil
	}
	return v
}

// requestError is a 400 invalid_request_error found while parsing a request body.
type requestError struct {
	message, param, code string
}

// parseResponsesBody fills r's conveniences from its Body (a CreateResponse).
func (r *Request) parseResponsesBody() *requestError {
	if err := json.Unmarshal(r.Body, &r.fields); err != nil || r.fields == nil {
		return &requestError{message: "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"}
	}
	str := func(name string) string {
		var s string
		_ = json.Unmarshal(r.field(name), &s)
		return s
	}
	flag := func(name string, def bool) bool {
		b := def
		if v := r.field(name); v != nil {
			_ = json.Unmarshal(v, &b)
		}
		return b
	}
	r.Model = str("model")
	r.Instructions = str("instructions")
	r.PreviousResponseID = str("previous_response_id")
	r.Stream = flag("stream", false)
	r.Store = flag("store", true)
	r.Background = flag("background", false)
	r.Input = r.field("input")
	_ = json.Unmarshal(r.field("max_output_tokens"), &r.MaxOutputTokens)
	_ = json.Unmarshal(r.field("metadata"), &r.Metadata)

	if r.Model == "" {
		return &requestError{message: "Missing required parameter: 'model'.", param: "model", code: "missing_required_parameter"}
	}
	if r.Input == nil {
		return &requestError{message: "Missing required parameter: 'input'.", param: "input", code: "missing_required_parameter"}
	}
	v := r.field("text")
	if v == nil {
		return nil
	}
	t, perr := parseText(v)
	if t != nil {
		r.verbosity, r.Text, r.Schema = t.verbosity, t.format, t.schema
	}
	return perr
}

// textField is what a request's text field says.
type textField struct {
	verbosity, format, schema json.RawMessage
}

// texts caches parseText's answers: a run sends the same text field, with
// the whole schema, in every request.
var texts struct {
	sync.Mutex
	m map[string]*textField
}

// parseText reads a request's text field (not null): verbosity, and
// text.format with its schema when the format is json_schema. With an error
// it returns what it read before it.
func parseText(v json.RawMessage) (*textField, *requestError) {
	texts.Lock()
	t, ok := texts.m[string(v)]
	texts.Unlock()
	if ok {
		return t, nil
	}
	var text struct {
		Format    json.RawMessage `json:"format"`
		Verbosity json.RawMessage `json:"verbosity"`
	}
	if json.Unmarshal(v, &text) != nil {
		return nil, &requestError{message: "Invalid type for 'text': expected an object.", param: "text", code: "invalid_type"}
	}
	t = &textField{verbosity: text.Verbosity}
	if len(text.Format) > 0 && !bytes.Equal(text.Format, []byte("null")) {
		t.format = text.Format
		var format struct {
			Type   string          `json:"type"`
			Name   string          `json:"name"`
			Schema json.RawMessage `json:"schema"`
		}
		if json.Unmarshal(text.Format, &format) != nil {
			return t, &requestError{message: "Invalid type for 'text.format': expected an object.", param: "text.format", code: "invalid_type"}
		}
		if format.Type == "json_schema" {
			if format.Name == "" {
				return t, &requestError{message: "Missing required parameter: 'text.format.name'.", param: "text.format.name", code: "missing_required_parameter"}
			}
			if len(format.Schema) == 0 || bytes.Equal(format.Schema, []byte("null")) {
				return t, &requestError{message: "Missing required parameter: 'text.format.schema'.", param: "text.format.schema", code: "missing_required_parameter"}
			}
			t.schema = format.Schema
		}
	}
	texts.Lock()
	if len(texts.m) >= 64 || texts.m == nil {
		texts.m = make(map[string]*textField)
	}
	texts.m[string(v)] = t
	texts.Unlock()
	return t, nil
}
