package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

const (
	helperEnv    = "QUARRY_PIPELINE_KILL_HELPER"
	helperDocs   = 200
	helperAnswer = 30 // requests answered before the server starts holding them
)

// TestHelperProcess is the child of TestKillResume: a pipeline whose
// function makes one HTTP request per document to the parent's server.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for TestKillResume")
	}
	dir, url := os.Getenv("LEDGER_DIR"), os.Getenv("SERVER_URL")
	led, err := OpenLedger(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer led.Close()
	fn := func(ctx context.Context, doc Document) Result {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/doc?id="+doc.ID, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return Result{Status: StatusError, Reason: err.Error(), Requests: 1}
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return Result{Status: StatusOK, Value: body, Requests: 1, Attempts: 1}
	}
	if _, err := Run(context.Background(), docs(helperDocs, plain), fn, Options{Concurrency: 4, Ledger: led, Fingerprint: "kill"}); err != nil {
		t.Fatal(err)
	}
}

// TestKillResume kills a running pipeline with SIGKILL while requests are in
// flight, then runs it again to the end.
func TestKillResume(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	var (
		mu      sync.Mutex
		counts  = map[string]int{}
		total   int
		hold    = true
		reached = make(chan struct{})
	)
	const killAt = helperAnswer + 4 // every worker holds a request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		mu.Lock()
		counts[id]++
		total++
		n, holding := total, hold
		if n == killAt {
			close(reached)
		}
		mu.Unlock()
		if holding && n > helperAnswer {
			<-r.Context().Done() // held until the child dies
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"id": id})
	}))
	defer srv.Close()

	dir := t.TempDir()
	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"=1", "LEDGER_DIR="+dir, "SERVER_URL="+srv.URL)
		cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
		return cmd
	}

	cmd := child()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reached:
	case <-time.After(2 * time.Minute): // a safety net, not a wait
		cmd.Process.Kill()
		t.Fatal("child never reached the server")
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()

	recorded := readAll(t, dir)
	mu.Lock()
	atKill := make(map[string]int, len(counts))
	for id, n := range counts {
		atKill[id] = n
	}
	hold = false
	mu.Unlock()
	if len(recorded) == 0 || len(recorded) > helperAnswer {
		t.Fatalf("%d outcomes recorded before the kill, want 1..%d", len(recorded), helperAnswer)
	}
	t.Logf("killed with %d recorded, %d requested", len(recorded), len(atKill))

	resume := child()
	resume.Stdout, resume.Stderr = nil, nil
	if out, err := resume.CombinedOutput(); err != nil {
		t.Fatalf("resumed child: %v\n%s", err, out)
	}

	// Every document exactly once in the ledger file, raw lines included.
	lines := ledgerLinesPerID(t, dir)
	for i := range helperDocs {
		id := fmt.Sprintf("doc-%04d", i)
		if lines[id] != 1 {
			t.Errorf("%s: %d ledger lines", id, lines[id])
		}
	}
	if len(lines) != helperDocs {
		t.Errorf("ledger holds %d documents, want %d", len(lines), helperDocs)
	}
	// No document recorded before the kill was requested again.
	mu.Lock()
	defer mu.Unlock()
	for id := range recorded {
		if counts[id] != atKill[id] || counts[id] != 1 {
			t.Errorf("%s: recorded before the kill, requested %d times (%d before the kill)", id, counts[id], atKill[id])
		}
	}
	for id, o := range readAll(t, dir) {
		if want := `{"id":"` + id + `"}`; string(o.Value) != want {
			t.Errorf("%s: value %s", id, o.Value)
		}
	}
}

func ledgerLinesPerID(t *testing.T, dir string) map[string]int {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, LedgerFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var o Outcome
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("ledger line %q: %v", sc.Text(), err)
		}
		if o.ID != "" {
			m[o.ID]++
		}
	}
	return m
}
