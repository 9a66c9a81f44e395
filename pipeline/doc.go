// Package pipeline runs a per-document function over a stream of documents:
// concurrently, within rate limits, resumably, with exactly one outcome per
// document.
//
// It knows nothing of the model behind the function. Quarry plugs in an
// extraction call; tests plug in anything with the signature of [Func].
//
// # Running
//
// [Run] pulls documents from an iter.Seq lazily, calls the function for up
// to [Options.Concurrency] of them at a time, and hands each [Outcome] to
// the [Ledger] and then to the sinks:
//
//	totals, err := pipeline.Run(ctx, src, extractOne, pipeline.Options{
//		Concurrency: 16,
//		Limiter:     pipeline.NewLimiter(pipeline.LimiterOptions{RequestsPerMinute: 500}),
//		Ledger:      ledger,
//		Fingerprint: pipeline.Fingerprint(model, schemaJSON, instructions),
//		Sinks:       []pipeline.Sink{jsonl},
//	})
//
// Every document taken from the source ends with one outcome: the
// function's [Result] bound to the document's identity (Seq, ID, Hash,
// Source, Row, Page, Columns, Meta) and times. A document the source could
// not read (Err set) becomes StatusError without a call; a panic in the
// function becomes StatusError with Reason "panic: ..." and the Stack, and
// the run goes on.
//
// # Other executors
//
// Run sends each document through the function. An executor that sends
// them another way (package batch, through the Batch API) keeps the same
// bookkeeping with an [Execution]: [Begin] writes run.json, then for each
// document [Execution.Outcome] binds it to an outcome (or replays the
// ledger's record), [Execution.Bind] adds what the work returned,
// [Execution.Record] appends it to the ledger and [Execution.Emit] hands
// it to the sinks and the totals; [Execution.End] syncs the ledger, writes
// run.json again and closes the sinks. Outcomes, resuming and totals are
// then the same whichever executor ran the job.
//
// # Order and memory
//
// Sinks receive outcomes in input order ([InputOrder], the default) or as
// they finish ([CompletionOrder]), always from one goroutine. Input order
// holds early finishers in a reorder buffer bounded by [Options.Window]:
// when a slow document holds it full, no new document is started until the
// slow one ends. The source is pulled at most one document ahead of the
// window, so memory stays flat for any number of documents.
//
// # Cancellation
//
// Cancelling ctx stops Run from taking new documents. Documents already
// taken see the cancelled context at once (there is no grace period) and
// still get their outcome; those that end in StatusError are not recorded,
// so the next run does them. Run syncs the ledger, closes the sinks and
// returns ctx.Err() with the totals so far.
//
// # Rate limits
//
// A [Limiter] is shared by all workers. Before a document is sent, a worker
// waits for one request and the document's estimated tokens
// ([Options.Estimate], [DefaultEstimate]); afterwards the estimate is
// corrected with the usage the function reports. The HTTP client reports
// each attempt's answer back through [Limiter.Middleware] — with openai-go:
//
//	option.WithMiddleware(limiter.Middleware)
//
// — or [Limiter.Transport] for a plain http.Client. A 429 pauses every
// worker until the server's Retry-After (or the reset of the exhausted
// limit), instead of each one retrying on its own. Without configured
// limits the Limiter finds the server's pace: from its x-ratelimit-limit-*
// headers when it sends them, otherwise by lowering its pace on each 429
// and raising it slowly on success.
//
// # Resuming
//
// A [Ledger] (see [OpenLedger]) is a directory holding ledger.jsonl, one
// outcome per line, and run.json, the [RunInfo] of the last run. Each line
// is written as soon as its outcome is known, so a killed process loses at
// most the documents in flight; lines are fsynced in small batches. A
// document recorded with the same ID, content hash ([Document.Hash]) and
// job fingerprint is not sent again: its outcome is StatusSkipped, carrying
// the recorded value so that outputs stay complete. A changed document or
// a changed fingerprint is extracted again; with [Options.RetryFailed], so
// are documents whose recorded status was not ok.
//
// [ReadLedger] yields the latest outcome of each document, for exporting
// without running. [Ledger.AppendEvent] and [ReadEvents] record facts a
// later step depends on, such as the IDs of uploaded files or batches.
//
// # Progress
//
// [Options.Progress] is called after every outcome with a [Progress]: done,
// failed, skipped, in flight, tokens, documents per minute and an ETA.
package pipeline
