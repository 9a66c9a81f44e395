package simulated

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/seed0611af48/quarry/evidence"
	"github.com/seed0611af48/quarry/internal/ojson"
	"github.com/seed0611af48/quarry/schema"
)

// With --evidence the request schema wraps every leaf value in
// {quote, [page,] value} (schema.Quoted). The simulated model then answers
// like a model that cites its source: for each value it quotes the line of
// the document text that states it, found with the same check Quarry
// applies to quotes (evidence.Supports), with the page of that line. A
// value no line states (a wrong expected answer, a value read from an
// image) gets the line holding the nearest number, as a misreading model
// would, or no quote.

// docLine is one line of the document text sent, with its page.
type docLine struct {
	text string
	page int
}

var simPageMarker = regexp.MustCompile(`^--- page (\d+) ---$`)

// documentLines splits the text sent into its non-empty lines.
func documentLines(text string) []docLine {
	var out []docLine
	page := 0
	for _, l := range strings.Split(text, "\n") {
		if m := simPageMarker.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			page, _ = strconv.Atoi(m[1])
			continue
		}
		if t := strings.TrimSpace(l); t != "" {
			out = append(out, docLine{t, page})
		}
	}
	return out
}

// quoteWrapper returns the value schema of a {quote, [page,] value}
// wrapper, and whether it has a page.
func quoteWrapper(m *schema.Model) (value *schema.Model, paged, ok bool) {
	names := make([]string, len(m.Props))
	for i, p := range m.Props {
		names[i] = p.Name
	}
	switch {
	case len(names) == 2 && names[0] == "quote" && names[1] == "value":
	case len(names) == 3 && names[0] == "quote" && names[1] == "page" && names[2] == "value":
		paged = true
	default:
		return nil, false, false
	}
	return m.Prop("value"), paged, true
}

// quoted answers a wrapper: the value (projected, or invented when v is
// absent) with the line quoted for it.
func (s *simulator) quoted(v any, valueSchema *schema.Model, paged, invented bool, depth int) ojson.Value {
	var val ojson.Value
	if invented {
		val = s.invent(valueSchema, depth+1)
	} else {
		val = s.project(v, valueSchema, depth+1)
	}
	var quote, page ojson.Value
	if val.Kind != ojson.Null && !invented {
		if l, ok := s.cite(val); ok {
			quote, page = ojson.Str(l.text), number(float64(l.page))
		}
	}
	out := ojson.Obj(ojson.Member{Key: "quote", Value: quote})
	if paged {
		if quote.Kind == ojson.Null {
			page = ojson.Value{}
		}
		out.Members = append(out.Members, ojson.Member{Key: "page", Value: page})
	}
	out.Members = append(out.Members, ojson.Member{Key: "value", Value: val})
	return out
}

// cite finds the line that states val, or the line with the number
// nearest to it.
func (s *simulator) cite(val ojson.Value) (docLine, bool) {
	raw := ojson.Append(nil, &val)
	if l := s.last; l != nil && !namesOther(s, raw) {
		if ok, _ := evidence.Supports(l.text, raw); ok {
			return *l, true // the line of the previous field: a table row
		}
	}
	var first *docLine
	for i, l := range s.lines {
		if ok, _ := evidence.Supports(l.text, raw); ok {
			if namesField(l.text, s.key) {
				s.last = &s.lines[i]
				return l, true // "Total due: 858.00" for total, over "Subtotal 858.00"
			}
			if first == nil {
				first = &s.lines[i]
			}
		}
	}
	if first != nil {
		s.last = first
		return *first, true
	}
	f, isNum := val.Float()
	if !isNum {
		return docLine{}, false
	}
	best, bestD := docLine{}, math.Inf(1)
	for _, l := range s.lines {
		for _, tok := range simNumber.FindAllString(l.text, -1) {
			n, err := strconv.ParseFloat(strings.ReplaceAll(tok, ",", ""), 64)
			if err != nil {
				continue
			}
			if d := math.Abs(n-f) / math.Max(1, math.Abs(f)); d < 0.5 && (d < bestD || d == bestD && namesField(l.text, s.key) && !namesField(best.text, s.key)) {
				best, bestD = l, d
			}
		}
	}
	return best, bestD < math.Inf(1)
}

var simNumber = regexp.MustCompile(`\d[\d,]*(?:\.\d+)?`)

// documentText is the text of the request's first user message: the
// document, without the earlier answers and corrections of a re-ask.
func documentText(input json.RawMessage) string {
	var items []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	}
	if json.Unmarshal(input, &items) != nil || len(items) == 0 || items[0].Role != "user" {
		return ""
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(items[0].Content, &parts) != nil {
		var s string
		_ = json.Unmarshal(items[0].Content, &s)
		return s
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "input_text" {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// namesField reports whether a line has a word of the field's name
// ("due" or "date" for due_date), as a label next to the value.
func namesField(line, key string) bool {
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(line), func(r rune) bool { return !unicode.IsLetter(r) }) {
		words[w] = true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(key), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) >= 3 && words[w] {
			return true
		}
	}
	return false
}

// namesOther reports whether some line that supports the value is labelled
// with the field's name: then that line wins over the previous field's.
func namesOther(s *simulator, raw []byte) bool {
	for _, l := range s.lines {
		if namesField(l.text, s.key) {
			if ok, _ := evidence.Supports(l.text, raw); ok {
				return true
			}
		}
	}
	return false
}
