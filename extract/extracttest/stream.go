package extracttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/seed0611af48/quarry/internal/ojson"
)

// This file serves a Reply as a Server-Sent Events stream, in the event sequence and
// field order of the live API.

// The fake writes its JSON objects with internal/ojson, keys in the order the live API
// writes them: object(kv("type", t), kv("delta", d), ...).

// object returns a JSON object of members, in order.
func object(members ...ojson.Member) ojson.Value { return ojson.Obj(members...) }

// kv is one member of an object; v is a Go value, written as encoding/json writes it.
func kv(k string, v any) ojson.Member { return ojson.Member{Key: k, Value: jsonValue(v)} }

// jsonValue converts a Go value: the fake's own scalars and objects directly, anything
// else (the response, item and part structs) through encoding/json.
func jsonValue(v any) ojson.Value {
	switch x := v.(type) {
	case nil:
		return ojson.Value{}
	case ojson.Value:
		return x
	case string:
		return ojson.Str(x)
	case int:
		return ojson.Num(strconv.Itoa(x))
	case bool:
		return ojson.Boolean(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("extracttest: %T: %v", v, err))
	}
	out, err := ojson.Options{KeepDuplicates: true}.Parse(b)
	if err != nil {
		panic(fmt.Sprintf("extracttest: %T: %v", v, err))
	}
	return out
}

// withSeq returns body with sequence_number set to seq, placed before the key named
// before (or last when before is "").
func withSeq(body ojson.Value, seq int, before string) ojson.Value {
	out := ojson.Value{Kind: ojson.Object, Members: make([]ojson.Member, 0, len(body.Members)+1)}
	placed := false
	for _, m := range body.Members {
		if m.Key == before && !placed {
			out.Members = append(out.Members, kv("sequence_number", seq))
			placed = true
		}
		out.Members = append(out.Members, m)
	}
	if !placed {
		out.Members = append(out.Members, kv("sequence_number", seq))
	}
	return out
}

// An event is one SSE event before its sequence number is known.
type event struct {
	typ       string
	body      ojson.Value
	seqBefore string // key sequence_number is written before; "" for last
}

func (e event) encode(seq int) []byte {
	data, _ := json.Marshal(withSeq(e.body, seq, e.seqBefore))
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
	add := func(typ string, before string, fields ...ojson.Member) {
		evs = append(evs, event{typ: typ, body: object(append([]ojson.Member{kv("type", typ)}, fields...)...), seqBefore: before})
	}
	pending := a.response("in_progress", false, now)
	add("response.created", "", kv("response", pending))
	add("response.in_progress", "", kv("response", pending))

	if a.rsID != "" {
		add("response.output_item.added", "", kv("item", a.reasoning()), kv("output_index", 0))
		add("response.output_item.done", "", kv("item", a.reasoning()), kv("output_index", 0))
	}
	if a.hasMessage() {
		idx := a.messageIndex()
		add("response.output_item.added", "", kv("item", a.message("in_progress")), kv("output_index", idx))
		add("response.content_part.added", "",
			kv("content_index", 0), kv("item_id", a.msgID), kv("output_index", idx), kv("part", a.part("")))
		text := a.reply.text
		refusal := a.reply.kind == kindRefusal
		for _, c := range chunks(text, a.reply.chunkSize()) {
			if refusal {
				add("response.refusal.delta", "",
					kv("content_index", 0), kv("delta", c), kv("item_id", a.msgID), kv("output_index", idx))
				continue
			}
			add("response.output_text.delta", "",
				kv("content_index", 0), kv("delta", c), kv("item_id", a.msgID), kv("logprobs", []any{}),
				kv("obfuscation", newID("", 5)), kv("output_index", idx))
		}
		if refusal {
			add("response.refusal.done", "",
				kv("content_index", 0), kv("item_id", a.msgID), kv("output_index", idx), kv("refusal", text))
		} else {
			add("response.output_text.done", "text",
				kv("content_index", 0), kv("item_id", a.msgID), kv("logprobs", []any{}), kv("output_index", idx), kv("text", text))
		}
		add("response.content_part.done", "",
			kv("content_index", 0), kv("item_id", a.msgID), kv("output_index", idx), kv("part", a.part(text)))
		status := "completed"
		if a.reply.kind == kindIncomplete {
			status = "incomplete"
		}
		add("response.output_item.done", "", kv("item", a.message(status, a.part(text))), kv("output_index", idx))
	}
	status := a.finalStatus()
	final := a.response(status, true, now)
	final.Billing = nil // streamed responses carry no billing block
	add("response."+status, "", kv("response", final))
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
				e := event{typ: "error", body: object(
					kv("type", "error"), kv("code", nullable(a.reply.faultCode)), kv("message", a.reply.faultMsg), kv("param", nil),
				)}
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
