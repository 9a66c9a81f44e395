package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The end-to-end tests run quarry as a separate process: the test binary
// itself, re-executed with cliEnv set, runs main() instead of the tests. So
// there is no separate build, no dependence on a go toolchain in PATH or on
// os.Args[0], and the CLI runs under -race when the tests do.
const cliEnv = "QUARRY_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(cliEnv) == "1" {
		main() // exits
		return
	}
	os.Exit(m.Run())
}

// cli is one run of the quarry binary.
type cli struct {
	code           int
	stdout, stderr string
}

// cmd describes how to run quarry: in dir, with stdin and extra environment
// variables (OPENAI_API_KEY and OPENAI_BASE_URL are always removed first).
type cmd struct {
	dir   string
	stdin string
	env   []string
}

// quarry runs the CLI with args in c.dir and returns its exit code and output.
func (c cmd) quarry(t testing.TB, args ...string) cli {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.CommandContext(t.Context(), exe, args...)
	x.Dir = c.dir
	env := []string{cliEnv + "=1"}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "OPENAI_API_KEY", "OPENAI_BASE_URL", cliEnv:
			continue
		}
		env = append(env, kv)
	}
	x.Env = append(env, c.env...)
	x.Stdin = strings.NewReader(c.stdin)
	var stdout, stderr bytes.Buffer
	x.Stdout, x.Stderr = &stdout, &stderr
	err = x.Run()
	r := cli{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("quarry %s: %v", strings.Join(args, " "), err)
	}
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "DATA RACE") {
		t.Errorf("quarry %s crashed:\n%s", strings.Join(args, " "), r.stderr)
	}
	return r
}

// wantCode fails the test unless r exited with code.
func (r cli) wantCode(t testing.TB, code int, args ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("quarry %s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s",
			strings.Join(args, " "), r.code, code, r.stdout, r.stderr)
	}
}

// run runs quarry and fails the test unless it exits with code.
func (c cmd) run(t testing.TB, code int, args ...string) cli {
	t.Helper()
	r := c.quarry(t, args...)
	r.wantCode(t, code, args...)
	return r
}

// repoRoot is the directory with go.mod, found by walking up.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the package directory")
		}
		dir = parent
	}
}

// sharedCorpus is ../shared/corpus/<name> beside the repository; the test is
// skipped when it is absent.
func sharedCorpus(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", "corpus", name)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared corpus %s absent: %v", name, err)
	}
	return dir
}

// workdir makes a temporary directory holding a copy of the repository's
// testdata/ (samples, expected answers and schemas), and returns it.
func workdir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := copyTree(filepath.Join(repoRoot(t), "testdata"), filepath.Join(dir, "testdata")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(p, dst)
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// writeFile writes a file under dir, making its folders.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readFile(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runDirOf is the run dir printed in a run's summary.
func runDirOf(t *testing.T, stderr string) string {
	t.Helper()
	for _, line := range strings.Split(stderr, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "run dir: "); ok {
			dir, _, _ := strings.Cut(rest, " (")
			return dir
		}
	}
	t.Fatalf("no run dir in the summary:\n%s", stderr)
	return ""
}

// requestsOf is the request count printed in a run's summary.
func requestsOf(t *testing.T, stderr string) int {
	t.Helper()
	i := strings.Index(stderr, "· requests ")
	if i < 0 {
		t.Fatalf("no request count in the summary:\n%s", stderr)
	}
	var n int
	if _, err := fmt.Sscanf(stderr[i+len("· requests "):], "%d", &n); err != nil {
		t.Fatalf("request count: %v\n%s", err, stderr)
	}
	return n
}
