// Package evidence says where each extracted value came from: the verbatim
// quote the model read it from, located in the text Quarry sent, and a
// verdict on whether the quote supports the value.
//
// An [Item] is the evidence for one leaf value, keyed by its JSON pointer
// ("/lines/0/quantity"). Items travel beside the record: on extract's Result,
// in the run ledger (pipeline.Outcome.Evidence holds them as JSON), in the
// outputs and on the review page.
package evidence
