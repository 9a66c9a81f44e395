// Package partialjson parses a JSON value that arrives in pieces, as the text
// deltas of a streamed model answer do, and shows after every piece the part
// of the value that is already certain.
//
// A streamed answer of n bytes arrives as n/16 or so deltas. Repairing and
// decoding the whole prefix after every delta costs O(n²); a [Parser] reads
// each byte once, so feeding a whole answer costs O(n) whatever the deltas.
//
// # Feeding deltas
//
// The zero [Parser] is ready. Feed it with [Parser.Write] or
// [Parser.WriteString], and call [Parser.Close] at the end of the stream:
//
//	var p partialjson.Parser
//	for delta := range deltas {
//		if err := p.WriteString(delta); err != nil {
//			return err // a *SyntaxError: the answer is not JSON
//		}
//		// show progress, see below
//	}
//	if err := p.Close(); err != nil {
//		return err // wraps io.ErrUnexpectedEOF if the answer was cut short
//	}
//
// A delta may end anywhere: inside a string, an escape such as \u00e9 or a
// surrogate pair \ud83d\ude00, a UTF-8 encoded character, a number or a
// literal. White space is skipped anywhere it is allowed. Nesting is limited
// to [Parser.MaxDepth] levels (10000 by default, as in encoding/json), with
// an explicit stack: deep input is an error, never a stack overflow. The
// first syntax error is returned as a [*SyntaxError] with its offset, and
// every later call returns it again.
//
// # What is shown
//
// The parser shows a value only as far as it cannot change:
//
//   - an object or array as soon as it opens, with the members and elements
//     shown so far;
//   - a string as soon as it opens, growing as its characters arrive (a
//     partial escape or UTF-8 sequence is held back until complete);
//   - a number only once a delimiter ends it ("12" is never shown before
//     "123"; a top-level number is ended by Close); true, false and null only
//     once complete;
//   - a member name only together with its value.
//
// So values only grow: a present member stays present, a string only gets
// longer, an array only gets more elements. [Parser.Present] tells a member
// not yet seen from one holding a zero value, and [Parser.Done] whether a
// value is complete (for a string: whether its closing quote has arrived).
//
// The value so far can be had three ways:
//
//   - [Parser.Snapshot]: the compact JSON text of the value so far, closed up
//     so that it is valid JSON. For `{"name":"Ad` it is `{"name":"Ad"}`; for
//     `{"qty":12` it is `{}`. Decode it with json.Unmarshal into the same Go
//     type as the final answer to get a partial typed value. Once the input
//     is complete, it equals json.Compact of the input.
//   - [Parser.Value]: the value as Go values ([*Object], which keeps member
//     order, []any, string, json.Number, bool, nil).
//   - [Parser.Events]: what started and ended since the last call, each with
//     its JSON pointer; a [ValueEnd] event carries the value's raw JSON.
//
// # Cost
//
// Write costs O(len(delta)) amortised; Events and Snapshot cost O(number of
// events) and O(depth), as the snapshot shares the parser's buffer.
// Decoding a snapshot, or calling Value, costs O(size of the value so far),
// so doing it after every delta brings back the O(n²) the parser avoids. For
// a 100 KB invoice streamed in 16-byte deltas (see the benchmarks), parsing
// costs about twice one json.Unmarshal of the final answer; unmarshalling the
// snapshot after every delta costs thousands of times more. Two ways keep it
// cheap:
//
//   - decode only when the events say something you show has changed, e.g.
//     when an element of a list ends;
//   - better, for a list of records, decode each element's [Event.Raw] once,
//     when its [ValueEnd] arrives: the total stays O(n).
//
// For example, to show each line item of an invoice as it completes:
//
//	for _, e := range p.Events() {
//		if e.Kind == partialjson.ValueEnd && e.Parent() == "/lines" {
//			var line Line
//			if err := json.Unmarshal(e.Raw, &line); err != nil { ... }
//			show(line)
//		}
//	}
//
// # Agreement with encoding/json
//
// The parser accepts exactly what encoding/json accepts (one value, with
// white space around it) and, once the input is complete, [Parser.Value]
// equals what encoding/json decodes with UseNumber, objects aside. Bytes of
// a string that are not valid UTF-8 are shown as U+FFFD, as encoding/json
// decodes them, so that snapshots are always valid UTF-8. Of duplicate
// member names the last wins, as in encoding/json.
package partialjson
