// Package eval measures extractions against labelled documents: per field
// and overall accuracy, documents fully right, list precision and recall,
// re-asks, failures by status, tokens and cost per 1,000 documents, latency
// and, when outcomes carry evidence, the share of supported values. It is
// what `quarry eval` runs, and a team can put the same gate in `go test`.
//
// # Labels
//
// Expected answers come in three shapes, all opened by [OpenLabels]:
//
//   - a folder mirroring the documents ([Folder]): the answer of
//     "invoices/acme.pdf" in DIR/invoices/acme.json, of the CSV row
//     "tickets.csv#row=3" in DIR/tickets/row-3.json (as testdata/expected
//     mirrors testdata/samples);
//   - a JSONL file of {"id": ..., "expected": ...} lines ([ReadJSONL]),
//     matched to document IDs;
//   - a reviewed run dir ([ReviewedRun]): its ok outcomes taken as the
//     truth, corrected by an expected.jsonl beside the ledger.
//
// A key missing from an expected answer is not labelled and not compared;
// a key that is null is labelled "no value", and only null matches it.
//
// # Comparison
//
// A [Plan] reads the run's JSON Schema and picks each field's [Rule]:
// enums, booleans and consts exactly; numbers within [DefaultTolerance]
// (integers exactly); strings with format date or date-time as dates,
// whatever their format ("2024-03-05" equals "05.03.2024" and "March 5,
// 2024"); other strings as text, after normalising case, spaces and
// punctuation, with the byte-for-byte share reported beside. Lists of
// objects are paired item to item by an optimal assignment (the Hungarian
// method) before their fields are compared, so a reordered list is right
// and a missing line does not shift the others; each list gets precision
// and recall of its items.
//
// A field's comparison is chosen in the schema with the keyword
// "x-quarry-compare" (which the strict conversion drops before the schema
// reaches the model), or with overrides by pattern:
//
//	"total":  {"type": "number", "x-quarry-compare": "number:0.01"},
//	"notes":  {"type": "string", "x-quarry-compare": "ignore"},
//	"steps":  {"type": "array", "x-quarry-compare": "ordered", ...}
//
//	quarry eval ... --compare /lines/*/description=exact
//
// # Evaluating
//
// [Evaluate] streams each [Run]'s outcomes (a run dir from [OpenRun], or
// any sequence) through the comparison, and returns a [Report]: one
// [Config] per run. [Report.Check] with [ParseThresholds] is the gate:
//
//	rep, err := eval.Evaluate(ctx, plan, labels, runs, eval.Options{})
//	...
//	if err := rep.Check(th); err != nil { // *ShortfallError: what fell short
//		t.Fatal(err)
//	}
//
// A document whose outcome is not ok counts every labelled value as
// missing. Latency is not reported for simulated runs, whose timings
// measure nothing.
package eval
