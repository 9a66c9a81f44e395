package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/seed0611af48/quarry/extract/extracttest/simulated"
)

// The built-in simulated model (--mock) answers each document with its
// expected answer where the document has one, projected onto the run's
// schema, and with made-up values elsewhere. Sample documents under a
// "samples" folder have theirs under "expected" (this repository's
// testdata/samples and testdata/expected): expectedAnswers is that lookup,
// which the CLI gives the model.

// expectedAnswers reads a sample document's expected answer, if any.
func expectedAnswers(log *slog.Logger) func(d simulated.Doc) (json.RawMessage, bool) {
	return func(d simulated.Doc) (json.RawMessage, bool) {
		p := expectedPath(d.Source, d.Row, d.Page)
		if p == "" {
			return nil, false
		}
		b, err := os.ReadFile(p)
		if err != nil {
			log.Debug("simulated model: no expected answer", "path", p)
			return nil, false
		}
		return b, true
	}
}

// expectedPath is where a sample document's expected answer lives: a
// document under a "samples" folder has it at the same place under
// "expected", without the file's extension, as <stem>.json, or
// <stem>/row-N.json and <stem>/page-N.json for rows and pages of a file.
func expectedPath(source string, row, page int) string {
	src := filepath.ToSlash(source)
	i := strings.LastIndex("/"+src, "/samples/")
	if i < 0 {
		return ""
	}
	stem := strings.TrimSuffix(src, path.Ext(src))
	p := stem[:i] + "expected/" + stem[i+len("samples/"):]
	switch {
	case row > 0:
		return filepath.FromSlash(fmt.Sprintf("%s/row-%d.json", p, row))
	case page > 0:
		return filepath.FromSlash(fmt.Sprintf("%s/page-%d.json", p, page))
	}
	return filepath.FromSlash(p + ".json")
}
