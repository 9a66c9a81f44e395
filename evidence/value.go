package evidence

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Supports reports whether the text src supports value, a JSON leaf: the
// check [Verify] applies to the source text a quote was found at. Numbers are compared as numbers whatever
// their formatting ("1,429.96", "1.429,96", "1 429,96", "19%" for 0.19);
// dates in YYYY-MM-DD form are compared as dates written in common formats
// ("3 April 2025", "04/03/2025", "2025年4月3日"); strings are compared after
// normalising, and ignoring spaces and punctuation. Booleans and null are
// not checked against the text. When it returns false, reason says why.
func Supports(src string, value json.RawMessage) (ok bool, reason string) {
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return false, fmt.Sprintf("the value is not JSON: %v", err)
	}
	switch v := v.(type) {
	case nil, bool:
		return true, ""
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return false, fmt.Sprintf("the value %s is not a number", v)
		}
		return containsNumber(src, f, v.String())
	case string:
		return containsString(src, v)
	}
	return false, "the value is not a leaf"
}

func containsNumber(src string, f float64, shown string) (bool, string) {
	nums := numbersIn(src)
	for _, n := range nums {
		if n.matches(f) {
			return true, ""
		}
	}
	if len(nums) == 0 {
		return false, fmt.Sprintf("the source text %q has no number; the value is %s", clip(src), shown)
	}
	seen := make([]string, 0, len(nums))
	for _, n := range nums {
		if len(seen) == 0 || seen[len(seen)-1] != n.text {
			seen = append(seen, n.text)
		}
	}
	return false, fmt.Sprintf("the source text %q says %s, not %s", clip(src), strings.Join(seen, ", "), shown)
}

func containsString(src, v string) (bool, string) {
	if strings.TrimSpace(v) == "" {
		return true, ""
	}
	nv, ns := string(normalize(v, false).r), string(normalize(src, false).r)
	if strings.Contains(ns, nv) || strings.Contains(compact(ns), compact(nv)) && compact(nv) != "" {
		return true, ""
	}
	if y, m, d, ok := isoDate(v); ok {
		if hasDate(src, y, m, d) {
			return true, ""
		}
		return false, fmt.Sprintf("the source text %q does not give the date %s", clip(src), v)
	}
	if f, ok := plainNumber(v); ok {
		if ok, _ := containsNumber(src, f, v); ok {
			return true, ""
		}
	}
	if sym, ok := currencySymbols[strings.ToUpper(strings.TrimSpace(v))]; ok {
		for _, s := range sym {
			if strings.Contains(src, s) {
				return true, ""
			}
		}
	}
	return false, fmt.Sprintf("the source text %q does not contain %q", clip(src), v)
}

// currencySymbols lets a currency code be supported by its symbol.
var currencySymbols = map[string][]string{
	"EUR": {"€"}, "USD": {"$", "US$"}, "GBP": {"£"}, "JPY": {"¥", "円"}, "CNY": {"¥", "元"},
	"INR": {"₹", "Rs"}, "PLN": {"zł"}, "CHF": {"Fr."}, "KRW": {"₩"}, "RUB": {"₽"},
	"TRY": {"₺"}, "ILS": {"₪"}, "UAH": {"₴"}, "VND": {"₫"}, "NGN": {"₦"}, "THB": {"฿"},
}

// compact keeps only letters and digits.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// clip shortens a quote for a message.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		return string(r[:77]) + "..."
	}
	return s
}

// number is a number written in a text, with its possible readings (a lone
// "1,429" may be 1429 or 1.429).
type number struct {
	text     string
	readings []float64
	percent  bool
}

func (n number) matches(f float64) bool {
	for _, r := range n.readings {
		if nearly(r, f) || nearly(r, -f) || n.percent && nearly(r/100, f) {
			return true
		}
	}
	return false
}

func nearly(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// numberToken is a run of digits with the separators numbers are written
// with (, . ' and single spaces between digit groups).
var numberToken = regexp.MustCompile(`\d(?:[\d,.'’\x{00A0}\x{202F}\x{2009}]|[ ]\d)*`)

// numbersIn finds the numbers written in s, in NFKC form so that full-width
// digits count. A token with spaces in it ("1 429,96", or "1 450.00" where
// the 1 is a quantity) is read whole and also piece by piece.
func numbersIn(s string) []number {
	s = string(normalizeNFKC(s))
	var out []number
	for _, loc := range numberToken.FindAllStringIndex(s, -1) {
		tok := strings.TrimRight(s[loc[0]:loc[1]], ",.'’ \u00a0\u202f\u2009")
		pct := strings.HasPrefix(strings.TrimSpace(s[loc[1]:]), "%")
		pieces := strings.FieldsFunc(tok, func(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009' })
		if len(pieces) > 1 {
			out = append(out, number{text: tok, readings: readNumber(strings.Join(pieces, "'")), percent: pct})
		}
		for _, p := range pieces {
			p = strings.TrimRight(p, ",.'’")
			out = append(out, number{text: p, readings: readNumber(p), percent: pct})
		}
	}
	return out
}

// readNumber reads digits with separators: when both "," and "." appear
// the last one is the decimal mark; one separator used once and followed by
// exactly three digits is read both ways; apostrophes group thousands.
func readNumber(tok string) []float64 {
	tok = strings.NewReplacer("'", "", "’", "").Replace(tok)
	lc, ld := strings.LastIndexByte(tok, ','), strings.LastIndexByte(tok, '.')
	parse := func(s string) []float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil
		}
		return []float64{f}
	}
	switch {
	case lc < 0 && ld < 0:
		return parse(tok)
	case lc >= 0 && ld >= 0:
		dec, group := ld, ","
		if lc > ld {
			dec, group = lc, "."
		}
		whole := strings.ReplaceAll(tok[:dec], group, "")
		return parse(whole + "." + tok[dec+1:])
	}
	sep := ","
	if ld >= 0 {
		sep = "."
	}
	plain := strings.ReplaceAll(tok, sep, "")
	if strings.Count(tok, sep) > 1 {
		return parse(plain)
	}
	asDecimal := parse(strings.Replace(tok, sep, ".", 1))
	if i := strings.Index(tok, sep); len(tok)-i-1 == 3 {
		return append(parse(plain), asDecimal...)
	}
	return asDecimal
}

// plainNumber reads a string value that is only a number ("1,429.96",
// "€ 858.00").
func plainNumber(v string) (float64, bool) {
	v = strings.TrimSpace(strings.Trim(strings.TrimSpace(v), "€$£¥₹%+-"))
	if v == "" || !numberToken.MatchString(v) || numberToken.FindString(v) != v {
		return 0, false
	}
	r := readNumber(strings.ReplaceAll(v, " ", ""))
	if len(r) == 0 {
		return 0, false
	}
	return r[len(r)-1], true
}
