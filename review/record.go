package review

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source"
)

// EventSource is the kind of the ledger event in which a run records how it
// read its inputs (see [Record]), so that a review reads them again the same
// way.
const EventSource = "review.source"

// SourceRecord is how a run read its inputs: what a review needs to give the
// same text again. The PDF password is not recorded.
type SourceRecord struct {
	TextColumn string `json:"text_column,omitempty"`
	Template   string `json:"template,omitempty"`
	Encoding   string `json:"encoding,omitempty"`
	PDF        string `json:"pdf,omitempty"` // "text" or "file"
	SplitPages bool   `json:"split_pages,omitempty"`
	// Dir is the working directory of the run, against which the relative
	// source paths of its outcomes resolve.
	Dir string `json:"dir,omitempty"`
}

// Record appends to the ledger how opts reads inputs, with the current
// working directory.
func Record(l *pipeline.Ledger, opts source.Options) error {
	dir, _ := os.Getwd()
	return l.AppendEvent(EventSource, SourceRecord{
		TextColumn: opts.TextColumn, Template: opts.Template, Encoding: opts.Encoding,
		PDF: opts.PDF.String(), SplitPages: opts.SplitPages, Dir: dir,
	})
}

// ReadRecord returns the latest [SourceRecord] in the ledger in runDir, or
// nil when the run recorded none (a run of an older Quarry).
func ReadRecord(runDir string) (*SourceRecord, error) {
	var last *SourceRecord
	for ev, err := range pipeline.ReadEvents(runDir, EventSource) {
		if err != nil {
			if _, bad := err.(*pipeline.LineError); bad {
				continue
			}
			return nil, fmt.Errorf("review: %w", err)
		}
		var r SourceRecord
		if err := json.Unmarshal(ev.Data, &r); err != nil {
			continue
		}
		last = &r
	}
	return last, nil
}

// Apply sets on opts how the run read its inputs.
func (r *SourceRecord) Apply(opts *source.Options) error {
	mode, err := source.ParsePDFMode(r.PDF)
	if err != nil {
		return fmt.Errorf("review: recorded source options: %w", err)
	}
	opts.TextColumn, opts.Template, opts.Encoding = r.TextColumn, r.Template, r.Encoding
	opts.PDF, opts.SplitPages = mode, r.SplitPages
	return nil
}
