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
	// Link gives the address a document's name links to; nil links to its
	// source path as a relative URL (right when the page sits in the folder
	// quarry ran from), and "" means no link.
	Link func(id string, doc DocInfo) string
}

// WriteHTML writes the report as one self-contained HTML page (inline CSS,
// no script, nothing fetched): the side-by-side table, then per
// configuration every kept mismatch, expected beside got, grouped by
// document and linked to it.
func (r *Report) WriteHTML(w io.Writer, opts HTMLOptions) error {
	link := opts.Link
	if link == nil {
		link = func(_ string, d DocInfo) string {
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
					Link: link(c.Mismatches[k].ID, doc), Doc: doc, Anchor: anchor(ci, c.Mismatches[k].ID)})
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
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d232a;background:#fafbfc}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
pre.table{background:#fff;border:1px solid #d8dee4;border-radius:6px;padding:1rem;overflow:auto}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #d8dee4;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#f0f3f6}
td.doc{font-weight:600}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;word-break:break-all}
.wrong{color:#b42318}.missing{color:#9a6700}.extra{color:#6639ba}
.status{font-weight:400;color:#57606a}
.note{color:#57606a}
</style></head><body>
<h1>quarry eval</h1>
<p class="note">{{.Report.Labels}} labelled documents.</p>
<pre class="table">{{range .Table}}{{.}}
{{end}}</pre>
{{range .Sections}}
<h2>{{.Name}}: {{.Total}} mismatches{{if lt .Shown .Total}} ({{.Shown}} shown; all are in errors.csv){{end}}</h2>
{{if .Rows}}<table>
<tr><th>document</th><th>field</th><th>verdict</th><th>expected</th><th>got</th></tr>
{{range .Rows}}<tr>{{if .First}}<td class="doc" rowspan="{{.Rows}}" id="{{.Anchor}}">{{if .Link}}<a href="{{.Link}}">{{.ID}}</a>{{else}}{{.ID}}{{end}}<br><span class="status">{{.Doc.Status}}{{if .Doc.Reason}}: {{.Doc.Reason}}{{end}}</span></td>{{end}}
<td><code>{{.Pointer}}</code>{{if .GotPointer}}<br><span class="note">paired with <code>{{.GotPointer}}</code></span>{{end}}<br><span class="note">{{.Rule}}</span></td>
<td class="{{.Verdict}}">{{.Verdict}}</td><td><code>{{printf "%s" .Expected}}</code></td><td><code>{{printf "%s" .Got}}</code></td></tr>
{{end}}</table>{{else}}<p>Every compared value is right.</p>{{end}}
{{end}}
</body></html>
`))
