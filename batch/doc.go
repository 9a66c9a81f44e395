// Package batch runs Quarry jobs through OpenAI's asynchronous executors:
// the Batch API (half price, within 24 hours), background responses (for
// slow reasoning models) and the flex service tier.
//
// A batch run reuses everything a synchronous run uses — sources, the
// [pipeline.Ledger], outcomes and sinks — and changes only how requests are
// executed. Each request is exactly the body a synchronous call sends
// ([extract.Call.Body]); each answer goes through the same decode,
// validate and re-ask logic ([extract.Call.Handle]), and each outcome goes
// through the same [pipeline.Execution] as in [pipeline.Run] (replay from
// the ledger, recording, sinks, totals, run.json). The outcomes of a batch
// run and of a synchronous run of the same job are the same.
//
// # Rounds
//
// [Run] works in rounds. A round reads the source once and, for every
// document not yet done, writes one request line
//
//	{"custom_id":"invoices/a.pdf#a1","method":"POST","url":"/v1/responses","body":{…}}
//
// to input files on disk (a new file every [Options.MaxRequests] lines or
// [Options.MaxFileBytes] bytes), uploads them (purpose "batch") and creates
// one batch per file (endpoint /v1/responses, window 24h). It polls the
// batches, with a wait that doubles from [Options.PollMin] to
// [Options.PollMax], until all have ended, then downloads their output file
// and, always, their error file (a batch can complete with every request
// failed and no output file). The next round reads the source again and
// binds each answer to its document: a valid answer, a refusal or an error
// ends the document; an invalid or truncated answer is re-asked in the
// next round's batch, with the previous answer and the correction, up to
// the Extractor's MaxAttempts. A line that failed the way a synchronous
// call's client would retry (HTTP 5xx, 408, 409, 429; error codes
// server_error, rate_limit_exceeded, timeout) is sent again unchanged in the
// next round, up to [Options].LineRetries times, so a batch run ends with
// the outcomes a synchronous run gives.
//
// The custom_id is "<document ID>#a<attempt>", or a hash of the ID and
// content ("q-…#a<attempt>") when that would be over 512 bytes or repeat.
// The ledger maps custom_ids to documents.
//
// Outcomes are delivered round by round, in input order within a round;
// Seq is the document's position in the source.
//
// # Expired and cancelled batches
//
// Answers an expired batch produced are kept. Its other requests are sent
// again in the next round ([Resubmit], the default) or end with
// StatusError "batch expired" ([Report]). Requests of a cancelled batch
// end with StatusError "batch cancelled". Neither kind is recorded in the
// ledger, so the next run sends them again.
//
// # Resuming
//
// Before each step, Run records in the ledger (fsynced) what it is about
// to rely on, with [pipeline.Ledger.AppendEvent]:
//
//  1. batch.intent: the custom_ids and documents of an input file;
//  2. batch.uploaded: the file's ID, once the upload returned;
//  3. batch.submitted: the batch's ID, once the batch was created;
//  4. batch.pending: a document's call state, when its answer needs
//     another round, before that round is written;
//  5. batch.finished: a batch whose answers were all recorded.
//
// Outcomes are appended as they are known. When quarry is killed and run
// again with the same ledger, Run polls the recorded, unfinished batches
// instead of sending their requests again; what happens depends on where
// the kill fell:
//
//   - before an upload returned: the file is written and uploaded again
//     (the first upload, if it reached the server, is an orphan file that
//     costs nothing and expires in 30 days);
//   - between the upload and the batch creation: the recorded file ID is
//     used again, without a second upload; and since the batch may have
//     been created without its ID being recorded, Run first looks for a
//     batch made from that file ([API.FindBatch], which pages through the
//     batch list) and adopts it. Only if there is none does it create one,
//     so a request never runs in two batches;
//   - after the batch creation: the batch is polled;
//   - while answers were being read: documents whose outcome was recorded
//     are done; the others are read again from the same batch.
//
// # Background requests and flex
//
// [Background] is an extract.Client that sends requests in background mode
// and polls them; with a ledger and [Background.For] it records each
// response ID before waiting, so a killed run polls the same response
// again instead of paying twice. [Flex] retries the flex tier's capacity
// 429s patiently and can fall back to the standard tier.
//
// # Cost
//
// With [Options.Budget], each round's estimated cost ([docextract.EstimateCost] at batch
// prices) must fit in the budget before anything of it is uploaded; Run
// fails with [ErrBudget] otherwise. The budget is settled with the usage of
// the answers. [Status] reports recorded batches with their usage and cost
// so far; [Cancel] cancels the unfinished ones.
//
// # Memory
//
// Request lines are streamed to disk and uploaded from disk (openai-go
// would buffer a multipart upload in memory; [NewAPI] streams it). Output
// files are streamed to one file on disk and indexed by custom_id. Run
// keeps, per document in flight, its custom_id mapping and, for documents
// being re-asked, its call state — never the documents or the bodies: the
// source is read again each round.
package batch
