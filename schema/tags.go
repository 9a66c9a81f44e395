package schema

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// This file lists the JSON fields of a Go struct type by the rules of
// encoding/json (names, embedding, dominance, "-"), so that the reflector and
// the decoder agree on exactly which keys an object has.

// tagField is one JSON field of a struct type, after flattening embedded
// structs the way encoding/json does.
type tagField struct {
	name      string              // JSON key
	goName    string              // Go field name of the leaf field
	index     []int               // index sequence for reflect.Value.FieldByIndex
	typ       reflect.Type        // declared type of the leaf field
	field     reflect.StructField // the leaf field, with its tags
	nameTag   bool                // name came from the json tag
	omitEmpty bool                // json:",omitempty"
	omitZero  bool                // json:",omitzero"
	quoted    bool                // json:",string" on a bool, number or string field
	nullable  bool                // null is allowed (pointer, omitempty, omitzero, jsonschema nullable) and validate does not say required
	// viaUnexportedPtr is set when the field is promoted through an embedded
	// pointer to an unexported struct type, which encoding/json cannot allocate.
	viaUnexportedPtr bool
}

var tagFieldCache sync.Map // reflect.Type → []tagField

// tagFieldsOf returns the JSON fields of struct type t in encoding/json order.
// The result is cached and must not be modified.
func tagFieldsOf(t reflect.Type) []tagField {
	if f, ok := tagFieldCache.Load(t); ok {
		return f.([]tagField)
	}
	f, _ := tagFieldCache.LoadOrStore(t, tagTypeFields(t))
	return f.([]tagField)
}

// tagTypeFields follows encoding/json's typeFields: a breadth-first walk over
// embedded structs, then the dominance rules for repeated names.
func tagTypeFields(t reflect.Type) []tagField {
	type queued struct {
		typ      reflect.Type
		index    []int
		viaUnPtr bool
	}
	var (
		current   []queued
		next      = []queued{{typ: t}}
		count     map[reflect.Type]int
		nextCount = map[reflect.Type]int{}
		visited   = map[reflect.Type]bool{}
		fields    []tagField
	)
	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, q := range current {
			if visited[q.typ] {
				continue
			}
			visited[q.typ] = true
			for i := range q.typ.NumField() {
				sf := q.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" || tagFirst(sf.Tag.Get("jsonschema")) == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !tagValidName(name) {
					name = ""
				}
				index := append(slices.Clip(q.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := tagField{
						name:             name,
						goName:           sf.Name,
						index:            index,
						typ:              sf.Type,
						field:            sf,
						nameTag:          name != "",
						omitEmpty:        tagHasOpt(opts, "omitempty"),
						omitZero:         tagHasOpt(opts, "omitzero"),
						viaUnexportedPtr: q.viaUnPtr,
					}
					if f.name == "" {
						f.name = sf.Name
					}
					if tagHasOpt(opts, "string") {
						switch ft.Kind() {
						case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
							reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
							reflect.Float32, reflect.Float64, reflect.String:
							f.quoted = true
						}
					}
					f.nullable = tagNullable(f)
					fields = append(fields, f)
					if count[q.typ] > 1 {
						// Several instances of the embedded type at this depth:
						// add a duplicate so the dominance step drops the name.
						fields = append(fields, fields[len(fields)-1])
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					unPtr := q.viaUnPtr || (sf.Type.Kind() == reflect.Pointer && !sf.IsExported())
					next = append(next, queued{typ: ft, index: index, viaUnPtr: unPtr})
				}
			}
		}
	}

	slices.SortFunc(fields, func(a, b tagField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.nameTag != b.nameTag {
			if a.nameTag {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for advance, i := 0, 0; i < len(fields); i += advance {
		fi := fields[i]
		for advance = 1; i+advance < len(fields); advance++ {
			if fields[i+advance].name != fi.name {
				break
			}
		}
		if advance == 1 {
			out = append(out, fi)
			continue
		}
		// The shallowest field wins, unless two share the depth and taggedness.
		if len(fields[i].index) == len(fields[i+1].index) && fields[i].nameTag == fields[i+1].nameTag {
			continue
		}
		out = append(out, fi)
	}
	slices.SortFunc(out, func(a, b tagField) int { return slices.Compare(a.index, b.index) })
	return slices.Clip(out)
}

// tagNullable reports whether a field admits null: pointers and fields that
// encoding/json would omit (omitempty, omitzero) or that carry the jsonschema
// "nullable" option, unless the validate tag says "required".
func tagNullable(f tagField) bool {
	n := f.typ.Kind() == reflect.Pointer || f.omitEmpty || f.omitZero
	for _, o := range strings.Split(f.field.Tag.Get("jsonschema"), ",") {
		if o == "nullable" {
			n = true
		}
	}
	if n && tagValidateRequired(f.field.Tag.Get("validate")) {
		return false
	}
	return n
}

// tagValidateRequired reports whether a validate tag has "required" among the
// rules for the field itself (before any "dive").
func tagValidateRequired(tag string) bool {
	for _, r := range strings.Split(tag, ",") {
		if r == "dive" {
			return false
		}
		if r == "required" {
			return true
		}
	}
	return false
}

func tagFirst(s string) string {
	first, _, _ := strings.Cut(s, ",")
	return first
}

func tagHasOpt(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

// tagValidName matches encoding/json's isValidTag.
func tagValidName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
			// Backslash and quote chars are reserved, but otherwise any
			// punctuation chars are allowed in a tag name.
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}

// The rest of this file maps go-playground/validator tags to JSON Schema
// keywords that strict mode accepts, and everything else to plain words
// appended to the field's description.

// tagRule is one validate rule: "gte=1" is {key: "gte", param: "1"}.
type tagRule struct{ key, param string }

// tagParseValidate splits a validate tag into levels: level 0 applies to the
// field, level n to the elements reached by n "dive"s. Map key rules
// ("keys" ... "endkeys") are dropped.
func tagParseValidate(tag string) [][]tagRule {
	if tag == "" || tag == "-" {
		return nil
	}
	levels := [][]tagRule{nil}
	inKeys := false
	for _, r := range strings.Split(tag, ",") {
		r = strings.ReplaceAll(strings.ReplaceAll(r, "0x2C", ","), "0x7C", "|")
		switch {
		case r == "":
			continue
		case r == "keys":
			inKeys = true
			continue
		case r == "endkeys":
			inKeys = false
			continue
		case inKeys:
			continue
		case r == "dive":
			levels = append(levels, nil)
			continue
		}
		k, p, _ := strings.Cut(r, "=")
		if strings.Contains(r, "|") {
			k, p = "|", r
		}
		levels[len(levels)-1] = append(levels[len(levels)-1], tagRule{k, p})
	}
	return levels
}

// tagCategory is the JSON shape of a Go type, for choosing keywords.
type tagCategory int

const (
	tagOther tagCategory = iota
	tagString
	tagInteger
	tagNumber
	tagBool
	tagArray
	tagTime
)

func tagCategoryOf(t reflect.Type, quoted bool) tagCategory {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflTimeType {
		return tagTime
	}
	if quoted {
		return tagOther
	}
	switch t.Kind() {
	case reflect.String:
		return tagString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return tagInteger
	case reflect.Float32, reflect.Float64:
		return tagNumber
	case reflect.Bool:
		return tagBool
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return tagOther
		}
		return tagArray
	case reflect.Array:
		return tagArray
	}
	return tagOther
}

// tagFormats maps validator rules to strict-mode string formats.
var tagFormats = map[string]string{
	"email": "email", "uuid": "uuid", "uuid3": "uuid", "uuid4": "uuid", "uuid5": "uuid",
	"uuid_rfc4122": "uuid", "uuid3_rfc4122": "uuid", "uuid4_rfc4122": "uuid", "uuid5_rfc4122": "uuid",
	"hostname": "hostname", "hostname_rfc1123": "hostname", "fqdn": "hostname",
	"ipv4": "ipv4", "ip4_addr": "ipv4", "ipv6": "ipv6", "ip6_addr": "ipv6",
}

// tagPhrases describes validator rules that have no strict keyword.
var tagPhrases = map[string]string{
	"url": "a valid URL", "http_url": "an http or https URL", "https_url": "an https URL", "uri": "a valid URI",
	"url_encoded": "URL-encoded", "base64": "base64-encoded", "base64url": "base64url-encoded",
	"alpha": "letters only", "alphanum": "letters and digits only", "alphaunicode": "letters only",
	"alphanumunicode": "letters and digits only", "numeric": "a decimal number written as text",
	"number": "digits only", "hexadecimal": "a hexadecimal number", "lowercase": "lowercase",
	"uppercase": "uppercase", "ascii": "ASCII characters only", "printascii": "printable ASCII characters only",
	"e164": "a phone number in E.164 format, such as \"+14155552671\"", "iso3166_1_alpha2": "an ISO 3166-1 alpha-2 country code",
	"iso3166_1_alpha3": "an ISO 3166-1 alpha-3 country code", "iso4217": "an ISO 4217 currency code",
	"bcp47_language_tag": "a BCP 47 language tag", "json": "valid JSON text", "jwt": "a JSON Web Token",
	"semver": "a semantic version", "latitude": "a latitude", "longitude": "a longitude", "mac": "a MAC address",
	"cidr": "a CIDR network", "ip": "an IPv4 or IPv6 address", "ip_addr": "an IPv4 or IPv6 address",
	"boolean": "\"true\" or \"false\"", "unique": "with unique items", "hexcolor": "a hex colour",
	"isbn": "an ISBN", "btc_addr": "a Bitcoin address", "eth_addr": "an Ethereum address", "cron": "a cron expression",
	"timezone": "an IANA time zone name", "country_code": "a country code", "postcode_iso3166_alpha2": "a postcode",
	"credit_card": "a credit card number", "luhn_checksum": "a number passing the Luhn checksum",
	"isdefault": "the zero value", "ulid": "a ULID", "md5": "an MD5 hash", "sha256": "a SHA-256 hash",
}

// tagCrossPhrases describes cross-field rules; %s is the other field.
var tagCrossPhrases = map[string]string{
	"eqfield": "equal to %s", "nefield": "different from %s", "gtfield": "greater than %s",
	"gtefield": "at least %s", "ltfield": "less than %s", "ltefield": "at most %s",
	"eqcsfield": "equal to %s", "necsfield": "different from %s", "gtcsfield": "greater than %s",
	"gtecsfield": "at least %s", "ltcsfield": "less than %s", "ltecsfield": "at most %s",
	"fieldcontains": "containing %s", "fieldexcludes": "not containing %s",
}

// tagConditional describes conditional presence rules.
var tagConditional = map[string]string{
	"required_if": "must not be empty when %s", "required_unless": "must not be empty unless %s",
	"required_with": "must not be empty when %s is set", "required_with_all": "must not be empty when all of %s are set",
	"required_without": "must not be empty when %s is empty", "required_without_all": "must not be empty when all of %s are empty",
	"excluded_if": "must be empty when %s", "excluded_unless": "must be empty unless %s",
	"excluded_with": "must be empty when %s is set", "excluded_with_all": "must be empty when all of %s are set",
	"excluded_without": "must be empty when %s is empty", "excluded_without_all": "must be empty when all of %s are empty",
}

// tagApplier applies the validate rules of one field to its schema.
type tagApplier struct {
	f        tagField
	siblings []tagField // the fields of the same struct, for cross-field rules
	phrases  []string
}

// tagApply applies f's validate tag to node, the field's schema before null
// is admitted, and returns the constraints left for the description.
func tagApply(node *reflNode, f tagField, siblings []tagField) []string {
	a := &tagApplier{f: f, siblings: siblings}
	t := f.typ
	for lvl, rules := range tagParseValidate(f.field.Tag.Get("validate")) {
		ptr := t.Kind() == reflect.Pointer
		t = reflDeref(t)
		prefix := ""
		switch lvl {
		case 0:
		case 1:
			prefix = "each item "
		default:
			prefix = "each nested item "
		}
		a.level(node, t, ptr, rules, prefix, lvl == 0 && f.quoted, lvl == 0)
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			break
		}
		t = t.Elem()
		if node != nil {
			node = node.items
		}
	}
	return a.phrases
}

func (a *tagApplier) add(prefix, format string, args ...any) {
	a.phrases = append(a.phrases, prefix+fmt.Sprintf(format, args...))
}

// level applies the rules of one level to node (nil when keywords cannot be
// attached, e.g. a $ref) describing Go type t.
func (a *tagApplier) level(node *reflNode, t reflect.Type, ptr bool, rules []tagRule, prefix string, quoted, top bool) {
	cat := tagCategoryOf(t, quoted)
	if node != nil && (node.ref != "" || node.typ == "") {
		node = nil
	}
	// With omitempty, the zero value passes validation: keywords would forbid
	// it, so bounds and formats go to the description instead.
	soft := false
	for _, r := range rules {
		if r.key == "omitempty" || r.key == "omitzero" {
			soft = !ptr
		}
	}
	kw := node
	if soft {
		kw = nil
		if cat == tagString || cat == tagInteger || cat == tagNumber || cat == tagArray {
			prefix += "unless empty, "
		}
	}
	for _, r := range rules {
		switch r.key {
		case "required":
			switch {
			case top && ptr:
				// A required pointer is not nullable: see tagNullable.
			case cat == tagString:
				a.add(prefix, "must not be empty")
			case cat == tagInteger || cat == tagNumber:
				a.add(prefix, "must not be 0")
			case cat == tagBool:
				a.add(prefix, "must be true")
			case cat == tagArray && t.Kind() == reflect.Slice:
				// required only rejects nil, which the schema already does.
			}
		case "omitempty", "omitnil", "omitzero", "isdefault":
		case "oneof":
			a.oneof(node, cat, r.param, soft, prefix)
		case "min", "max", "gte", "lte", "gt", "lt", "len", "eq", "ne":
			a.bound(kw, cat, r, prefix)
		case "datetime":
			a.datetime(kw, cat, r.param, prefix)
		case "|":
			a.add(prefix, "must satisfy one of %s", strings.ReplaceAll(r.param, "|", " or "))
		case "contains", "containsany", "excludes", "excludesall", "startswith", "endswith",
			"startsnotwith", "endsnotwith", "containsrune", "excludesrune":
			verb := map[string]string{
				"contains": "must contain %q", "containsany": "must contain at least one of the characters %q",
				"excludes": "must not contain %q", "excludesall": "must not contain any of the characters %q",
				"startswith": "must start with %q", "endswith": "must end with %q",
				"startsnotwith": "must not start with %q", "endsnotwith": "must not end with %q",
				"containsrune": "must contain %q", "excludesrune": "must not contain %q",
			}[r.key]
			a.add(prefix, verb, r.param)
		default:
			if format, ok := tagFormats[r.key]; ok && cat == tagString {
				if kw != nil && kw.format == "" {
					kw.format = format
					if r.key == "fqdn" {
						a.add(prefix, "a fully qualified domain name")
					}
				} else {
					a.add(prefix, "must be %s", reflArticle(format))
				}
				continue
			}
			if p, ok := tagPhrases[r.key]; ok {
				a.add(prefix, "must be %s", p)
				continue
			}
			if p, ok := tagCrossPhrases[r.key]; ok {
				a.add(prefix, "must be "+p, a.other(r.param))
				continue
			}
			if p, ok := tagConditional[r.key]; ok {
				a.add(prefix, p, a.condition(r.key, r.param))
				continue
			}
			if r.param != "" {
				a.add(prefix, "must satisfy the rule %q", r.key+"="+r.param)
			} else {
				a.add(prefix, "must satisfy the rule %q", r.key)
			}
		}
	}
}

// other names a sibling field by its JSON key, for cross-field rules.
func (a *tagApplier) other(goName string) string {
	for _, s := range a.siblings {
		if s.goName == goName {
			return "\"" + s.name + "\""
		}
	}
	return goName
}

// condition renders the parameter of a required_if-like rule.
func (a *tagApplier) condition(key, param string) string {
	words := strings.Fields(param)
	if strings.HasSuffix(key, "_if") || strings.HasSuffix(key, "_unless") {
		var parts []string
		for i := 0; i+1 < len(words); i += 2 {
			parts = append(parts, a.other(words[i])+" is "+strconv.Quote(words[i+1]))
		}
		return strings.Join(parts, " and ")
	}
	for i, w := range words {
		words[i] = a.other(w)
	}
	return strings.Join(words, ", ")
}

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
