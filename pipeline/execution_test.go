package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestExecution drives an Execution by hand, as an executor other than Run
// does, over two runs sharing a ledger: the second replays what the first
// recorded, does not record it again and does not count its tokens.
func TestExecution(t *testing.T) {
	fixed := func() time.Time { return time.Date(2026, 12, 6, 5, 0, 0, 0, time.UTC) }
	dir := t.TempDir()
	docs := []Document{
		{ID: "a", Parts: []Part{{Kind: PartText, Text: "a"}}},
		{ID: "b", Parts: []Part{{Kind: PartText, Text: "b"}}},
		{ID: "c", Err: errors.New("unreadable")},
	}
	results := map[string]Result{
		"a": {Status: StatusOK, Value: []byte(`{"x":1}`), Usage: Usage{InputTokens: 10}, Requests: 2},
		"b": {Status: StatusInvalid, Reason: "bad", Value: []byte(`not json`), Usage: Usage{InputTokens: 5}},
	}
	tests := []struct {
		name        string
		retryFailed bool
		statuses    []Status
		want        Totals
		lines       int // ledger lines after the run
	}{
		{"first", false, []Status{StatusOK, StatusInvalid, StatusError},
			Totals{Documents: 3, ByStatus: map[Status]int{StatusOK: 1, StatusInvalid: 1, StatusError: 1}, Usage: Usage{InputTokens: 15}, Requests: 2}, 3},
		{"replayed", false, []Status{StatusSkipped, StatusSkipped, StatusSkipped},
			Totals{Documents: 3, ByStatus: map[Status]int{StatusSkipped: 3}}, 3},
		{"retry failed", true, []Status{StatusSkipped, StatusInvalid, StatusError},
			Totals{Documents: 3, ByStatus: map[Status]int{StatusSkipped: 1, StatusInvalid: 1, StatusError: 1}, Usage: Usage{InputTokens: 5}}, 5},
	}
	for _, tt := range tests {
		l, err := OpenLedger(dir)
		if err != nil {
			t.Fatal(err)
		}
		sink := &memSink{}
		e, err := Begin(Options{Ledger: l, Fingerprint: "fp", RetryFailed: tt.retryFailed, Sinks: []Sink{sink}, Clock: fixed})
		if err != nil {
			t.Fatal(err)
		}
		for i := range docs {
			o, done := e.Outcome(int64(i), &docs[i])
			var res *Result
			if !done {
				r := results[o.ID]
				res = &r
				e.Bind(o, res)
			}
			if err := e.Record(o); err != nil {
				t.Fatal(err)
			}
			if err := e.Emit(o, res); err != nil {
				t.Fatal(err)
			}
		}
		got, err := e.End(nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: totals (-want +got):\n%s", tt.name, diff)
		}
		var statuses []Status
		for _, o := range sink.outcomes() {
			statuses = append(statuses, o.Status)
			if o.ID == "b" && o.Status == StatusInvalid && string(o.Value) != `"not json"` {
				t.Errorf("%s: b's value %s, want it kept as a JSON string", tt.name, o.Value)
			}
		}
		if !cmp.Equal(tt.statuses, statuses) {
			t.Errorf("%s: statuses %v, want %v", tt.name, statuses, tt.statuses)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, LedgerFile))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), "\n"); n != tt.lines {
			t.Errorf("%s: %d ledger lines, want %d", tt.name, n, tt.lines)
		}
		info, err := ReadRunInfo(dir)
		if err != nil || !cmp.Equal(info.Totals, got) {
			t.Errorf("%s: run.json totals %+v, %v; want %+v", tt.name, info, err, got)
		}
	}
}
