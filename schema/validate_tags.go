package schema

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// This file maps go-playground/validator tags to JSON Schema
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
	if quoted || reflHasOwnJSON(t) {
		// Written as a string or in a form of its own: keywords of the
		// Go kind would not fit the schema.
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
	dur      bool // the rules of this level apply to a time.Duration
	fixedLen int  // the length of a Go array, whose schema states it; -1 otherwise
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
		a.dur = t == reflDurationType
		a.fixedLen = -1
		if t.Kind() == reflect.Array {
			a.fixedLen = t.Len()
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
			case !ptr && (cat == tagOther || cat == tagTime):
				// required rejects the zero value, which the schema admits.
				a.add(prefix, "must not be %s", tagZeroText(t))
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

// tagZeroText names the zero value of t as the answer would show it.
func tagZeroText(t reflect.Type) string {
	if t.Kind() != reflect.Struct || reflHasOwnJSON(t) {
		if b, err := Marshal(reflect.Zero(t).Interface()); err == nil && len(b) < 80 {
			return string(b)
		}
	}
	return "empty"
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
