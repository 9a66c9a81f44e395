package review_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/internal/pdfgen"
	"github.com/seed0611af48/quarry/pipeline"
	"github.com/seed0611af48/quarry/pipeline/source"
	"github.com/seed0611af48/quarry/pipeline/source/pdftext"
)

// shared is one PDFium for the package's tests.
var shared struct {
	once sync.Once
	e    *pdftext.Extractor
	err  error
}

func extractor(t testing.TB) *pdftext.Extractor {
	t.Helper()
	shared.once.Do(func() { shared.e, shared.err = pdftext.New(t.Context(), pdftext.Options{}) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.e
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.e != nil {
		shared.e.Close()
	}
	os.Exit(code)
}

// fixedNow stamps pages built in tests.
func fixedNow() time.Time { return time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC) }

// writeRun writes a run dir: a ledger with outcomes and a run.json.
func writeRun(t testing.TB, dir string, outs []pipeline.Outcome) {
	t.Helper()
	l, err := pipeline.OpenLedger(dir)
	if err != nil {
		t.Fatal(err)
	}
	totals := pipeline.Totals{Documents: len(outs), ByStatus: map[pipeline.Status]int{}}
	for i := range outs {
		if err := l.Append(&outs[i]); err != nil {
			t.Fatal(err)
		}
		totals.ByStatus[outs[i].Status]++
	}
	if err := l.WriteRunInfo(&pipeline.RunInfo{Model: "gpt-test", Start: fixedNow(), End: fixedNow(), Totals: totals}); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

// sent reads path as a run with opts would and returns its documents.
func sent(t testing.TB, path string, opts source.Options) []pipeline.Document {
	t.Helper()
	docs, err := source.Open(t.Context(), []string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []pipeline.Document
	for d := range docs {
		out = append(out, d)
	}
	return out
}

// outcomeOf is an ok outcome of doc with value and evidence items.
func outcomeOf(t testing.TB, doc pipeline.Document, value string, items ...evidence.Item) pipeline.Outcome {
	t.Helper()
	o := pipeline.Outcome{ID: doc.ID, Hash: doc.Hash(), Status: pipeline.StatusOK, Value: json.RawMessage(value),
		Attempts: 1, Model: "gpt-test", Source: doc.Source, Row: doc.Row, Page: doc.Page}
	if len(items) > 0 {
		ev, err := json.Marshal(items)
		if err != nil {
			t.Fatal(err)
		}
		o.Evidence = ev
	}
	return o
}

// span is an item for the first occurrence of quote in text.
func span(text, pointer, value, quote string, page int, verdict evidence.Verdict) evidence.Item {
	i := strings.Index(text, quote)
	it := evidence.Item{Pointer: pointer, Value: json.RawMessage(value), Quote: quote, Page: page, Verdict: verdict, Match: evidence.MatchExact, Score: 1}
	if i < 0 {
		it.Match, it.Score, it.Verdict, it.Reason = evidence.MatchNone, 0, evidence.NotFound, "the quote is not in the source"
		return it
	}
	it.Start = len([]rune(text[:i]))
	it.End = it.Start + len([]rune(quote))
	if verdict == evidence.Unsupported {
		it.Reason = "the quote does not contain the value"
	}
	return it
}

func writePDF(t testing.TB, path string, pages ...[]string) {
	t.Helper()
	var b bytes.Buffer
	if err := pdfgen.Write(&b, pages); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// page is a built review page, with its embedded data decoded.
type page struct {
	html  string
	index []map[string]any
}

var scriptRE = regexp.MustCompile(`(?s)<script type="(application/json|text/plain)" id="([^"]+)">(.*?)</script>`)

func (p *page) element(t testing.TB, id string) string {
	t.Helper()
	for _, m := range scriptRE.FindAllStringSubmatch(p.html, -1) {
		if m[2] == id {
			return m[3]
		}
	}
	t.Fatalf("no element %q in the page", id)
	return ""
}

// docData is the JSON of the page's document n, as the page's script reads it.
type docData struct {
	ID            string   `json:"id"`
	Status        string   `json:"status"`
	Reason        string   `json:"reason"`
	AttemptErrors []string `json:"attempt_errors"`
	Notes         []string
	Fields        []struct {
		P, V, Q, Vd, M, R string
		Pg, S, E, Ep      int
		B                 [][5]float64
	} `json:"fields"`
	Segments []struct {
		Pg  int     `json:"pg"`
		T   string  `json:"t"`
		Img string  `json:"img"`
		W   float64 `json:"w"`
		H   float64 `json:"h"`
	} `json:"segments"`
}

func (p *page) doc(t testing.TB, n int) docData {
	t.Helper()
	var d docData
	if err := json.Unmarshal([]byte(p.element(t, "d"+itoa(n))), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func sourceDefaults() source.Options { return source.Options{} }

// spanAfter is a supported item for the first occurrence of quote after the
// first occurrence of after.
func spanAfter(text, after, pointer, value, quote string, page int) evidence.Item {
	i := strings.Index(text, after)
	it := span(text[i:], pointer, value, quote, page, evidence.Supported)
	n := len([]rune(text[:i]))
	it.Start += n
	it.End += n
	return it
}
