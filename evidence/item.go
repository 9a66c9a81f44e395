package evidence

import "encoding/json"

// Match says how a quote was found in the source text.
type Match string

const (
	MatchExact      Match = "exact"      // the quote occurs verbatim
	MatchNormalized Match = "normalized" // equal after normalising whitespace, case, line-end hyphens, thousands separators
	MatchFuzzy      Match = "fuzzy"      // the best approximate occurrence, with Score below 1
	MatchNone       Match = "none"       // not found in the source
)

// Verdict is what Quarry concludes about one value after checking its quote.
type Verdict string

const (
	Supported   Verdict = "supported"   // the quote is in the source and contains the value
	Unsupported Verdict = "unsupported" // the quote is in the source but does not contain the value, or matches too weakly
	NotFound    Verdict = "not_found"   // no quote was given, or the quote is not in the source
	// Unchecked: the document was sent as an image or file, so there is no
	// text to check the quote against; the value may well be right.
	Unchecked Verdict = "unchecked"
)

// Box is a rectangle on a PDF page, in PDF points with the origin at the
// page's top-left corner; Page is 1-based.
type Box struct {
	Page int     `json:"page"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	W    float64 `json:"w"`
	H    float64 `json:"h"`
}

// Item is the evidence for one leaf value of an extracted record: the quote
// the model gave for it, where Quarry found that quote in the text it sent,
// and the verdict. Items are keyed by the value's JSON pointer.
//
// Page is 1-based for paged sources (PDFs) and 0 otherwise. Start and End
// are offsets in Unicode code points (not bytes) into that page's text as it
// was sent to the model (the text after the "--- page N ---" marker line), or
// into the whole document text when Page is 0; End is exclusive. They are
// both 0 when the quote was not found. A span that crosses a page break
// ends on a later page: EndPage names it and End counts into its text
// (EndPage is 0 when the span ends on Page).
type Item struct {
	Pointer string          `json:"pointer"`
	Value   json.RawMessage `json:"value"`
	Quote   string          `json:"quote"`
	Page    int             `json:"page,omitempty"`
	Start   int             `json:"start"`
	End     int             `json:"end"`
	EndPage int             `json:"end_page,omitempty"`
	Match   Match           `json:"match"`
	Score   float64         `json:"score"`
	Verdict Verdict         `json:"verdict"`
	// Reason says why a value is not Supported, in words a user (and the
	// model, when re-asked) can act on.
	Reason string `json:"reason,omitempty"`
	// Boxes locate the span on the PDF page, when known.
	Boxes []Box `json:"boxes,omitempty"`
}

// Counts tallies items by verdict.
type Counts struct {
	Supported   int `json:"supported"`
	Unsupported int `json:"unsupported"`
	NotFound    int `json:"not_found"`
	Unchecked   int `json:"unchecked"`
}

// Count tallies items by verdict.
func Count(items []Item) Counts {
	var c Counts
	for _, it := range items {
		switch it.Verdict {
		case Supported:
			c.Supported++
		case Unsupported:
			c.Unsupported++
		case NotFound:
			c.NotFound++
		case Unchecked:
			c.Unchecked++
		}
	}
	return c
}
