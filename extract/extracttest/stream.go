package extracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"
)

// This file serves a Reply as a Server-Sent Events stream, in the event sequence and
// field order of the live API.

// obj is a JSON object whose keys keep their order.
type obj []kv

type kv struct {
	k string
	v any
}

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(f.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// with returns o with sequence_number set to seq, placed before the key named before
// (or last when before is "").
func (o obj) with(seq int, before string) obj {
	out := make(obj, 0, len(o)+1)
	placed := false
	for _, f := range o {
		if f.k == before && !placed {
			out = append(out, kv{"sequence_number", seq})
			placed = true
		}
		out = append(out, f)
	}
	if !placed {
		out = append(out, kv{"sequence_number", seq})
	}
	return out
}

// An event is one SSE event before its sequence number is known.
type event struct {
	typ       string
	body      obj
	seqBefore string // key sequence_number is written before; "" for last
}

func (e event) encode(seq int) []byte {
	data, _ := json.Marshal(e.body.with(seq, e.seqBefore))
	return fmt.Appendf(nil, "event: %s\ndata: %s\n\n", e.typ, data)
}

// chunks splits s into pieces of about n bytes that never split a UTF-8 sequence.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > 0 {
		end := min(n, len(s))
		for end < len(s) && end > 0 && !utf8.RuneStart(s[end]) {
			end--
		}
		if end == 0 { // n smaller than one rune
			_, end = utf8.DecodeRuneInString(s)
		}
		out = append(out, s[:end])
		s = s[end:]
	}
	return out
}

// events returns the whole event sequence of a streamed answer.
func (a *answer) events(now time.Time) []event {
	var evs []event
	add := func(typ string, before string, fields ...kv) {
		evs = append(evs, event{typ: typ, body: append(obj{{"type", typ}}, fields...), seqBefore: before})
	}
	pending := a.response("in_progress", false, now)
	add("response.created", "", kv{"response", pending})
	add("response.in_progress", "", kv{"response", pending})

	if a.rsID != "" {
		add("response.output_item.added", "", kv{"item", a.reasoning()}, kv{"output_index", 0})
		add("response.output_item.done", "", kv{"item", a.reasoning()}, kv{"output_index", 0})
	}
	if a.hasMessage() {
		idx := a.messageIndex()
		add("response.output_item.added", "", kv{"item", a.message("in_progress")}, kv{"output_index", idx})
		add("response.content_part.added", "",
			kv{"content_index", 0}, kv{"item_id", a.msgID}, kv{"output_index", idx}, kv{"part", a.part("")})
		text := a.reply.text
		refusal := a.reply.kind == kindRefusal
		for _, c := range chunks(text, a.reply.chunkSize()) {
			if refusal {
				add("response.refusal.delta", "",
					kv{"content_index", 0}, kv{"delta", c}, kv{"item_id", a.msgID}, kv{"output_index", idx})
				continue
			}
			add("response.output_text.delta", "",
				kv{"content_index", 0}, kv{"delta", c}, kv{"item_id", a.msgID}, kv{"logprobs", []any{}},
				kv{"obfuscation", newID("", 5)}, kv{"output_index", idx})
		}
		if refusal {
			add("response.refusal.done", "",
				kv{"content_index", 0}, kv{"item_id", a.msgID}, kv{"output_index", idx}, kv{"refusal", text})
		} else {
			add("response.output_text.done", "text",
				kv{"content_index", 0}, kv{"item_id", a.msgID}, kv{"logprobs", []any{}}, kv{"output_index", idx}, kv{"text", text})
		}
		add("response.content_part.done", "",
			kv{"content_index", 0}, kv{"item_id", a.msgID}, kv{"output_index", idx}, kv{"part", a.part(text)})
		status := "completed"
		if a.reply.kind == kindIncomplete {
			status = "incomplete"
		}
		add("response.output_item.done", "", kv{"item", a.message(status, a.part(text))}, kv{"output_index", idx})
	}
	status := a.finalStatus()
	final := a.response(status, true, now)
	final.Billing = nil // streamed responses carry no billing block
	add("response."+status, "", kv{"response", final})
	return evs
}

// serveStream writes the answer as SSE, applying the reply's stream fault.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request, a *answer) {
	evs := a.events(time.Now())
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	flush := func() {
		if flusher != nil {
			flusher.Flush()
		}
	}
	flush()
	fault := a.reply.fault
	for i := 0; ; i++ {
		if fault != faultNone && i == min(a.reply.faultAfter, len(evs)) {
			switch fault {
			case faultError:
				e := event{typ: "error", body: obj{
					{"type", "error"}, {"code", nullable(a.reply.faultCode)}, {"message", a.reply.faultMsg}, {"param", nil},
				}}
				_, _ = w.Write(e.encode(i))
				flush()
			case faultDrop:
				drop(w)
			case faultStall:
				select {
				case <-r.Context().Done():
				case <-s.done:
				}
			}
			return
		}
		if i >= len(evs) {
			return
		}
		if _, err := w.Write(evs[i].encode(i)); err != nil {
			return
		}
		flush()
	}
}

// nullable returns nil (JSON null) for "" and s otherwise.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
