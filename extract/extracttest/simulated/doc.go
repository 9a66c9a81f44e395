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
// The Model keeps no requests ([extracttest.Server.DiscardRequests]), so a
// run over many thousands of documents stays flat in memory.
package simulated
