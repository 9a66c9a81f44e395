package eval

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Mode is how one field is compared.
type Mode string

const (
	// ModeExact: equal JSON values (numbers by value, strings byte for byte).
	// Enums and booleans are compared this way.
	ModeExact Mode = "exact"
	// ModeText: strings equal after normalising case, spaces and
	// punctuation; the byte-for-byte result is reported beside it.
	ModeText Mode = "text"
	// ModeNumber: numbers equal within Rule.Tolerance.
	ModeNumber Mode = "number"
	// ModeDate: dates equal as calendar dates, whatever their format.
	ModeDate Mode = "date"
	// ModeIgnore: the field is not compared.
	ModeIgnore Mode = "ignore"
	// ModeAssign: list items are paired by best assignment before their
	// fields are compared (the default for lists).
	ModeAssign Mode = "assign"
	// ModeOrdered: list items are paired by position.
	ModeOrdered Mode = "ordered"
)

// DefaultTolerance is the absolute tolerance of ModeNumber when none is
// given: half a cent, so amounts equal to the cent compare equal.
const DefaultTolerance = 0.005

// Rule is the comparison of one field, written in a schema's
// "x-quarry-compare" keyword or a --compare flag as MODE or MODE:TOLERANCE:
//
//	"exact", "text", "date", "ignore", "assign", "ordered",
//	"number" (±0.005), "number:0" (equal), "number:0.5" (±0.5), "number:1%" (±1% of the expected value)
type Rule struct {
	Mode Mode
	// Tolerance is the largest difference of two equal numbers: absolute,
	// or a fraction of the expected value when Relative is set.
	Tolerance float64
	Relative  bool
}

// ErrRule is wrapped by errors about a rule that cannot be read.
var ErrRule = errors.New("eval: bad comparison rule")

// ParseRule reads a rule as written in "x-quarry-compare" or --compare.
func ParseRule(s string) (Rule, error) {
	mode, arg, hasArg := strings.Cut(strings.TrimSpace(s), ":")
	r := Rule{Mode: Mode(strings.ToLower(strings.TrimSpace(mode)))}
	switch r.Mode {
	case ModeNumber:
		r.Tolerance = DefaultTolerance
		if !hasArg {
			return r, nil
		}
		arg = strings.TrimSpace(arg)
		if p, ok := strings.CutSuffix(arg, "%"); ok {
			r.Relative = true
			arg = p
		}
		t, err := strconv.ParseFloat(arg, 64)
		if err != nil || t < 0 || math.IsInf(t, 0) || math.IsNaN(t) {
			return Rule{}, fmt.Errorf("%w %q: the tolerance must be a number ≥ 0, such as number:0.01 or number:1%%", ErrRule, s)
		}
		if r.Relative {
			t /= 100
		}
		r.Tolerance = t
		return r, nil
	case ModeExact, ModeText, ModeDate, ModeIgnore, ModeAssign, ModeOrdered:
		if hasArg {
			return Rule{}, fmt.Errorf("%w %q: only number takes a tolerance", ErrRule, s)
		}
		return r, nil
	}
	return Rule{}, fmt.Errorf("%w %q: use exact, text, number[:TOLERANCE], date, ignore, assign or ordered", ErrRule, s)
}

// String writes r back in the form ParseRule reads.
func (r Rule) String() string {
	if r.Mode != ModeNumber {
		return string(r.Mode)
	}
	if r.Relative {
		return "number:" + strconv.FormatFloat(r.Tolerance*100, 'g', -1, 64) + "%"
	}
	return "number:" + strconv.FormatFloat(r.Tolerance, 'g', -1, 64)
}

// fitsList reports whether r can apply to a list; the others apply to values.
func (r Rule) fitsList() bool {
	return r.Mode == ModeAssign || r.Mode == ModeOrdered || r.Mode == ModeIgnore || r.Mode == ModeExact
}
