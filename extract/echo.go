package extract

import (
	"bytes"
	"encoding/json"
)

// A Response object repeats the request's configuration: the instructions,
// text.format with the whole JSON Schema, tools, reasoning and sampling
// settings. Quarry reads none of it (it sent it), yet openai-go's decoder
// spends most of its time there: for an answer of a few hundred bytes the
// echoed schema makes a body of several kilobytes, decoded field by field
// into generic maps. bodyGuard, which reads each answer whole anyway, hands
// the SDK the body without these fields (dropEcho), which cuts the CPU a
// response costs to decode by about two thirds. Everything an answer says
// of itself (id, status, model, output, usage, error, incomplete details,
// service tier, …) is kept, in order, byte for byte; so is every field not
// listed below.

// echoed are the top-level Response fields that repeat the request.
var echoed = map[string]bool{
	"instructions": true, "text": true, "tools": true, "tool_choice": true, "reasoning": true,
	"temperature": true, "top_p": true, "top_logprobs": true, "truncation": true,
	"parallel_tool_calls": true, "max_output_tokens": true, "max_tool_calls": true,
	"frequency_penalty": true, "presence_penalty": true, "prompt": true, "prompt_cache_key": true,
	"prompt_cache_retention": true, "safety_identifier": true, "user": true, "metadata": true,
}

// dropEcho returns body, a JSON object, without its echoed fields, in a new
// slice; ok is false, and body is to be used as it is, for anything else
// (invalid JSON, not an object, nothing echoed), for the SDK to decode or
// reject as before.
func dropEcho(body []byte) (out []byte, ok bool) {
	if !json.Valid(body) {
		return body, false
	}
	// body is valid JSON from here on: the scan only finds where each
	// top-level member starts and ends.
	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '{' {
		return body, false
	}
	out = make([]byte, 0, len(body))
	out = append(out, '{')
	dropped := false
	for i = skipSpace(body, i+1); body[i] != '}'; i = skipSpace(body, i+1) {
		start := i
		keyEnd := skipValue(body, i)
		key, err := memberName(body[start:keyEnd])
		if err != nil {
			return body, false
		}
		i = skipSpace(body, skipSpace(body, keyEnd)+1) // past ':'
		end := skipValue(body, i)
		if echoed[key] {
			dropped = true
		} else {
			if len(out) > 1 {
				out = append(out, ',')
			}
			out = append(append(append(out, body[start:keyEnd]...), ':'), body[i:end]...)
		}
		i = skipSpace(body, end)
		if body[i] == '}' {
			break
		}
	}
	if !dropped {
		return body, false
	}
	return append(out, '}'), true
}

// memberName is a member's name from its JSON string.
func memberName(quoted []byte) (string, error) {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return string(quoted[1 : len(quoted)-1]), nil
	}
	var s string
	err := json.Unmarshal(quoted, &s)
	return s, err
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the valid JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
			if depth < 0 {
				return i
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}
