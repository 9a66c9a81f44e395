// Package evidence says where each extracted value came from: the verbatim
// quote the model read it from, located in the text Quarry sent, and a
// verdict on whether the quote supports the value.
//
// An [Item] is the evidence for one leaf value, keyed by its JSON pointer
// ("/lines/0/quantity"). Items travel beside the record: on extract's Result,
// in the run ledger (pipeline.Outcome.Evidence holds them as JSON), in the
// outputs and on the review page.
//
// # Verifying quotes
//
// Quarry never trusts a quote. [NewText] prepares the text that was sent
// (split into pages at its "--- page N ---" marker lines), and [Verify]
// checks each [Claim] (pointer, value, quote, named page) against it:
//
//	t := evidence.NewText(sent)
//	items := evidence.Verify(t, []evidence.Claim{
//		{Pointer: "/total", Value: json.RawMessage(`1492.96`), Quote: "Total 1,429.96"},
//	})
//	// items[0].Verdict == evidence.Unsupported
//	// items[0].Reason  == `the source text "Total 1,429.96" says 1,429.96, not 1492.96`
//
// The quote is looked for in three ways, the first that finds it wins:
//
//   - [MatchExact]: verbatim;
//   - [MatchNormalized]: after normalising both sides: Unicode NFKC
//     (full-width digits, ligatures), lower case, typographic quotes and
//     dashes, runs of white space, hyphens that break a word at a line end,
//     thousands separators ("1,429.96" = "1429.96" = "1 429.96");
//   - [MatchFuzzy]: the closest substring in edit distance, with Score =
//     1 - edits/length, if at least [MinScore].
//
// A quote that occurs more than once is placed on the page the model named,
// then beside the value's neighbours (the fields sharing the longest pointer
// prefix whose quotes occur once: the other fields of the same line item).
// A quote may span a page break; its Item then has an EndPage.
//
// The located source text, not the model's copy of it, must then contain
// the value: numbers are compared as numbers whatever their format, dates
// (YYYY-MM-DD values) against dates written in common formats and
// languages, strings after normalising (and ignoring spaces and
// punctuation, so an IBAN written in groups matches). If it does not, the
// verdict is [Unsupported] with a Reason fit to send back to the model; a
// quote that is missing or not in the text is [NotFound]. A caller with no
// text to check against (a document sent as an image) marks its values
// [Unchecked] instead: extract does.
//
// # Cost
//
// Exact and normalised search are linear in the text. The fuzzy search of
// a quote of up to 64 code points is Myers' bit-parallel algorithm, one pass
// over the text; longer quotes are first filtered by shared 3-grams.
// BenchmarkVerify (61 claims of every kind on a 20-page, 54 KB text) runs in
// about 25 ms on one core of a shared 2-core machine.
package evidence
