package review

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"time"

	"github.com/seed0611af48/quarry/pipeline"
)

//go:embed assets/review.css
var css string

//go:embed assets/review.js
var script string

// runHeader is what the page's header shows of the run.
type runHeader struct {
	Title     string           `json:"title"`
	Model     string           `json:"model,omitempty"`
	Simulated bool             `json:"simulated,omitempty"`
	Start     *time.Time       `json:"start,omitempty"`
	End       *time.Time       `json:"end,omitempty"`
	Totals    *pipeline.Totals `json:"totals,omitempty"`
	Generated time.Time        `json:"generated"`
	Documents int              `json:"documents"`
	BadLines  int              `json:"bad_lines,omitempty"`
}

// writeHead writes the page up to the document data: styles, the header's
// data and the empty frame the script fills.
func (b *builder) writeHead(info *pipeline.RunInfo, docs int) error {
	h := runHeader{Title: b.opts.Title, Generated: b.opts.Now().UTC().Truncate(time.Second), Documents: docs, BadLines: b.stats.BadLines}
	if info != nil {
		h.Model, h.Simulated, h.Totals = info.Model, info.Simulated, &info.Totals
		if !info.Start.IsZero() {
			h.Start, h.End = &info.Start, &info.End
		}
	}
	head, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	fmt.Fprintf(b.w, `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>%s</title>
<style>%s</style>
</head>
<body>
<header id="top"></header>
<div id="app">
<aside id="side">
<div id="filters">
<input id="q" type="search" placeholder="Search ID, source, values" autocomplete="off">
<div class="row"><select id="status"><option value="">All statuses</option></select>
<label><input id="only-unsupported" type="checkbox"> Only unsupported</label></div>
<div id="count"></div>
</div>
<div id="list" tabindex="0"><div id="list-inner"></div></div>
</aside>
<main id="doc"><p class="empty">Select a document.</p></main>
</div>
<script type="application/json" id="run">%s</script>
`, html.EscapeString(b.opts.Title), css, head)
	return b.w.err
}

// writeTail writes the document list and the script.
func (b *builder) writeTail(index []indexEntry) error {
	data, err := json.Marshal(index)
	if err != nil {
		return fmt.Errorf("review: %w", err)
	}
	fmt.Fprintf(b.w, "<script type=\"application/json\" id=\"index\">%s</script>\n<script>%s</script>\n</body>\n</html>\n", data, script)
	return b.w.err
}
