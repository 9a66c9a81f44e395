// Package review builds the review page of a run: one self-contained HTML
// file that shows each document's extracted values beside the source they
// were read from, for a person who has to decide whether to trust them.
//
// # What the page shows
//
// On the left, the run's documents with their status and counts of
// unsupported and not-found values, filtered by status, by "only
// unsupported" and by a text search over IDs, sources, reasons and values.
// On the right, the selected document: its fields (JSON pointer, value,
// verdict) beside its source, the text that was sent to the model or, for a
// PDF read as text, the rendered page. Each value's evidence span (see
// package evidence) is highlighted in the text and drawn as a box on the
// page; selecting a field scrolls to its span, selecting a highlight marks
// its field. Unsupported values are red, values whose quote was not found
// are amber, and failed documents show the reason they failed.
//
// # How it is built
//
// [Build] reads the run's ledger through pipeline.ReadLedger (the latest
// outcome of each document) and reads each document's source again with
// package source, as the run read it: the text shown is the text sent, so
// the spans' offsets fall in place. Each document read again is checked
// against the hash the ledger recorded; a source that changed since is shown
// with a note. [Record] stores in the ledger how a run read its inputs, and
// [ReadRecord] gives it back to the review.
//
//	f, _ := os.Create("review.html")
//	stats, err := review.Build(ctx, f, ".quarry/run-1a2b3c4d5e", review.Options{PDF: extractor})
//
// # Scale and safety
//
// The page needs no server and no network: styles, script, data and page
// images (JPEG, as data URLs) are inside the file, and its Content Security
// Policy forbids loading anything else. Each document's data is a JSON
// element of its own that the script parses only when the document is
// opened, and only the visible rows of the list are drawn, so a page of
// 10,000 documents opens like a small one. Page images are rendered only
// for pages that hold an evidence span (and the first pages of PDFs sent as
// files). Every value, quote, reason and text is untrusted: it reaches the
// page as JSON (with <, > and & escaped) and is inserted as text, never as
// markup.
package review
