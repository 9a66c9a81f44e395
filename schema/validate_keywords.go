package schema

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file turns the validate rules that have a strict keyword (oneof,
// bounds, datetime layouts) into enum, minimum/maximum, minItems/maxItems and
// format, or into words when the keyword cannot be used.

func (a *tagApplier) oneof(node *reflNode, cat tagCategory, param string, soft bool, prefix string) {
	vals := tagOneofValues(param)
	var enum []any
	switch cat {
	case tagString:
		for _, v := range vals {
			enum = append(enum, v)
		}
		if soft {
			enum = append(enum, "")
		}
	case tagInteger, tagNumber:
		for _, v := range vals {
			n, ok := reflNumber(v, cat == tagInteger)
			if !ok {
				enum = nil
				break
			}
			enum = append(enum, n)
		}
		if soft && enum != nil {
			enum = append(enum, reflJSONNumber("0"))
		}
	}
	if node == nil || enum == nil {
		a.add(prefix, "must be one of %s", strings.Join(vals, ", "))
		return
	}
	var uniq []any // oneof=a a is legal; a repeated enum value is not
	for _, v := range enum {
		if !slices.Contains(uniq, v) {
			uniq = append(uniq, v)
		}
	}
	node.enum = uniq
}

// tagOneofValues splits a oneof parameter like validator does: words, or
// 'single quoted' phrases.
func tagOneofValues(param string) []string {
	var vals []string
	for s := strings.TrimLeft(param, " "); s != ""; s = strings.TrimLeft(s, " ") {
		if s[0] == '\'' {
			if end := strings.IndexByte(s[1:], '\''); end >= 0 {
				vals = append(vals, s[1:end+1])
				s = s[end+2:]
				continue
			}
		}
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			end = len(s)
		}
		vals = append(vals, s[:end])
		s = s[end:]
	}
	return vals
}

func (a *tagApplier) bound(kw *reflNode, cat tagCategory, r tagRule, prefix string) {
	words := map[string]string{
		"min": "at least %s", "gte": "at least %s", "max": "at most %s", "lte": "at most %s",
		"gt": "greater than %s", "lt": "less than %s", "len": "exactly %s", "eq": "equal to %s", "ne": "not equal to %s",
	}
	switch cat {
	case tagInteger, tagNumber:
		n, ok := reflNumber(r.param, cat == tagInteger)
		if d, err := time.ParseDuration(r.param); !ok && a.dur && err == nil {
			n, ok = json.Number(strconv.FormatInt(int64(d), 10)), true
		}
		if !ok || kw == nil || r.key == "ne" {
			a.add(prefix, "must be "+words[r.key], r.param)
			return
		}
		switch r.key {
		case "min", "gte":
			kw.minimum = n
		case "max", "lte":
			kw.maximum = n
		case "gt":
			kw.exclusiveMinimum = n
		case "lt":
			kw.exclusiveMaximum = n
		case "len", "eq":
			kw.minimum, kw.maximum = n, n
		}
	case tagArray:
		n, err := strconv.Atoi(r.param)
		if a.fixedLen >= 0 && err == nil {
			// A Go array has its length in the schema already; a rule can
			// only agree with it or never pass.
			l := a.fixedLen
			if ok := map[string]bool{"min": l >= n, "gte": l >= n, "max": l <= n, "lte": l <= n, "gt": l > n,
				"lt": l < n, "len": l == n, "eq": l == n, "ne": l != n}[r.key]; !ok {
				a.add(prefix, "must have "+words[r.key]+" items", r.param)
			}
			return
		}
		if err != nil || n < 0 || kw == nil || r.key == "ne" {
			a.add(prefix, "must have "+words[r.key]+" items", r.param)
			return
		}
		switch r.key {
		case "min", "gte":
			kw.minItems = reflUint(n)
		case "max", "lte":
			kw.maxItems = reflUint(n)
		case "gt":
			kw.minItems = reflUint(n + 1)
		case "lt":
			if n == 0 {
				a.add(prefix, "must have fewer than 0 items")
				return
			}
			kw.maxItems = reflUint(n - 1)
		case "len", "eq":
			kw.minItems, kw.maxItems = reflUint(n), reflUint(n)
		}
	case tagString:
		if r.key == "eq" || r.key == "ne" {
			if r.key == "eq" && kw != nil {
				kw.enum = []any{r.param}
				return
			}
			a.add(prefix, "must be "+words[r.key], strconv.Quote(r.param))
			return
		}
		unit := " characters"
		if r.param == "1" {
			unit = " character"
		}
		a.add(prefix, words[r.key]+unit, r.param)
	case tagTime:
		switch {
		case r.param == "" && (r.key == "gt" || r.key == "gte"):
			a.add(prefix, "must be in the future")
		case r.param == "" && (r.key == "lt" || r.key == "lte"):
			a.add(prefix, "must be in the past")
		default:
			a.add(prefix, "must be "+words[r.key], r.param)
		}
	default:
		a.add(prefix, "must be "+words[r.key], r.param)
	}
}

// datetime maps a Go time layout to a strict-mode format where one fits.
func (a *tagApplier) datetime(kw *reflNode, cat tagCategory, layout string, prefix string) {
	format := ""
	switch layout {
	case "2006-01-02":
		format = "date"
	case "15:04:05":
		format = "time"
	case time.RFC3339, time.RFC3339Nano, "2006-01-02T15:04:05Z":
		format = "date-time"
	}
	if cat != tagString {
		return
	}
	if format != "" && kw != nil && kw.format == "" {
		kw.format = format
		return
	}
	if format != "" {
		a.add(prefix, "must be %s", reflArticle(format))
		return
	}
	a.add(prefix, "must be a date or time laid out like %q (Go layout)", layout)
}

// reflArticle names a strict format in words.
func reflArticle(format string) string {
	switch format {
	case "email":
		return "an email address"
	case "uuid":
		return "a UUID"
	case "hostname":
		return "a hostname"
	case "ipv4":
		return "an IPv4 address"
	case "ipv6":
		return "an IPv6 address"
	case "date":
		return "a date like 2006-01-02"
	case "time":
		return "a time like 15:04:05"
	case "date-time":
		return "an RFC 3339 date-time"
	}
	return "in format " + format
}

// reflNumber parses a validate parameter as a JSON number, an integer when
// integer is set.
func reflNumber(s string, integer bool) (json.Number, bool) {
	if integer {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return json.Number(strconv.FormatInt(i, 10)), true
		}
		if u, err := strconv.ParseUint(s, 10, 64); err == nil {
			return json.Number(strconv.FormatUint(u, 10)), true
		}
		return "", false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), true
}

func reflJSONNumber(s string) json.Number { return json.Number(s) }

func reflUint(n int) *uint64 {
	u := uint64(n)
	return &u
}
