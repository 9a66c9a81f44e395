package sink

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/seed0611af48/quarry/internal/ojson"
	"github.com/seed0611af48/quarry/pipeline"
)

// JSONL writes one JSON object per document, one per line, as outcomes
// arrive (each line is flushed, so the file can be followed while a run
// goes on). Create one with [NewJSONL] or [Open].
//
// A line holds, in this order: id, status, value (the record, nested as
// extracted, or null), evidence (when the run asked for it: per JSON
// pointer of a leaf value, its quote, page, start, end, match, score,
// verdict and reason), error (the reason, when not ok), attempts, usage,
// source, row, page, columns (the source row's original columns as an
// object, in file order), meta, model, started, finished, and simulated
// when Options.Simulated is set. Empty optional fields are left out. A value
// that is not valid JSON (an answer cut off mid-way) is kept as a string in
// "raw_value" with "value": null, so every line stays valid JSON.
//
// JSONL never cuts or rewrites text: it is the lossless output.
type JSONL struct {
	w         *bufio.Writer
	closer    io.Closer // the file Open created, closed by Close
	simulated bool
	buf       []byte
	closed    bool
}

// NewJSONL returns a JSONL sink writing to w. Close flushes but does not
// close w. Of opts only Simulated is used.
func NewJSONL(w io.Writer, opts Options) *JSONL {
	return &JSONL{w: bufio.NewWriter(w), simulated: opts.Simulated}
}

// Write writes the line of one outcome.
func (j *JSONL) Write(o *pipeline.Outcome) error {
	if j.closed {
		return ErrClosed
	}
	b := j.buf[:0]
	b = append(b, `{"id":`...)
	b = ojson.AppendQuote(b, o.ID)
	b = append(b, `,"status":`...)
	b = ojson.AppendQuote(b, string(o.Status))
	b = append(b, `,"value":`...)
	var raw []byte
	switch {
	case len(bytes.TrimSpace(o.Value)) == 0:
		b = append(b, "null"...)
	case json.Valid(o.Value):
		var c bytes.Buffer
		_ = json.Compact(&c, o.Value) // valid: cannot fail
		b = append(b, c.Bytes()...)
	default:
		b = append(b, "null"...)
		raw = o.Value
	}
	if raw != nil {
		b = append(b, `,"raw_value":`...)
		b = ojson.AppendQuote(b, string(raw))
	}
	b = appendEvidence(b, outcomeEvidence(o))
	if o.Reason != "" {
		b = append(b, `,"error":`...)
		b = ojson.AppendQuote(b, o.Reason)
	}
	b = append(b, `,"attempts":`...)
	b = strconv.AppendInt(b, int64(o.Attempts), 10)
	u, _ := json.Marshal(o.Usage)
	b = append(b, `,"usage":`...)
	b = append(b, u...)
	if o.Source != "" {
		b = append(b, `,"source":`...)
		b = ojson.AppendQuote(b, o.Source)
	}
	if o.Row != 0 {
		b = append(b, `,"row":`...)
		b = strconv.AppendInt(b, int64(o.Row), 10)
	}
	if o.Page != 0 {
		b = append(b, `,"page":`...)
		b = strconv.AppendInt(b, int64(o.Page), 10)
	}
	if len(o.Columns) > 0 {
		b = append(b, `,"columns":{`...)
		names := make([]string, len(o.Columns))
		for i, c := range o.Columns {
			names[i] = c.Name
		}
		for i, name := range uniqueNames(names) {
			if i > 0 {
				b = append(b, ',')
			}
			b = ojson.AppendQuote(b, name)
			b = append(b, ':')
			b = ojson.AppendQuote(b, o.Columns[i].Value)
		}
		b = append(b, '}')
	}
	if len(o.Meta) > 0 {
		m, _ := json.Marshal(o.Meta) // sorted keys
		b = append(b, `,"meta":`...)
		b = append(b, m...)
	}
	if o.Model != "" {
		b = append(b, `,"model":`...)
		b = ojson.AppendQuote(b, o.Model)
	}
	b = appendTime(b, "started", o.Started)
	b = appendTime(b, "finished", o.Finished)
	if j.simulated {
		b = append(b, `,"simulated":true`...)
	}
	b = append(b, "}\n"...)
	j.buf = b
	if _, err := j.w.Write(b); err != nil {
		return fmt.Errorf("sink: jsonl: %w", err)
	}
	if err := j.w.Flush(); err != nil {
		return fmt.Errorf("sink: jsonl: %w", err)
	}
	return nil
}

func appendTime(b []byte, name string, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	b = append(b, `,"`...)
	b = append(b, name...)
	b = append(b, `":"`...)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// Close flushes the output (and closes the file [Open] created). info is
// not used. Closing twice returns nil.
func (j *JSONL) Close(*pipeline.RunInfo) error {
	if j.closed {
		return nil
	}
	j.closed = true
	err := j.w.Flush()
	if cerr := closeAll(j.closer); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sink: jsonl: %w", err)
	}
	return nil
}
