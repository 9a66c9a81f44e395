package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/seed0611af48/quarry/eval"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/sink"
)

// mismatchSchema is the record of one errors.csv row. The CSV sink writes
// it (with the document's id, status, error and source first), so the file
// gets the sinks' formula neutralising and cell limits.
var mismatchSchema = []byte(`{"type":"object","properties":{
	"configuration":{"type":"string"},
	"field":{"type":"string"},
	"pointer":{"type":"string"},
	"got_pointer":{"type":"string"},
	"verdict":{"type":"string"},
	"rule":{"type":"string"},
	"expected":{"type":"string"},
	"got":{"type":"string"}},
	"required":["configuration","field","pointer","got_pointer","verdict","rule","expected","got"],
	"additionalProperties":false}`)

// evalOutputs are the report files of "quarry eval": .csv rows are written
// as mismatches are found, .json and .html at the end.
type evalOutputs struct {
	csv     []pipeline.Sink
	reports []string
	seq     int64
	// reviews are the review pages of the configurations (by index) the
	// HTML report links documents to; "" links to the source file.
	reviews []string
}

func openEvalOutputs(outs []string, log *slog.Logger) (*evalOutputs, error) {
	o := &evalOutputs{}
	for _, p := range outs {
		if dir := filepath.Dir(p); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				o.abort()
				return nil, err
			}
		}
		if strings.EqualFold(filepath.Ext(p), ".csv") {
			s, err := sink.NewCSV(p, mismatchSchema, sink.Options{Logger: log})
			if err != nil {
				o.abort()
				return nil, fmt.Errorf("--out %s: %w", p, err)
			}
			o.csv = append(o.csv, s)
			continue
		}
		o.reports = append(o.reports, p)
	}
	return o, nil
}

// mismatch writes one errors.csv row.
func (o *evalOutputs) mismatch(config string, m eval.Mismatch, doc eval.DocInfo) error {
	if len(o.csv) == 0 {
		return nil
	}
	row, err := json.Marshal(map[string]string{
		"configuration": config, "field": m.Field, "pointer": m.Pointer, "got_pointer": m.GotPointer,
		"verdict": string(m.Verdict), "rule": m.Rule, "expected": string(m.Expected), "got": string(m.Got),
	})
	if err != nil {
		return err
	}
	out := &pipeline.Outcome{Seq: o.seq, ID: m.ID, Status: doc.Status, Reason: doc.Reason, Source: doc.Source, Value: row}
	o.seq++
	for _, s := range o.csv {
		if err := s.Write(out); err != nil {
			return err
		}
	}
	return nil
}

// finish closes the CSV files and writes the JSON and HTML reports.
func (o *evalOutputs) finish(rep *eval.Report) error {
	var errs []error
	for _, s := range o.csv {
		errs = append(errs, s.Close(nil))
	}
	o.csv = nil
	for _, p := range o.reports {
		f, err := os.Create(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if strings.EqualFold(filepath.Ext(p), ".json") {
			err = rep.WriteJSON(f)
		} else {
			err = rep.WriteHTML(f, eval.HTMLOptions{Link: o.linkFrom(filepath.Dir(p))})
		}
		errs = append(errs, err, f.Close())
	}
	return errors.Join(errs...)
}

// abort closes what is open after a failure.
func (o *evalOutputs) abort() {
	for _, s := range o.csv {
		s.Close(nil)
	}
	o.csv = nil
}

// linkFrom links a document to its place on its configuration's review
// page, or else to its source file, relative to the folder the HTML page is
// written in.
func (o *evalOutputs) linkFrom(dir string) func(int, string, eval.DocInfo) string {
	return func(config int, id string, d eval.DocInfo) string {
		if config < len(o.reviews) && o.reviews[config] != "" {
			return relLink(dir, o.reviews[config]) + "#" + url.PathEscape(id)
		}
		if d.Source == "" || d.Source == "-" {
			return ""
		}
		return relLink(dir, d.Source)
	}
}

// relLink is the relative URL of file p from folder dir.
func relLink(dir, p string) string {
	src, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	base, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	rel, err := filepath.Rel(base, src)
	if err != nil {
		return ""
	}
	return (&url.URL{Path: filepath.ToSlash(rel)}).String()
}
