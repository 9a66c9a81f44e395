package extract

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/schema"
)

// Call is one extraction in progress, one response at a time. Extract drives
// a Call in a loop over synchronous requests; an asynchronous executor (the
// Batch API, background requests) drives it with responses that arrive
// later, possibly in another process: State and RestoreCall carry it across.
//
//	c, _ := ex.NewCall(spec, inputs...)
//	for !c.Done() {
//		body, _ := c.Body()      // the next attempt's request body
//		resp := send(body)       // however it is sent
//		c.Handle(resp, latency)  // decode, validate, decide
//	}
//	value, res, err := c.Outcome()
type Call struct {
	ex       *Extractor
	spec     Spec
	parts    []inputPart
	examples []exampleTurn
	ev       *evidenceCall // nil without Extractor.Evidence
	st       CallState
	res      *Result
	done     bool
	value    json.RawMessage
	err      error
}

// CallState is what a Call must remember between attempts: enough to
// rebuild the next request after a restart.
type CallState struct {
	// Budget is the max_output_tokens of the next attempt.
	Budget int64 `json:"budget,omitempty"`
	// Raised is set once the budget was raised after a truncated answer.
	Raised bool `json:"raised,omitempty"`
	// PrevResponseID, PrevAnswer and Correction describe the re-ask, if the
	// next attempt is one.
	PrevResponseID string `json:"prev_response_id,omitempty"`
	PrevAnswer     string `json:"prev_answer,omitempty"`
	Correction     string `json:"correction,omitempty"`
	// Attempts made so far.
	Attempts []Attempt `json:"attempts,omitempty"`
}

// NewCall prepares an extraction; inputs that cannot be sent and a schema
// over the limits of strict mode (a *schema.LintError, unless
// IgnoreSchemaLimits) are an error here, before any request.
func (ex *Extractor) NewCall(spec Spec, inputs ...Input) (*Call, error) {
	return ex.RestoreCall(spec, CallState{Budget: ex.MaxOutputTokens}, inputs...)
}

// RestoreCall continues an extraction from a saved state.
func (ex *Extractor) RestoreCall(spec Spec, st CallState, inputs ...Input) (*Call, error) {
	if err := ex.checkLimits(&spec); err != nil {
		return nil, err
	}
	parts := make([]inputPart, 0, len(inputs))
	var examples []exampleTurn
	for _, in := range inputs {
		if in.kind == kindExample {
			e, err := newExample(&spec, in, len(examples))
			if err != nil {
				return nil, err
			}
			examples = append(examples, e)
			continue
		}
		p, err := in.wire()
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return nil, &InputError{Name: "document", Err: errors.New("no input")}
	}
	c := &Call{ex: ex, spec: spec, parts: parts, examples: examples, st: st, res: &Result{Model: ex.model()}}
	if ex.Evidence {
		if len(examples) > 0 {
			return nil, &InputError{Name: "example", Err: errors.New("worked examples cannot be sent with Evidence yet (their answers have no quotes)")}
		}
		ev, err := newEvidenceCall(ex, &spec, parts)
		if err != nil {
			return nil, err
		}
		c.ev = ev
	}
	for _, a := range st.Attempts {
		c.res.Usage.add(a.Usage)
		if a.ResponseID != "" {
			c.res.ResponseIDs = append(c.res.ResponseIDs, a.ResponseID)
		}
		c.res.Raw = a.Raw
	}
	c.res.Attempts = append([]Attempt(nil), st.Attempts...)
	if len(st.Attempts) >= ex.maxAttempts() {
		c.finish(nil, &InvalidError{Attempts: c.res.Attempts, Raw: c.res.Raw})
	}
	return c, nil
}

// State returns the state to save for RestoreCall.
func (c *Call) State() CallState {
	st := c.st
	st.Attempts = append([]Attempt(nil), c.res.Attempts...)
	return st
}

// Done reports whether the call is over.
func (c *Call) Done() bool { return c.done }

// Body returns the JSON body of the next attempt's POST /v1/responses, byte
// for byte what a synchronous call sends: a batch runner writes it to its
// input file.
func (c *Call) Body() (json.RawMessage, error) {
	return json.Marshal(c.next())
}

// next builds the next attempt's request.
func (c *Call) next() *wireRequest {
	var prev *turn
	if c.st.Correction != "" {
		prev = &turn{responseID: c.st.PrevResponseID, answer: c.st.PrevAnswer, correction: c.st.Correction}
	}
	if c.ev != nil {
		spec := c.spec
		spec.Schema = c.ev.schema
		return c.ex.request(&spec, c.examples, c.parts, c.st.Budget, prev)
	}
	return c.ex.request(&c.spec, c.examples, c.parts, c.st.Budget, prev)
}

// Fail ends the call with err (an API or transport error).
func (c *Call) Fail(err error) {
	if !c.done {
		c.finish(nil, err)
	}
}

// Outcome returns the valid answer, the metadata and the error of a call
// that is Done.
func (c *Call) Outcome() (json.RawMessage, *Result, error) {
	if !c.done {
		return nil, c.res, errors.New("extract: call is not done")
	}
	return c.value, c.res, c.err
}

func (c *Call) finish(v json.RawMessage, err error) {
	c.done, c.value, c.err = true, v, err
}

// Handle reads the response to the last request and decides: a valid answer
// or a final outcome ends the call; an invalid or truncated answer prepares
// the next Body. It returns Done().
func (c *Call) Handle(resp *responses.Response, latency time.Duration) bool {
	if c.done {
		return true
	}
	a := readResponse(resp)
	res := c.res
	att := Attempt{
		ResponseID: a.id, Status: a.status, Usage: a.usage,
		Latency: latency, MaxOutputTokens: c.st.Budget, Raw: a.text,
	}
	res.Usage.add(a.usage)
	if a.model != "" {
		res.Model = a.model
	}
	if a.id != "" {
		res.ResponseIDs = append(res.ResponseIDs, a.id)
	}
	res.Raw = a.text
	fail := func(err error) bool {
		att.Err = err.Error()
		res.Attempts = append(res.Attempts, att)
		c.finish(nil, err)
		return true
	}
	switch {
	case a.status == "failed":
		return fail(&ResponseError{ResponseID: a.id, Code: a.errCode, Message: a.errMessage})
	case a.refusal != "":
		res.Refusal = a.refusal
		return fail(&RefusalError{ResponseID: a.id, Message: a.refusal})
	case a.status == "incomplete":
		ie := &IncompleteError{ResponseID: a.id, Reason: a.incomplete, MaxOutputTokens: c.st.Budget,
			ReasoningTokens: a.usage.ReasoningTokens, Raw: a.text}
		budget, limit := c.st.Budget, c.ex.outputCap()
		if a.incomplete != "max_output_tokens" || c.st.Raised || budget >= limit ||
			len(res.Attempts)+1 >= c.ex.maxAttempts() {
			return fail(ie)
		}
		// Once more: with room to finish when a budget was set; as is when
		// none was, since an answer that ran into the model's own limit is
		// usually a runaway (whitespace or a repeated line inside the JSON)
		// that a second sample does not repeat.
		c.st.Raised = true
		if budget > 0 {
			c.st.Budget = min(budget*2, limit)
			att.Err = fmt.Sprintf("%s; retried once with max_output_tokens %d", ie.Error(), c.st.Budget)
		} else {
			att.Err = ie.Error() + "; retried once as is (no max_output_tokens set)"
		}
		res.Attempts = append(res.Attempts, att)
		return false
	case a.status != "completed":
		return fail(&ResponseError{ResponseID: a.id, Code: "unexpected_status",
			Message: fmt.Sprintf("response status %q", a.status)})
	}

	var errs []*schema.FieldError
	text, note := unwrapAnswer(a.text)
	att.Note = note
	value := []byte(text)
	switch {
	case text == "":
		errs = []*schema.FieldError{{Message: "the answer is empty; expected a JSON object"}}
	case c.ev != nil:
		value, res.Evidence, errs = c.ev.check(&c.spec, value)
	default:
		errs = c.spec.Check(value)
	}
	last := len(res.Attempts)+1 >= c.ex.maxAttempts()
	if len(errs) == 0 && c.ex.EvidenceReask && !last {
		if bad := evidenceErrors(res.Evidence); len(bad) > 0 {
			att.Errors = bad
			res.Attempts = append(res.Attempts, att)
			c.st.PrevResponseID, c.st.PrevAnswer, c.st.Correction = a.id, a.text, evidenceCorrection(bad)
			return false
		}
	}
	att.Errors = errs
	res.Attempts = append(res.Attempts, att)
	if len(errs) == 0 {
		c.finish(json.RawMessage(value), nil)
		return true
	}
	if last {
		c.finish(nil, &InvalidError{Attempts: res.Attempts, Raw: res.Raw})
		return true
	}
	c.st.PrevResponseID, c.st.PrevAnswer, c.st.Correction = a.id, a.text, correction(errs)
	return false
}
