package extract

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDropEcho(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"echo dropped, order kept", `{"id":"resp_1","instructions":"x","output":[{"type":"message"}],"text":{"format":{"type":"json_schema","schema":{"a":[1,{"b":"}"}]}}},"usage":{"input_tokens":3},"temperature":1.0}`,
			`{"id":"resp_1","output":[{"type":"message"}],"usage":{"input_tokens":3}}`},
		{"indented", "{\n  \"id\": \"r\",\n  \"tools\": [],\n  \"status\": \"completed\"\n}", `{"id":"r","status":"completed"}`},
		{"nothing echoed: as is", `{ "id": "r", "status": "completed" }`, `{ "id": "r", "status": "completed" }`},
		{"escaped key kept as written", `{"i\u0064":"r","t\u0065xt":{}}`, `{"i\u0064":"r"}`},
		{"numbers and literals", `{"a":-1.5e3,"b":true,"c":null,"text":[1,"]"],"d":"\\\""}`, `{"a":-1.5e3,"b":true,"c":null,"d":"\\\""}`},
		{"not an object", `[1,2]`, `[1,2]`},
		{"cut off", `{"id":"r","text":{"format":`, `{"id":"r","text":{"format":`},
		{"trailing data", `{"id":"r","text":{}} {}`, `{"id":"r","text":{}} {}`},
		{"invalid", `{"id":"r","text":{},}`, `{"id":"r","text":{},}`},
		{"empty", ``, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ok := dropEcho([]byte(tt.in))
			if got := string(out); got != tt.want || ok != (tt.in != tt.want) {
				t.Errorf("dropEcho(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzDropEcho: the body is kept as it is, or it was a JSON object and the
// result is the same object less the echoed fields.
func FuzzDropEcho(f *testing.F) {
	f.Add([]byte(`{"id":"resp_1","instructions":"x","output":[],"text":{"format":{}},"usage":null}`))
	f.Add([]byte(`{"id":"r","status":"completed"}`))
	f.Add([]byte(`{"text":1,"text":2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := dropEcho(body)
		if !ok {
			if !bytes.Equal(got, body) {
				t.Fatalf("not ok but changed: %q → %q", body, got)
			}
			return
		}
		var in, out map[string]json.RawMessage
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatalf("changed a body that is not a JSON object: %q → %q", body, got)
		}
		if err := json.Unmarshal(got, &out); err != nil {
			t.Fatalf("result is not a JSON object: %q → %q: %v", body, got, err)
		}
		for k := range echoed {
			delete(in, k)
		}
		norm := func(m map[string]json.RawMessage) map[string]string {
			s := map[string]string{}
			for k, v := range m {
				var b bytes.Buffer
				_ = json.Compact(&b, v)
				s[k] = b.String()
			}
			return s
		}
		if d := cmp.Diff(norm(in), norm(out)); d != "" {
			t.Fatalf("%q → %q: fields changed (-want +got):\n%s", body, got, d)
		}
	})
}
