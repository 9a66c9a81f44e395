package sink

import (
	"fmt"
	"log/slog"
	"strings"
	"unicode"
	"unicode/utf16"
)

// guard makes text safe for a spreadsheet cell: it neutralises formulas and
// cuts text to MaxCellChars, logging every cut.
type guard struct {
	log    *slog.Logger
	format string // "csv", "xlsx": named in warnings
}

// neutralise prefixes a single quote to text a spreadsheet would read as a
// formula (OWASP "CSV injection"): text starting with = + - @ tab, CR or LF,
// also after leading white space (spreadsheets skip it) and in their
// full-width forms (＝ ＋ － ＠), which some spreadsheets accept.
// Numbers are never passed here, so -2 stays a number.
func neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '\t', '\r', '\n':
		return "'" + s
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		switch r {
		case '=', '+', '-', '@', '＝', '＋', '－', '＠':
			return "'" + s
		}
		break
	}
	return s
}

// text returns the cell text for a string cell (neutralised, then cut) or
// for any other kind (cut only).
func (g *guard) text(c cell, record, column string) string {
	s := c.text
	if c.kind == cellString {
		s = neutralise(s)
	}
	return g.cut(s, record, column)
}

// cut shortens s to MaxCellChars UTF-16 code units, ending it with a marker
// that says how many were dropped, and logs a warning.
func (g *guard) cut(s, record, column string) string {
	if len(s) <= MaxCellChars { // bytes ≥ UTF-16 units: nothing to count
		return s
	}
	n := utf16Len(s)
	if n <= MaxCellChars {
		return s
	}
	// Find the cut so that prefix + marker fits; the marker's own length
	// depends on the count, so settle it in two passes.
	var keep, dropped int
	marker := ""
	for range 2 {
		room := MaxCellChars - utf16Len(marker)
		keep = prefixUnits(s, room)
		dropped = n - utf16Len(s[:keep])
		marker = fmt.Sprintf("…[truncated %d chars]", dropped)
	}
	g.log.Warn("sink: cell text cut to the spreadsheet limit; the full value is in the JSONL output",
		"format", g.format, "record", record, "column", column,
		"chars", n, "limit", MaxCellChars, "dropped", dropped)
	return s[:keep] + marker
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1)
	}
	return n
}

// prefixUnits returns the byte length of the longest prefix of s that has at
// most units UTF-16 code units and does not split a character.
func prefixUnits(s string, units int) int {
	n := 0
	for i, r := range s {
		l := utf16.RuneLen(r)
		if l < 0 {
			l = 1
		}
		if n+l > units {
			return i
		}
		n += l
	}
	return len(s)
}

// sanitiseSheetName makes a valid, at most 31-character Excel sheet name.
func sanitiseSheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, s)
	s = strings.Trim(s, "'")
	if s == "" {
		s = "sheet"
	}
	// Cut to Excel's 31 characters, then trim again: a cut may end on "'".
	if s = strings.TrimRight(s[:prefixUnits(s, 31)], "'"); s == "" {
		s = "sheet"
	}
	return s
}
