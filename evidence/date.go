package evidence

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// normalizeNFKC returns s in NFKC form.
func normalizeNFKC(s string) []byte { return norm.NFKC.Bytes([]byte(s)) }

// isoDate reads a value written as YYYY-MM-DD (optionally followed by a
// time, as in RFC 3339).
func isoDate(v string) (y, m, d int, ok bool) {
	v = strings.TrimSpace(v)
	if len(v) < 10 {
		return 0, 0, 0, false
	}
	t, err := time.Parse("2006-01-02", v[:10])
	if err != nil || len(v) > 10 && v[10] != 'T' && v[10] != ' ' {
		return 0, 0, 0, false
	}
	return t.Year(), int(t.Month()), t.Day(), true
}

var (
	ymdDate     = regexp.MustCompile(`(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})`)
	numericDate = regexp.MustCompile(`(\d{1,2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{4}|\d{2})`)
	dayMonth    = regexp.MustCompile(`(?i)(\d{1,2})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?(\pL+)\.?,?\s+(?:de\s+)?(\d{4})`)
	monthDay    = regexp.MustCompile(`(?i)(\pL+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})`)
)

// months maps month names and abbreviations in the languages invoices are
// commonly written in (English, German, French, Spanish, Italian, Dutch,
// Polish, Portuguese) to month numbers.
var months = func() map[string]int {
	names := [][]string{
		{"january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "januari", "stycznia", "styczeń", "janeiro"},
		{"february", "feb", "februar", "février", "févr", "fevrier", "febrero", "febbraio", "februari", "lutego", "luty", "fevereiro", "fev"},
		{"march", "mar", "märz", "maerz", "mars", "marzo", "maart", "marca", "marzec", "março"},
		{"april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwietnia", "kwiecień"},
		{"may", "mai", "mayo", "maggio", "mag", "mei", "maja", "maj", "maio"},
		{"june", "jun", "juni", "juin", "junio", "giugno", "giu", "czerwca", "czerwiec", "junho"},
		{"july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "lipca", "lipiec", "julho"},
		{"august", "aug", "août", "aout", "agosto", "ago", "augustus", "sierpnia", "sierpień"},
		{"september", "sep", "sept", "septembre", "septiembre", "settembre", "set", "września", "wrzesień", "setembro"},
		{"october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "października", "październik", "outubro", "out"},
		{"november", "nov", "novembre", "noviembre", "listopada", "listopad", "novembro"},
		{"december", "dec", "dezember", "dez", "décembre", "déc", "diciembre", "dic", "dicembre", "grudnia", "grudzień", "dezembro"},
	}
	m := map[string]int{}
	for i, ns := range names {
		for _, n := range ns {
			m[n] = i + 1
		}
	}
	return m
}()

// hasDate reports whether s writes the date y-m-d in any common format.
// A numeric date like 04/03/2025 is read both day-first and month-first.
func hasDate(s string, y, m, d int) bool {
	s = string(normalizeNFKC(s))
	year := func(t string) int {
		n, _ := strconv.Atoi(t)
		if len(t) == 2 {
			n += 2000
		}
		return n
	}
	num := func(t string) int { n, _ := strconv.Atoi(t); return n }
	for _, g := range ymdDate.FindAllStringSubmatch(s, -1) {
		if num(g[1]) == y && num(g[2]) == m && num(g[3]) == d {
			return true
		}
	}
	for _, g := range numericDate.FindAllStringSubmatch(s, -1) {
		if year(g[3]) == y && (num(g[1]) == d && num(g[2]) == m || num(g[1]) == m && num(g[2]) == d) {
			return true
		}
	}
	for _, g := range dayMonth.FindAllStringSubmatch(s, -1) {
		if num(g[1]) == d && months[strings.ToLower(g[2])] == m && num(g[3]) == y {
			return true
		}
	}
	for _, g := range monthDay.FindAllStringSubmatch(s, -1) {
		if months[strings.ToLower(g[1])] == m && num(g[2]) == d && num(g[3]) == y {
			return true
		}
	}
	return false
}
