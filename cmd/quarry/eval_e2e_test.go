package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/seed0611af48/quarry/extract/extracttest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", p, d)
	}
}

// twoModels is a fake Responses API with two scripted models: gpt-4.1
// answers both sample notes right; gpt-4.1-nano breaks the schema once
// (one re-ask), shouts the vendor and reorders the lines of Brightpath
// (still right), and gets Kowalski's total wrong and drops a line. Every
// request costs 1,000 input and 200 output tokens.
func twoModels(t *testing.T, dir string) (*extracttest.Server, func() int) {
	t.Helper()
	expected := func(name string) map[string]any {
		var v map[string]any
		if err := json.Unmarshal(readFile(t, dir, "testdata/expected/notes/"+name+".json"), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	var mu sync.Mutex
	requests := 0
	seen := map[string]int{}
	srv := extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		doc := "kowalski-translation-invoice"
		if strings.Contains(r.InputText(), "BRIGHTPATH") {
			doc = "brightpath-invoice"
		}
		mu.Lock()
		requests++
		seen[r.Model+doc]++
		n := seen[r.Model+doc]
		mu.Unlock()
		v := expected(doc)
		if r.Model == "gpt-4.1-nano" {
			lines := v["lines"].([]any)
			switch {
			case doc == "brightpath-invoice" && n == 1:
				v["total"] = "eight hundred" // not a number: re-asked
			case doc == "brightpath-invoice":
				v["vendor"] = strings.ToUpper(v["vendor"].(string))
				v["lines"] = []any{lines[2], lines[0], lines[1]}
			default:
				v["total"] = 1350.0
				v["lines"] = lines[:1]
			}
		}
		return extracttest.JSON(v).WithUsage(1000, 0, 200, 0)
	})
	t.Cleanup(srv.Close)
	return srv, func() int { mu.Lock(); defer mu.Unlock(); return requests }
}

var latencyLine = regexp.MustCompile(`(?m)^(latency p50 / p95\s+).*$`)

func TestEvalTwoModels(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	srv, requests := twoModels(t, dir)
	c := cmd{dir: dir, env: []string{"OPENAI_API_KEY=sk-test"}}
	args := []string{"eval", "--base-url", srv.URL, "--schema", "testdata/invoice.schema.json",
		"--in", "testdata/samples/notes", "--expected", "testdata/expected/notes",
		"--model", "gpt-4.1", "--model", "gpt-4.1-nano",
		"--out", "out/report.json", "--out", "out/report.html", "--out", "out/errors.csv"}

	r := c.run(t, exitOK, append(args, "--review")...)
	if got := requests(); got != 5 {
		t.Errorf("the server got %d requests, want 5 (2 + 3 with one re-ask)", got)
	}
	golden(t, "eval-two-models.txt", []byte(latencyLine.ReplaceAllString(r.stdout, "${1}(varies)")))

	// The JSON report, as written (stable keys); timings and run dirs vary.
	raw := readFile(t, dir, "out/report.json")
	var rep map[string]any
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	for _, c := range rep["configurations"].([]any) {
		if c := c.(map[string]any); c["latency_ms"] == nil {
			t.Errorf("%s: no latency for a real run", c["name"])
		}
	}
	raw = regexp.MustCompile(`"latency_ms": \{[^}]*\}`).ReplaceAll(raw, []byte(`"latency_ms": "(varies)"`))
	raw = regexp.MustCompile(`"run_dir": "[^"]*"`).ReplaceAll(raw, []byte(`"run_dir": "(varies)"`))
	golden(t, "eval-two-models.json", raw)

	html := string(readFile(t, dir, "out/report.html"))
	for _, p := range []string{"out/report.1.review.html", "out/report.2.review.html"} {
		if b := readFile(t, dir, p); !strings.Contains(string(b), "kowalski-translation-invoice.txt") {
			t.Errorf("%s does not show the documents", p)
		}
	}
	for _, want := range []string{"gpt-4.1-nano: 4 mismatches", `href="report.2.review.html#kowalski-translation-invoice.txt"`,
		"<code>1300.0</code>", "<code>1350</code>", "Proofreading (hours)"} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	rows := byColumn(readCSV(t, dir, "out/errors.csv"))
	if len(rows) != 4 {
		t.Fatalf("errors.csv has %d rows, want 4: %v", len(rows), rows)
	}
	if r := rows[0]; r["configuration"] != "gpt-4.1-nano" || r["id"] != "kowalski-translation-invoice.txt" || r["pointer"] != "/total" ||
		r["verdict"] != "wrong" || r["expected"] != "1300.0" || r["got"] != "1350" {
		t.Errorf("errors.csv first row %v", r)
	}

	// The gate, on the same runs: nothing is sent again.
	r = c.run(t, exitBelow, append(args[:len(args)-6], "--fail-under", "overall=0.9,/total=0.5")...)
	if !strings.Contains(r.stderr, "gpt-4.1-nano: overall accuracy 0.852 < 0.9") || strings.Contains(r.stderr, "gpt-4.1:") ||
		strings.Contains(r.stderr, "/total") {
		t.Errorf("stderr should name exactly nano's overall accuracy:\n%s", r.stderr)
	}
	c.run(t, exitOK, append(args[:len(args)-6], "--fail-under", "overall=0.85,documents=0.5")...)
	if got := requests(); got != 5 {
		t.Errorf("the server got %d requests after evaluating unchanged configurations again, want still 5", got)
	}

	// --runs evaluates the run dirs without running anything.
	var dirs []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if _, d, ok := strings.Cut(l, "run dir: "); ok {
			dirs = append(dirs, strings.Fields(d)[0])
		}
	}
	if len(dirs) != 2 {
		t.Fatalf("run dirs in stderr: %v\n%s", dirs, r.stderr)
	}
	r2 := c.run(t, exitOK, "eval", "--runs", dirs[0], "--runs", dirs[1], "--expected", "testdata/expected/notes",
		"--compare", "/total=number:60")
	if !regexp.MustCompile(`/total\s+100.0%\s+100.0%`).MatchString(r2.stdout) {
		t.Errorf("--compare /total=number:60 should make both totals right:\n%s", r2.stdout)
	}
	r3 := c.run(t, exitOK, "eval", "--runs", dirs[0], "--runs", dirs[1], "--expected", "testdata/expected/notes", "--tier", "batch")
	if !regexp.MustCompile(`cost per 1,000 docs\s+\$1.80\s+\$0.14`).MatchString(r3.stdout) {
		t.Errorf("--tier batch should halve the costs ($3.60 and $0.27):\n%s", r3.stdout)
	}
}

func TestEvalUsage(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"eval", "--model", "m", "--in", "x"}, "needs --expected"},
		{[]string{"eval", "--expected", "testdata/expected"}, "needs --model"},
		{[]string{"eval", "--expected", "testdata/expected", "--model", "m"}, "needs the documents"},
		{[]string{"eval", "--expected", "testdata/expected", "--model", "m", "--runs", "d"}, "one or the other"},
		{[]string{"eval", "--expected", "testdata/expected", "--model", "m", "--in", "x", "--out", "r.xlsx"}, "unknown report type"},
		{[]string{"eval", "--expected", "testdata/expected", "--model", "m", "--in", "x", "--review", "--out", "r.json"}, "add --out report.html"},
		{[]string{"eval", "--expected", "testdata/expected", "--runs", "d", "--tier", "cheap"}, "--tier must be"},
		{[]string{"eval", "--expected", "testdata/expected", "--model", "m", "--in", "-"}, "not stdin"},
		{[]string{"eval", "--expected", "testdata/expected", "--model", "m", "--in", "x", "--tier", "batch"}, "--tier prices --runs"},
		{[]string{"eval", "--expected", "testdata/expected", "--model", "m", "--in", "x", "--fail-under", "overall"}, "NAME=SHARE"},
		{[]string{"eval", "--expected", "testdata/expected", "--model", "m", "--in", "x", "--compare", "total"}, "PATTERN=RULE"},
		{[]string{"eval", "--expected", "testdata/expected", "--model", "m", "--in", "x", "--compare", "total=fuzzy"}, "bad comparison rule"},
		{[]string{"eval", "--expected", "nope", "--model", "m", "--in", "x"}, "--expected"},
		{[]string{"eval", "--expected", "testdata/expected", "--model", "m", "--in", "x", "--schema", "testdata/invoice.schema.json", "--compare", "/lines/quantity=exact"}, "no field /lines/quantity"},
	} {
		r := c.run(t, exitUsage, tt.args...)
		if !strings.Contains(r.stderr, tt.want) {
			t.Errorf("quarry %s: stderr lacks %q:\n%s", strings.Join(tt.args, " "), tt.want, r.stderr)
		}
	}
}

// TestEvalSharesRunDefaults: eval's copies of run's flags have run's
// defaults, so a configuration eval runs has the fingerprint and run dir of
// the same quarry run, and reuses its ledger.
func TestEvalSharesRunDefaults(t *testing.T) {
	a := &app{}
	run, ev := a.runCommand().Flags(), a.evalCommand().Flags()
	for _, name := range []string{"schema", "in", "include", "exclude", "text-column", "template", "encoding", "pdf",
		"pdf-password", "split-pages", "instructions", "concurrency", "rpm", "tpm", "max-attempts", "max-retries",
		"reasoning-effort", "max-output-tokens", "temperature", "service-tier", "base-url", "timeout", "retry-failed",
		"mock", "prices", "evidence", "evidence-reask"} {
		rf, ef := run.Lookup(name), ev.Lookup(name)
		if rf == nil || ef == nil {
			t.Errorf("--%s: run has it %v, eval has it %v", name, rf != nil, ef != nil)
			continue
		}
		if rf.DefValue != ef.DefValue || rf.NoOptDefVal != ef.NoOptDefVal || rf.Shorthand != ef.Shorthand || rf.Value.Type() != ef.Value.Type() {
			t.Errorf("--%s: eval default %q (no-opt %q, -%s), run %q (no-opt %q, -%s)", name, ef.DefValue, ef.NoOptDefVal, ef.Shorthand, rf.DefValue, rf.NoOptDefVal, rf.Shorthand)
		}
	}
	// The run flags eval does not offer keep run's defaults.
	for name, want := range map[string]string{"order": "input", "batch-expired": "resubmit", "model": "gpt-4.1"} {
		if rf := run.Lookup(name); rf == nil || rf.DefValue != want {
			t.Errorf("run --%s default changed from %q: update evalCommand", name, want)
		}
	}
}

// TestEvalMockReadme runs the README's quarry eval command: the simulated
// model gives the same report every time, and the README shows it.
func TestEvalMockReadme(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	c := cmd{dir: dir}
	args := []string{"eval", "--mock", "--schema", "testdata/invoice.schema.json", "--in", "testdata/samples", "--exclude", "tickets/**",
		"--pdf-password", "user", "--expected", "testdata/expected", "--model", "gpt-4.1", "--model", "gpt-4.1-mini", "--out", "out/eval.html"}
	r := c.run(t, exitOK, args...)
	golden(t, "eval-mock.txt", []byte(r.stdout))
	again := c.run(t, exitOK, args...)
	if again.stdout != r.stdout {
		t.Errorf("a second run gives another report:\n%s\nthen\n%s", r.stdout, again.stdout)
	}
	if strings.Count(again.stderr, "· requests 0 ") != 2 {
		t.Errorf("the second run sent requests:\n%s", again.stderr)
	}
	readme := string(readFile(t, repoRoot(t), "README.md"))
	if !strings.Contains(readme, r.stdout) {
		t.Errorf("README.md does not show the report of its quarry eval command:\n%s", r.stdout)
	}
	if !strings.Contains(readme, string(readFile(t, ".", "testdata/golden/eval-two-models.txt"))) {
		t.Errorf("README.md does not show testdata/golden/eval-two-models.txt")
	}
}

// TestEvalEvidence: with --evidence the configurations ask for quotes, and
// the report gives the share of supported values.
func TestEvalEvidence(t *testing.T) {
	t.Parallel()
	dir := workdir(t)
	r := cmd{dir: dir}.run(t, exitOK, "eval", "--mock", "--evidence", "--schema", "testdata/invoice.schema.json",
		"--in", "testdata/samples/notes", "--expected", "testdata/expected/notes", "--model", "gpt-4.1", "--out", "r.json")
	if !regexp.MustCompile(`supported values\s+\d+\.\d%`).MatchString(r.stdout) {
		t.Errorf("no supported share in the table:\n%s", r.stdout)
	}
	var rep struct {
		Configurations []struct {
			Evidence *struct{ Values, Supported int } `json:"evidence"`
		} `json:"configurations"`
	}
	if err := json.Unmarshal(readFile(t, dir, "r.json"), &rep); err != nil {
		t.Fatal(err)
	}
	if e := rep.Configurations[0].Evidence; e == nil || e.Values == 0 || e.Supported == 0 {
		t.Errorf("evidence in report.json = %+v", e)
	}
}
