// Package extract turns documents into typed, validated Go values with the
// OpenAI Responses API and Structured Outputs.
//
// # One call, one value
//
// Describe the record as a Go struct. Field tags say what the model sees and
// what a good answer is:
//
//	type Invoice struct {
//		Vendor   string  `json:"vendor"`
//		Number   string  `json:"invoice_number" jsonschema:"description=as printed on the invoice"`
//		Currency string  `json:"currency" validate:"oneof=USD EUR GBP"`
//		Total    float64 `json:"total" validate:"gte=0"`
//	}
//
//	client := openai.NewClient() // reads OPENAI_API_KEY and OPENAI_BASE_URL
//	ex := &extract.Extractor{Client: &client.Responses}
//	inv, res, err := extract.One[Invoice](ctx, ex, extract.Text(doc))
//
// One reflects Invoice into a strict JSON Schema (package schema), sends it as
// text.format with strict: true, decodes the answer strictly, validates it and
// returns the value together with a [Result]: attempts, each attempt's
// errors, response IDs, tokens (input, cached, output, reasoning), latency.
//
// # Never trust the server
//
// OpenAI honours strict mode, but Azure deployments, vLLM, Ollama and proxies
// may not. Every answer is decoded strictly — unknown fields, missing fields,
// nulls where none are allowed, wrong types and integer overflow are errors
// with JSON pointers — and then validated at every depth with the validate
// tags of every struct in it (one shared go-playground validator,
// [Validator]; struct elements of lists too, with or without "dive"; fields
// promoted from embedded structs at their own key) and the Validate() error
// method of every value that has one, each with its own pointer. An answer
// wrapped in a ```json fence or led by a byte order mark, as servers that
// ignore strict mode write, is unwrapped first (Attempt.Note says so).
//
// # Fail before paying
//
// Mistakes in a type are found when its schema is built, before any
// request: a validate tag the validator cannot run (*schema.TagError), a
// type whose JSON form the schema cannot know (*schema.UnsupportedTypeError),
// a schema over strict mode's limits (*schema.LintError, unless
// IgnoreSchemaLimits), a worked example whose value does not pass the schema
// ([*ExampleError]).
//
// # Re-asking
//
// When an answer fails, the model is asked again with a compact list of the
// problems — "/lines/2/unit_price: must be >= 0 (got -3)" — and the previous
// answer, to fix only those ([Correction]). With Store false (the default,
// documents are not kept on the server) the re-ask re-sends the document, the
// previous answer and the correction; with Store true it uses
// previous_response_id and sends only the correction. MaxAttempts bounds the
// requests; when they run out, the error is an [*InvalidError] holding every
// attempt's errors and the last raw answer.
//
// # Outcomes
//
// Errors are typed, for errors.Is and errors.As:
//
//   - [ErrRefused] ([*RefusalError]): the model refused; not retried.
//   - [ErrIncomplete] ([*IncompleteError]): cut off at max_output_tokens; the
//     request is retried once, with double the budget (up to
//     MaxOutputTokensCap) when one is set, as is when none is (a runaway
//     answer rarely repeats), before this is returned. An answer cut off by
//     reasoning says so; the message ends with the answer's last bytes.
//   - [ErrContentFilter]: stopped by the content filter.
//   - [ErrFailed] ([*ResponseError]): the response failed (response.error).
//   - [*APIError]: an HTTP error answer, with its type, code, param,
//     message and Retry-After; a 400 invalid_json_schema carries Quarry's
//     lint findings for the schema sent. It unwraps to *openai.Error. A 400
//     unsupported_parameter for temperature, top_p or reasoning is not
//     returned: the request is sent again without it, and the Extractor
//     leaves it out from then on (set Reasoning when the model name does
//     not tell).
//   - [ErrInvalid] ([*InvalidError]): every attempt broke the schema.
//   - [ErrInput] ([*InputError]): an input could not be sent.
//
// Rate limits (429), server errors and dropped connections are retried by the
// openai-go client itself (option.WithMaxRetries, honouring Retry-After);
// re-asks never retry those. Result.Requests and Result.RateLimited count them.
// So is a 200 whose body breaks off mid-transfer ([*CutBodyError]), which
// openai-go alone would not retry; when Store is on and the id of the
// response arrived before the cut, the answer is fetched with GET
// /v1/responses/{id} instead of paid for twice. Result.CutBodies and
// Result.Fetched count them.
//
// # Inputs
//
// [Text], [Image] and [ImageFile] (PNG, JPEG, WebP, GIF as input_image data
// URLs), [PDF] and [PDFFile] (as input_file, up to 50 MB), and by reference:
// [FileID] and [FileURL] (input_file), [ImageURL] and [ImageFileID]
// (input_image). Several inputs form one document, sent as one user message
// after the instructions, so that the stable prefix (instructions, schema)
// can be served from the prompt cache.
//
// [Example] adds a worked example to a call: a document and the value
// expected from it, sent before the document as a user message and the
// assistant's answer (written like a strict server writes it, every
// property present).
//
// # Evidence
//
// With [Extractor.Evidence] the request's schema asks, for every leaf value,
// for the verbatim quote it was read from and its page (schema.Quoted wraps
// each leaf as {quote, [page,] value}; the caller's type is unchanged). The
// answer is unwrapped strictly (schema.Unquote), checked as usual, and each
// quote is verified against the text sent (package evidence): the items are
// on [Result].Evidence, keyed by JSON pointer. [Extractor.EvidenceReask]
// re-asks for values whose quote is missing or does not state them.
//
// # Schemas without a Go type
//
// [JSONSchema] makes a [Spec] from a JSON Schema document; [Extractor.Extract]
// runs it and returns the valid answer as JSON.
//
// # Testing
//
// Package extracttest is an in-process fake of the Responses API speaking the
// real wire format; point the client at it with option.WithBaseURL.
package extract
