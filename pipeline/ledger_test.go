package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// countingFn returns ok for every document except those listed as failing,
// and counts calls per ID.
type countingFn struct {
	mu    sync.Mutex
	calls map[string]int
	fail  map[string]bool
}

func (c *countingFn) fn(ctx context.Context, doc Document) Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[doc.ID]++
	if c.fail[doc.ID] {
		return Result{Status: StatusInvalid, Reason: "bad"}
	}
	return Result{Status: StatusOK, Value: json.RawMessage(`"` + doc.Parts[0].Text + `"`), Usage: Usage{InputTokens: 5}}
}

func TestLedgerResume(t *testing.T) {
	const n = 50
	failing := map[string]bool{"doc-0003": true, "doc-0017": true}
	changed := func(i int) string {
		if i == 4 || i == 40 {
			return "edited " + plain(i)
		}
		return plain(i)
	}
	tests := []struct {
		name        string
		fingerprint string
		text        func(int) string
		retryFailed bool
		wantCalls   []string // nil: none
		wantSkipped int
	}{
		{name: "unchanged", fingerprint: "v1", text: plain, wantSkipped: n},
		{name: "fingerprint changed", fingerprint: "v2", text: plain, wantCalls: allIDs(n)},
		{name: "content changed", fingerprint: "v1", text: changed, wantCalls: []string{"doc-0004", "doc-0040"}, wantSkipped: n - 2},
		{name: "retry failed", fingerprint: "v1", text: plain, retryFailed: true, wantCalls: []string{"doc-0003", "doc-0017"}, wantSkipped: n - 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			first := &countingFn{fail: failing}
			led := openLedger(t, dir)
			if _, err := Run(t.Context(), docs(n, plain), first.fn, Options{Ledger: led, Fingerprint: "v1"}); err != nil {
				t.Fatal(err)
			}
			led.Close()

			again := &countingFn{fail: failing}
			led = openLedger(t, dir)
			sink := &memSink{}
			tot, err := Run(t.Context(), docs(n, tt.text), again.fn, Options{Ledger: led, Fingerprint: tt.fingerprint,
				RetryFailed: tt.retryFailed, Sinks: []Sink{sink}})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{}
			for _, id := range tt.wantCalls {
				want[id] = 1
			}
			if diff := cmp.Diff(want, again.calls, cmp.Transformer("nil", func(m map[string]int) map[string]int {
				if m == nil {
					return map[string]int{}
				}
				return m
			})); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			if tot.ByStatus[StatusSkipped] != tt.wantSkipped {
				t.Errorf("skipped %d, want %d", tot.ByStatus[StatusSkipped], tt.wantSkipped)
			}
			if tot.Usage.InputTokens != int64(5*(len(tt.wantCalls)-countFailing(tt.wantCalls, failing))) {
				t.Errorf("usage %+v counts skipped documents", tot.Usage)
			}
			// Skipped outcomes carry the recorded value, so outputs stay complete.
			for _, o := range sink.outcomes() {
				if o.Status != StatusSkipped {
					continue
				}
				if failing[o.ID] {
					if !strings.HasPrefix(o.Reason, "done in an earlier run: invalid") {
						t.Errorf("%s: reason %q", o.ID, o.Reason)
					}
				} else if want := `"` + plain(int(o.Seq)) + `"`; string(o.Value) != want || o.Reason != "done in an earlier run: ok" {
					t.Errorf("%s: skipped with value %s reason %q", o.ID, o.Value, o.Reason)
				}
			}
		})
	}
}

func allIDs(n int) []string {
	var ids []string
	for i := range n {
		ids = append(ids, fmt.Sprintf("doc-%04d", i))
	}
	return ids
}

func countFailing(ids []string, failing map[string]bool) int {
	k := 0
	for _, id := range ids {
		if failing[id] {
			k++
		}
	}
	return k
}

func TestLedgerTornLine(t *testing.T) {
	dir := t.TempDir()
	led := openLedger(t, dir)
	for i := range 3 {
		if err := led.Append(&Outcome{ID: fmt.Sprint("d", i), Hash: "h", Status: StatusOK, Value: json.RawMessage(`1`)}); err != nil {
			t.Fatal(err)
		}
	}
	led.Close()
	path := filepath.Join(dir, LedgerFile)
	whole, _ := os.ReadFile(path)

	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"seq":3,"id":"d3","hash":"h","status":"ok","val`) // killed mid-write
	f.Close()

	led = openLedger(t, dir)
	if led.entries() != 3 {
		t.Errorf("Len = %d after torn line, want 3", led.entries())
	}
	if st, ok := led.lookup("d3", "h", ""); ok {
		t.Errorf("torn d3 looked up as %s", st)
	}
	if b, _ := os.ReadFile(path); string(b) != string(whole) {
		t.Errorf("torn line not cut off:\n%s", b)
	}
	if err := led.Append(&Outcome{ID: "d3", Hash: "h", Status: StatusOK}); err != nil {
		t.Fatal(err)
	}
	led.Close()
	if got := len(readAll(t, dir)); got != 4 {
		t.Errorf("ReadLedger: %d outcomes, want 4", got)
	}

	// A damaged line in the middle is ignored by the index and reported by ReadLedger.
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), `{"seq":0,"id":"d1"`, `{"seq":0,"id":"d1"}}`, 1)), 0o644)
	led = openLedger(t, dir)
	if led.entries() != 3 {
		t.Errorf("Len = %d with a damaged line, want 3", led.entries())
	}
	var lineErr *LineError
	n := 0
	for _, err := range ReadLedger(dir) {
		if err != nil && !errors.As(err, &lineErr) {
			t.Fatal(err)
		}
		n++
	}
	if lineErr == nil || n != 4 {
		t.Errorf("ReadLedger: %d items, line error %v", n, lineErr)
	}
}

func TestReadLedgerLatest(t *testing.T) {
	dir := t.TempDir()
	led := openLedger(t, dir)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(led.AppendEvent("batch.created", map[string]string{"batch_id": "batch_1"}))
	must(led.Append(&Outcome{ID: "a", Hash: "h1", Fingerprint: "v1", Status: StatusInvalid}))
	must(led.Append(&Outcome{ID: "b", Hash: "h1", Fingerprint: "v1", Status: StatusOK}))
	must(led.Append(&Outcome{ID: "a", Hash: "h1", Fingerprint: "v2", Status: StatusOK, Value: json.RawMessage(`{"x":1}`)}))
	must(led.AppendEvent("batch.done", map[string]any{"batch_id": "batch_1", "n": 2}))
	must(led.Close())

	var got []string
	for o, err := range ReadLedger(dir) {
		must(err)
		got = append(got, o.ID+":"+o.Fingerprint+":"+string(o.Status)+":"+string(o.Value))
	}
	if diff := cmp.Diff([]string{"b:v1:ok:", `a:v2:ok:{"x":1}`}, got); diff != "" {
		t.Errorf("ReadLedger (-want +got):\n%s", diff)
	}

	var kinds []string
	for ev, err := range ReadEvents(dir) {
		must(err)
		kinds = append(kinds, ev.Kind+" "+string(ev.Data))
		if time.Since(ev.Time) > time.Hour {
			t.Errorf("event time %v", ev.Time)
		}
	}
	want := []string{`batch.created {"batch_id":"batch_1"}`, `batch.done {"batch_id":"batch_1","n":2}`}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("ReadEvents (-want +got):\n%s", diff)
	}
	n := 0
	for ev, err := range ReadEvents(dir, "batch.done") {
		must(err)
		if ev.Kind != "batch.done" {
			t.Errorf("filtered event %s", ev.Kind)
		}
		n++
	}
	if n != 1 {
		t.Errorf("%d batch.done events", n)
	}

	// Reopened, the ledger knows both versions of a.
	led = openLedger(t, dir)
	if st, _ := led.lookup("a", "h1", "v1"); st != StatusInvalid {
		t.Errorf("a/v1: %s", st)
	}
	if o, err := led.load("a", "h1", "v2"); err != nil || string(o.Value) != `{"x":1}` {
		t.Errorf("Load a/v2 = %+v, %v", o, err)
	}
}

func TestLedgerClosed(t *testing.T) {
	led := openLedger(t, t.TempDir())
	led.Close()
	if err := led.Append(&Outcome{ID: "x"}); !errors.Is(err, ErrLedgerClosed) {
		t.Errorf("Append after Close = %v", err)
	}
	if err := led.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	if Fingerprint("ab", "c") == Fingerprint("a", "bc") {
		t.Error("Fingerprint does not separate parts")
	}
	if Fingerprint("m", "s") != Fingerprint("m", "s") {
		t.Error("Fingerprint not stable")
	}
}

func TestDefaultEstimate(t *testing.T) {
	pdf := []byte("%PDF-1.7 1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] >> 2 0 obj << /Type /Page >> 3 0 obj <</Type/Page>>")
	tests := []struct {
		name string
		doc  Document
		want int
	}{
		{"empty", Document{}, 50},
		{"text", Document{Parts: []Part{{Kind: PartText, Text: strings.Repeat("x", 400)}}}, 150},
		{"image", Document{Parts: []Part{{Kind: PartImage, Data: []byte{1}}}}, 1050},
		{"pdf two pages", Document{Parts: []Part{{Kind: PartPDF, Data: pdf}}}, 3050},
		{"pdf unknown pages", Document{Parts: []Part{{Kind: PartPDF, Data: []byte("%PDF")}}}, 1550},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DefaultEstimate(tt.doc); got != tt.want {
				t.Errorf("DefaultEstimate = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestLedgerLockedAgainstASecondWriter(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLedger(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenLedger(dir); !errors.Is(err, ErrLedgerBusy) && runtime.GOOS != "windows" {
		t.Fatalf("second open: %v, want ErrLedgerBusy", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l2, err := OpenLedger(dir)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	l2.Close()
}
