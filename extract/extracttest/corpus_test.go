package extracttest_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract/extracttest"
)

// This file checks the fake against real recorded traffic
// (../shared/corpus/responses-recorded/): every recorded answer decodes with openai-go,
// and the fake answers the same recorded request with the same set of fields, so any
// drift between the fake and the live API shows here.

// corpusDir returns the recorded corpus folder, or skips the test when it is absent.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the package")
		}
		dir = parent
	}
	corpus := filepath.Join(dir, "..", "shared", "corpus", "responses-recorded")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("corpus absent: %v", err)
	}
	return corpus
}

type recording struct {
	Interactions []struct {
		Request struct {
			Path string          `json:"path"`
			Body json.RawMessage `json:"body"`
		} `json:"request"`
		Response struct {
			Status int    `json:"status"`
			Body   string `json:"body"`
		} `json:"response"`
	} `json:"interactions"`
}

// paths adds to out the path of every object key in v, naming array elements by their
// type when they have one: "output[message].content[output_text].text".
func paths(v any, prefix string, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out[p] = true
			paths(e, p, out)
		}
	case []any:
		for _, e := range v {
			m, _ := e.(map[string]any)
			typ, _ := m["type"].(string)
			paths(e, prefix+"["+typ+"]", out)
		}
	}
}

func shapeOf(t *testing.T, data []byte) map[string]bool {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%v in %.200s", err, data)
	}
	out := map[string]bool{}
	paths(v, "", out)
	return out
}

// sseEvents splits an SSE body into (event name, data) pairs.
func sseEvents(t *testing.T, body string) [][2]string {
	t.Helper()
	var out [][2]string
	var name string
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			out = append(out, [2]string{name, strings.TrimPrefix(line, "data: ")})
		}
	}
	return out
}

// ignored reports whether a recorded field belongs to something the fake does not
// produce: Azure's content filters, reasoning summaries, encrypted reasoning, tool calls.
func ignored(path string) bool {
	for _, s := range []string{"content_filters", "summary[summary_text]", "encrypted_content", "[function_call]", "function_call_arguments", "reasoning_summary"} {
		if strings.Contains(path, s) {
			return true
		}
	}
	return false
}

// compareShapes reports fields the fake invents (in got, not in want) and recorded
// fields the fake leaves out (in want, not in got), apart from ignored ones. Azure
// sends no billing block and no content in reasoning items: the fake follows OpenAI.
func compareShapes(t *testing.T, where string, azure bool, want, got map[string]bool) {
	t.Helper()
	var extra, missing []string
	for p := range got {
		azureOnly := strings.HasPrefix(p, "billing") || strings.HasSuffix(p, "[reasoning].content") || p == "item.content" && strings.HasSuffix(where, "/reasoning")
		if !want[p] && !(azure && azureOnly) {
			extra = append(extra, p)
		}
	}
	for p := range want {
		if !got[p] && !ignored(p) {
			missing = append(missing, p)
		}
	}
	slices.Sort(extra)
	slices.Sort(missing)
	if len(extra) > 0 {
		t.Errorf("%s: fields the live API does not send: %v", where, extra)
	}
	if len(missing) > 0 {
		t.Errorf("%s: recorded fields the fake leaves out: %v", where, missing)
	}
}

func TestCorpusShapes(t *testing.T) {
	dir := corpusDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Skipf("no recordings in %s", dir)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var rec recording
			if err := json.Unmarshal(b, &rec); err != nil {
				t.Fatal(err)
			}
			for i, it := range rec.Interactions {
				recorded := it.Response.Body
				if it.Response.Status != http.StatusOK {
					continue
				}
				azure := strings.HasPrefix(it.Request.Path, "/openai/")
				streaming := !strings.HasPrefix(strings.TrimSpace(recorded), "{")
				compact := strings.ReplaceAll(recorded, `": "`, `":"`)
				reasoning := strings.Contains(compact, `"type":"reasoning"`)
				// The fake answers with a message: compare only recorded answers that
				// hold one (the others are tool calls), but decode them all.
				message := strings.Contains(compact, `"type":"message"`)
				if !streaming {
					var r responses.Response
					if err := json.Unmarshal([]byte(recorded), &r); err != nil {
						t.Fatalf("interaction %d: recorded answer does not decode: %v", i, err)
					}
					if message && r.OutputText() == "" {
						t.Errorf("interaction %d: recorded message has no output text", i)
					}
					if message {
						ours := replay(t, it.Request.Body, reasoning)
						compareShapes(t, "response", azure, shapeOf(t, []byte(recorded)), shapeOf(t, []byte(ours)))
						compareOrder(t, "response", recorded, ours)
					}
					continue
				}
				want := eventShapes(t, recorded)
				if !message {
					continue
				}
				ours := replay(t, it.Request.Body, reasoning)
				got := eventShapes(t, ours)
				compareEventOrder(t, recorded, ours)
				for typ, g := range got {
					w, ok := want[typ]
					if !ok {
						t.Errorf("event %q is not in the recording", typ)
						continue
					}
					compareShapes(t, typ, azure, w, g)
				}
				for typ := range want {
					if _, ok := got[typ]; !ok && !ignored(typ) {
						t.Errorf("recorded event %q is not produced by the fake", typ)
					}
				}
			}
		})
	}
}

// eventShapes decodes every event of an SSE body with openai-go and returns the union
// of field paths per event type.
func eventShapes(t *testing.T, body string) map[string]map[string]bool {
	t.Helper()
	out := map[string]map[string]bool{}
	for _, e := range sseEvents(t, body) {
		var ev responses.ResponseStreamEventUnion
		if err := json.Unmarshal([]byte(e[1]), &ev); err != nil {
			t.Fatalf("event %s does not decode: %v", e[0], err)
		}
		if ev.Type != e[0] || ev.AsAny() == nil {
			t.Errorf("event %q: type %q, decoded as %T", e[0], ev.Type, ev.AsAny())
		}
		typ := ev.Type
		if ev.Item.Type != "" {
			typ += "/" + ev.Item.Type // output_item events, by item type
		}
		if out[typ] == nil {
			out[typ] = map[string]bool{}
		}
		for p := range shapeOf(t, []byte(e[1])) {
			out[typ][p] = true
		}
	}
	return out
}

// replay sends a recorded request body to a fresh fake and returns its answer's body.
func replay(t *testing.T, body json.RawMessage, reasoning bool) string {
	t.Helper()
	reply := extracttest.Text("Olá!")
	if reasoning {
		reply = reply.WithUsage(20, 0, 90, 64)
	}
	s := extracttest.NewServer(nil)
	defer s.Close()
	s.Enqueue(reply)
	res, err := http.Post(s.URL+"/responses", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("replay: %d %s %v", res.StatusCode, b, err)
	}
	return string(b)
}

// keyOrder returns the top-level keys of the JSON object data, in order.
func keyOrder(t *testing.T, data string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(data))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// compareOrder checks that the keys both objects have come in the same order.
func compareOrder(t *testing.T, where, recorded, ours string) {
	t.Helper()
	want, got := keyOrder(t, recorded), keyOrder(t, ours)
	want = slices.DeleteFunc(want, func(k string) bool { return !slices.Contains(got, k) })
	got = slices.DeleteFunc(got, func(k string) bool { return !slices.Contains(want, k) })
	if !slices.Equal(want, got) {
		t.Errorf("%s: key order %v, live API %v", where, got, want)
	}
}

// compareEventOrder checks the key order of the first event of each type.
func compareEventOrder(t *testing.T, recorded, ours string) {
	t.Helper()
	first := map[string]string{}
	for _, e := range sseEvents(t, recorded) {
		if _, ok := first[e[0]]; !ok {
			first[e[0]] = e[1]
		}
	}
	for _, e := range sseEvents(t, ours) {
		if rec, ok := first[e[0]]; ok {
			compareOrder(t, e[0], rec, e[1])
		}
	}
}
