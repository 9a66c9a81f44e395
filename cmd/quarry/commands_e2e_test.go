package main

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/schema"
)

// TestSchemaCommand prints strict schemas that the linter accepts.
func TestSchemaCommand(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	for _, arg := range []string{
		"vendor, total number, lines [description, quantity int]",
		"customer, category (billing|bug|account|other), priority (low|medium|high), summary: one sentence, order_id?, due date, tags []string, address {street, city}",
		"testdata/invoice.schema.json",
		"testdata/ticket.schema.json",
	} {
		t.Run(arg, func(t *testing.T) {
			r := c.run(t, exitOK, "schema", arg)
			if !json.Valid([]byte(r.stdout)) {
				t.Fatalf("stdout is not JSON:\n%s", r.stdout)
			}
			if f := schema.Lint([]byte(r.stdout)); len(f) > 0 {
				t.Errorf("schema.Lint: %v\n%s", f, r.stdout)
			}
			if !strings.Contains(r.stderr, "strict mode: OK") {
				t.Errorf("stderr does not say strict mode is OK:\n%s", r.stderr)
			}
			var s struct {
				Type                 string          `json:"type"`
				AdditionalProperties *bool           `json:"additionalProperties"`
				Properties           json.RawMessage `json:"properties"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
				t.Fatal(err)
			}
			if s.Type != "object" || s.AdditionalProperties == nil || *s.AdditionalProperties {
				t.Errorf("root: type %q additionalProperties %v, want a closed object", s.Type, s.AdditionalProperties)
			}
		})
	}
	t.Run("file changes", func(t *testing.T) {
		r := c.run(t, exitOK, "schema", "testdata/invoice.schema.json")
		if !strings.Contains(r.stderr, "/properties/due_date") {
			t.Errorf("stderr does not list the change to the optional due_date:\n%s", r.stderr)
		}
	})
	t.Run("bad spec", func(t *testing.T) {
		r := c.run(t, exitUsage, "schema", "vendor, total numbr")
		if !strings.Contains(r.stderr, "offset") {
			t.Errorf("stderr does not give the offset:\n%s", r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("stdout is not empty:\n%s", r.stdout)
		}
	})
	t.Run("not strict", func(t *testing.T) {
		writeFile(t, dir, "ns.json", []byte(`{"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"string"}}}}`))
		r := c.run(t, exitFatal, "schema", "ns.json")
		if !strings.Contains(r.stderr, "/properties/m/additionalProperties") {
			t.Errorf("stderr does not name the pointer:\n%s", r.stderr)
		}
	})
}

const secret = "sk-secret-123"

// noSecret fails the test if the API key is in the output or in any file
// under dir.
func noSecret(t *testing.T, dir string, r cli) {
	t.Helper()
	if strings.Contains(r.stdout, secret) || strings.Contains(r.stderr, secret) {
		t.Errorf("the API key is in the output:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), secret) {
			t.Errorf("the API key is in %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// firstRequest is the JSON body printed by --dry-run.
func firstRequest(t *testing.T, stdout string) map[string]any {
	t.Helper()
	_, rest, ok := strings.Cut(stdout, "# Authorization: Bearer [redacted]\n")
	if !ok {
		t.Fatalf("no first request in the dry run:\n%s", stdout)
	}
	body, _, _ := strings.Cut(rest, "\n# ")
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("first request: %v\n%s", err, body)
	}
	return m
}

// TestDryRun prints the strict schema, the first request and estimates, and
// sends nothing: no request, no ledger, no key anywhere.
func TestDryRun(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "no requests expected", http.StatusTeapot)
	}))
	defer srv.Close()
	c := cmd{dir: dir, env: []string{"OPENAI_API_KEY=" + secret, "OPENAI_BASE_URL=" + srv.URL}}

	for _, tt := range []struct {
		name string
		args []string
	}{
		{"mock", []string{"--mock"}},
		{"real", []string{"--base-url", srv.URL}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"run", "--schema", "testdata/invoice.schema.json", "--in", "testdata/samples",
				"--exclude", "tickets/**", "--pdf-password", "user", "--dry-run", "-v"}, tt.args...)
			r := c.run(t, exitOK, args...)
			for _, s := range []string{
				"# Strict JSON Schema", `"additionalProperties": false`, "# First request: POST /responses",
				"about ", "input tokens", "estimated cost $", "nothing was sent",
			} {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("dry run does not print %q:\n%s", s, r.stdout)
				}
			}
			req := firstRequest(t, r.stdout)
			if req["model"] != "gpt-4.1" {
				t.Errorf("first request model %v", req["model"])
			}
			format, _ := req["text"].(map[string]any)["format"].(map[string]any)
			if format["type"] != "json_schema" || format["strict"] != true || format["name"] != "invoice" {
				t.Errorf("first request text.format: %v", format)
			}
			if n := strings.Count(r.stdout, "input tokens\n"); n != 9 {
				t.Errorf("%d per-document estimates, want 9", n)
			}
			if _, err := os.Stat(filepath.Join(dir, ".quarry")); err == nil {
				t.Errorf("the dry run created a run dir")
			}
			noSecret(t, dir, r)
		})
	}
	t.Run("image payload shortened", func(t *testing.T) {
		r := c.run(t, exitOK, "run", "--mock", "--schema", "vendor", "--in", "testdata/samples/receipts", "--dry-run")
		if !strings.Contains(r.stdout, "base64 characters)") {
			t.Errorf("the image payload is not shortened:\n%s", r.stdout)
		}
		noSecret(t, dir, r)
	})
	if n := hits.Load(); n != 0 {
		t.Errorf("the dry runs sent %d requests", n)
	}
}

// TestKeyHygiene runs with OPENAI_API_KEY set, against the simulated model
// (--mock) and against a fake server (the key is sent there, and only there).
func TestKeyHygiene(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	var mu sync.Mutex
	var auth []string
	srv := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		mu.Lock()
		auth = append(auth, r.Header.Get("Authorization"))
		mu.Unlock()
		return extracttest.JSON(map[string]any{"vendor": "Acme", "total": 12.5}).WithUsage(100, 0, 10, 0)
	})
	defer srv.Close()
	c := cmd{dir: dir, env: []string{"OPENAI_API_KEY=" + secret}}

	r := c.run(t, exitOK, "run", "--mock", "-v", "--schema", "vendor, total number", "--in", "testdata/samples/notes",
		"--out", "m.jsonl", "--out", "m.csv", "--out", "m.xlsx")
	if !strings.Contains(r.stderr, "--mock: running against the built-in simulated model") {
		t.Errorf("stderr does not say --mock runs the simulated model:\n%s", r.stderr)
	}
	noSecret(t, dir, r)

	// --mock=auto with a key: the real API, here the fake server.
	r = c.run(t, exitOK, "run", "--mock=auto", "-v", "--base-url", srv.URL, "--schema", "vendor, total number",
		"--in", "testdata/samples/notes", "--out", "r.jsonl", "--out", "r.xlsx")
	if strings.Contains(r.stderr, "simulated") {
		t.Errorf("a run with a key and --mock=auto says it is simulated:\n%s", r.stderr)
	}
	got, _ := readJSONL(t, dir, "r.jsonl")
	for id, l := range got {
		if l.Status != "ok" || l.Simulated {
			t.Errorf("%s: status %q simulated %v", id, l.Status, l.Simulated)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(auth) != 2 {
		t.Errorf("the server got %d requests, want 2", len(auth))
	}
	for _, a := range auth {
		if a != "Bearer "+secret {
			t.Errorf("Authorization %q, want the key", a)
		}
	}
	noSecret(t, dir, r)
}
