// Package simulated is a simulated model for trying Quarry without an API
// key (quarry run --mock) and for tests: an [extracttest.Server] whose
// answers are valid under each request's strict JSON Schema.
//
// For every request the Model parses the schema from text.format (once per
// distinct schema), then either projects the document's expected answer onto
// it (keeping what fits, in schema order, and making up what is missing or
// of the wrong kind) or makes up a whole answer: the first enum value or
// const, a string matching the pattern or format, a number within the
// bounds, one item per array (or minItems).
//
// Which document a request belongs to travels in request headers that the
// client from [Model.For] adds; batch lines carry none, so a batch run tells
// the Model its documents with [Model.Learn]. Where the expected answers
// live is the caller's business ([Options.Expected]): the quarry CLI looks
// under an "expected" folder beside "samples".
//
// When the request asks for evidence (extract.Extractor.Evidence: each leaf
// wrapped as {quote, [page,] value}), the Model cites like a careful model:
// for each value it quotes the line of the document it was sent that states
// it (a line labelled with the field's name first, then the line of the
// previous field, as in a table row), with its page; a value no line states
// gets the line with the nearest number, as a misreading model would.
//
// The Model keeps no requests ([extracttest.Server.DiscardRequests]), so a
// run over many thousands of documents stays flat in memory.
package simulated
