package extract

import "strings"

// unwrapAnswer removes what servers that ignore strict mode put around a
// JSON answer: a byte order mark, and a Markdown code fence (```json ...
// ```) around the whole answer. note says what was removed, for the
// attempt's record; the strict decode then judges what is left. An answer
// with anything outside the fence is left as it is.
func unwrapAnswer(text string) (string, string) {
	var notes []string
	if t, ok := strings.CutPrefix(text, "\ufeff"); ok {
		text = t
		notes = append(notes, "removed a byte order mark")
	}
	if t := strings.TrimSpace(text); strings.HasPrefix(t, "```") && strings.HasSuffix(t, "```") && len(t) >= 6 {
		first, body, ok := strings.Cut(t[:len(t)-3], "\n")
		lang := strings.TrimSpace(strings.TrimPrefix(first, "```"))
		if ok && !strings.Contains(lang, "`") && (lang == "" || strings.EqualFold(lang, "json")) {
			text = strings.TrimSpace(body)
			notes = append(notes, "unwrapped from a "+strings.TrimSpace(first)+" fence")
		}
	}
	return text, strings.Join(notes, "; ")
}
