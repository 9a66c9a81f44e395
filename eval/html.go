package eval

import (
	"bytes"
	"html/template"
	"io"
	"net/url"
	"path/filepath"
	"strings"
)

// HTMLOptions tune [Report.WriteHTML].
type HTMLOptions struct {
	// Link gives the address a document's name links to, for the
	// configuration at index config; nil links to its source path as a
	// relative URL (right when the page sits in the folder quarry ran from),
	// and "" means no link.
	Link func(config int, id string, doc DocInfo) string
}

// WriteHTML writes the report as one self-contained HTML page (inline CSS,
// no script, nothing fetched): the side-by-side table, then per
// configuration every kept mismatch, expected beside got, grouped by
// document and linked to it.
func (r *Report) WriteHTML(w io.Writer, opts HTMLOptions) error {
	link := opts.Link
	if link == nil {
		link = func(_ int, _ string, d DocInfo) string {
			if d.Source == "" {
				return ""
			}
			return (&url.URL{Path: filepath.ToSlash(d.Source)}).String()
		}
	}
	var table bytes.Buffer
	if err := r.WriteTable(&table); err != nil {
		return err
	}
	type row struct {
		Mismatch
		First  bool
		Rows   int
		Link   string
		Doc    DocInfo
		Anchor string
	}
	type section struct {
		Name         string
		Rows         []row
		Shown, Total int
	}
	var sections []section
	for ci, c := range r.Configurations {
		s := section{Name: c.Name, Shown: len(c.Mismatches), Total: c.MismatchCount}
		for i := 0; i < len(c.Mismatches); {
			j := i
			for j < len(c.Mismatches) && c.Mismatches[j].ID == c.Mismatches[i].ID {
				j++
			}
			doc := c.docs[c.Mismatches[i].ID]
			for k := i; k < j; k++ {
				s.Rows = append(s.Rows, row{Mismatch: c.Mismatches[k], First: k == i, Rows: j - i,
					Link: link(ci, c.Mismatches[k].ID, doc), Doc: doc, Anchor: anchor(ci, c.Mismatches[k].ID)})
			}
			i = j
		}
		sections = append(sections, s)
	}
	return htmlPage.Execute(w, struct {
		Table    []string
		Report   *Report
		Sections []section
	}{strings.Split(strings.TrimRight(table.String(), "\n"), "\n"), r, sections})
}

func anchor(config int, id string) string {
	var b strings.Builder
	b.WriteString("c")
	b.WriteByte(byte('0' + config%10))
	b.WriteByte('-')
	for _, r := range id {
		if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

var htmlPage = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>quarry eval</title>
<style>
:root{--bg:#f6f7f9;--panel:#fff;--line:#dde1e6;--text:#1d2330;--muted:#667085;--accent:#2f6fec;
--bad:#c62828;--bad-bg:#fde2e1;--warn:#9a5b00;--warn-bg:#fff0c9;--extra:#6639ba;--extra-bg:#efe6fb;
--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:var(--text);background:var(--bg)}
header{padding:10px 18px;background:#1d2330;color:#fff;display:flex;gap:18px;align-items:baseline}
header h1{font-size:16px;margin:0;font-weight:600}header .meta{color:#c7ccd6;font-size:13px}
main{padding:18px}h2{font-size:15px;margin:24px 0 8px}
pre.table{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:12px;overflow:auto;font:12.5px/1.45 var(--mono)}
table{border-collapse:collapse;background:var(--panel);width:100%}
th,td{border:1px solid var(--line);padding:5px 8px;vertical-align:top;text-align:left}
th{background:#eef0f3;font-weight:600}
td.doc{font-weight:600}a{color:var(--accent)}
code{font:12px/1.4 var(--mono);white-space:pre-wrap;word-break:break-all}
.verdict{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600}
.wrong{color:var(--bad);background:var(--bad-bg)}.missing{color:var(--warn);background:var(--warn-bg)}.extra{color:var(--extra);background:var(--extra-bg)}
.status,.note{font-weight:400;color:var(--muted)}
</style></head><body>
<header><h1>quarry eval</h1><span class="meta">{{.Report.Labels}} labelled documents · {{len .Report.Configurations}} configurations</span></header>
<main>
<pre class="table">{{range .Table}}{{.}}
{{end}}</pre>
{{range .Sections}}
<h2>{{.Name}}: {{.Total}} mismatches{{if lt .Shown .Total}} ({{.Shown}} shown; all are in errors.csv){{end}}</h2>
{{if .Rows}}<table>
<tr><th>document</th><th>field</th><th>verdict</th><th>expected</th><th>got</th></tr>
{{range .Rows}}<tr>{{if .First}}<td class="doc" rowspan="{{.Rows}}" id="{{.Anchor}}">{{if .Link}}<a href="{{.Link}}">{{.ID}}</a>{{else}}{{.ID}}{{end}}<br><span class="status">{{.Doc.Status}}{{if .Doc.Reason}}: {{.Doc.Reason}}{{end}}</span></td>{{end}}
<td><code>{{.Pointer}}</code>{{if .GotPointer}}<br><span class="note">paired with <code>{{.GotPointer}}</code></span>{{end}}<br><span class="note">{{.Rule}}</span></td>
<td><span class="verdict {{.Verdict}}">{{.Verdict}}</span></td><td><code>{{printf "%s" .Expected}}</code></td><td><code>{{printf "%s" .Got}}</code></td></tr>
{{end}}</table>{{else}}<p>Every compared value is right.</p>{{end}}
{{end}}
</main>
</body></html>
`))
