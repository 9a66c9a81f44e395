package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/spf13/pflag"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/pipeline"
)

// addEvidenceFlags registers --evidence and --evidence-reask on "quarry run".
func addEvidenceFlags(fl *pflag.FlagSet, f *runFlags) {
	fl.BoolVar(&f.evidence, "evidence", false, "ask for the verbatim quote (and page) of every value, check each against the document, and write the evidence: per pointer in JSONL, an evidence sheet in XLSX, out.evidence.csv beside CSV")
	fl.BoolVar(&f.evidenceReask, "evidence-reask", false, "with --evidence: re-ask (within --max-attempts) when a value's quote is not in the document or does not contain the value")
}

// evidenceTally counts the verdicts of the evidence written in a run, for
// the summary. It is a sink: it sees every outcome the outputs see.
type evidenceTally struct {
	mu     sync.Mutex
	counts evidence.Counts
	values int
}

func (t *evidenceTally) Write(o *pipeline.Outcome) error {
	if len(o.Evidence) == 0 {
		return nil
	}
	var items []evidence.Item
	if err := json.Unmarshal(o.Evidence, &items); err != nil {
		return nil // a ledger line from another version: not counted
	}
	c := evidence.Count(items)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.counts.Supported += c.Supported
	t.counts.Unsupported += c.Unsupported
	t.counts.NotFound += c.NotFound
	t.counts.Unchecked += c.Unchecked
	t.values += len(items)
	return nil
}

func (t *evidenceTally) Close(*pipeline.RunInfo) error { return nil }

// summary writes the evidence line of the run summary.
func (t *evidenceTally) summary(w io.Writer) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	share := 0.0
	if t.values > 0 {
		share = 100 * float64(t.counts.Supported) / float64(t.values)
	}
	fmt.Fprintf(w, "  evidence: %d values · supported %d (%.1f%%) · unsupported %d · not found %d",
		t.values, t.counts.Supported, share, t.counts.Unsupported, t.counts.NotFound)
	if t.counts.Unchecked > 0 {
		fmt.Fprintf(w, " · unchecked %d (sent as images or files: no text to check quotes against)", t.counts.Unchecked)
	}
	fmt.Fprintln(w)
}

// ledgerHasEvidence reports whether a run recorded evidence, so that
// "quarry export" writes the evidence sheet and file as the run did.
func ledgerHasEvidence(runDir string) bool {
	for o, err := range pipeline.ReadLedger(runDir) {
		if err == nil && len(o.Evidence) > 0 {
			return true
		}
	}
	return false
}
