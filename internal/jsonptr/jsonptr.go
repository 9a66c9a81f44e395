// Package jsonptr is Quarry's one home for JSON Pointer (RFC 6901) reference
// tokens: escaping "~" and "/" when a pointer is built, unescaping when one is
// followed. Every package that writes or reads pointers (schema's errors,
// converter and model's $refs, extract's schema checks, partialjson's events,
// internal/ojson's Lookup, the sinks) uses it.
package jsonptr

import "strings"

// Escape escapes a reference token: "~" becomes "~0" and "/" becomes "~1".
func Escape(tok string) string {
	if !strings.ContainsAny(tok, "~/") {
		return tok
	}
	return escaper.Replace(tok)
}

// Unescape undoes Escape: "~1" becomes "/" and "~0" becomes "~".
func Unescape(tok string) string {
	if !strings.Contains(tok, "~") {
		return tok
	}
	return unescaper.Replace(tok)
}

var (
	escaper   = strings.NewReplacer("~", "~0", "/", "~1")
	unescaper = strings.NewReplacer("~1", "/", "~0", "~")
)

// Join appends reference tokens to a pointer, escaping each.
func Join(base string, tokens ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(Escape(t))
	}
	return b.String()
}

// Split returns a pointer's reference tokens, unescaped: nil for "" (the
// whole document). ok is false when ptr is neither "" nor starts with "/".
func Split(ptr string) (tokens []string, ok bool) {
	if ptr == "" {
		return nil, true
	}
	if ptr[0] != '/' {
		return nil, false
	}
	tokens = strings.Split(ptr[1:], "/")
	for i, t := range tokens {
		tokens[i] = Unescape(t)
	}
	return tokens, true
}
