// Package docextract runs [extract] over [pipeline] documents. It is the one
// package that knows both: [extract] reads one document and knows nothing of
// runs, ledgers or sinks; [pipeline] runs any per-document function and knows
// nothing of OpenAI. Everything that translates between the two lives here,
// and the synchronous, streamed and batch runs share it:
//
//   - [Inputs]: a document's parts as extraction inputs (text, images with
//     the MIME type the source sniffed, PDFs), in order.
//   - [Result]: an extraction's outcome as a pipeline result: the status from
//     the error's kind, the error's text as the reason, usage and model.
//   - [Usage] and [Cost]: token usage across the two packages;
//     [EstimateCost] and [OutputTokens]: a request's cost guessed before it
//     is sent, for budgets (synchronous and batch).
//   - [Job]: the per-document function of a run ([Job.Func]), with the token
//     estimate ([Job.Estimate]) and the context-window check that fails a
//     document too large for the model before anything is sent.
//
// # Document identity
//
// A client may need to know which document a request belongs to (the
// background client records response IDs per document; the simulated model
// answers per document). [Job.Client] gives each document its own client, so
// that identity travels as an argument, not through the context.
package docextract
