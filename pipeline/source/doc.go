// Package source turns files, folders and stdin into a lazy stream of
// [pipeline.Document]s: the units of work Quarry extracts records from.
//
//	seq, err := source.Open(ctx, []string{"invoices/", "-"}, source.Options{
//		Include: []string{"*.pdf", "*.txt"},
//	})
//	if err != nil {
//		return err // an input that does not exist, a bad glob or template
//	}
//	for doc := range seq {
//		if doc.Err != nil {
//			// record the failure for this document and go on
//		}
//	}
//
// # Bad input never stops a run
//
// [Open] fails only for setup problems. A file that cannot be read is still
// yielded, with [pipeline.Document.Err] set to a [*ReadError] whose message
// says what is wrong and, where there is something to do, what:
//
//	source: notes/a.txt: binary data in a .txt file at byte 123
//	source: tickets.csv#row=7: row 7 (line 8) has 5 fields, the header has 4
//	source: export.csv: not valid UTF-8 (line 3, byte 18); use --encoding latin1 or --encoding windows-1252
//	source: scan.pdf: encrypted PDF: pass --pdf-password
//
// The condition is also a sentinel for errors.Is: [ErrEmpty], [ErrBinary],
// [ErrEncoding], [ErrTooLarge], [ErrUnsupported], [ErrMalformed],
// [ErrPDFPassword], [ErrUnreadable], [ErrDuplicateID].
//
// # Inputs and document IDs
//
// An input is a file, a folder or "-" for stdin ([Options].Stdin). Folders
// are walked recursively in lexical order; names starting with "." (".git",
// ".quarry") are skipped; a symlinked folder is followed, but each real
// folder is entered once, so links that loop end. Files of an unknown type
// inside a folder are skipped (with a debug log); named directly, they are
// yielded with [ErrUnsupported]. [Options].Include and Exclude filter what a
// folder walk finds (see [Options]).
//
// A document's ID is stable across runs, so a resumed run knows what it has
// done: the path relative to the folder given as input, slash-separated
// ("2024/jan/a.pdf"); for a file given directly, its base name; for stdin,
// "-" or [Options].StdinName. A file with several documents adds
// "#row=N" (CSV, TSV: the Nth data row, the header not counted; JSONL: line
// N) or "#page=N" (PDF with [Options].SplitPages). Two inputs giving the
// same ID is an error for the second one ([ErrDuplicateID]): name the
// folders' common parent instead.
//
// # Formats
//
//   - .txt, .md: the text. Binary bytes and an empty or whitespace-only file
//     are errors.
//   - .html, .htm: the visible text: script, style and the like dropped,
//     block elements on their own lines, table cells tab-separated, entities
//     decoded, image alt text in brackets.
//   - .json: one document holding the JSON text; it must parse.
//   - .jsonl, .ndjson: each non-empty line is a document; a line that is not
//     JSON is that row's error.
//   - .csv, .tsv: each row after the header is a document, streamed. The
//     text is [Options].TextColumn, or [Options].Template executed over the
//     columns, or else every non-empty column as "name: value" lines. The
//     row's columns are kept in [pipeline.Document.Columns]. A row with more
//     or fewer fields than the header, or with empty text, is that row's
//     error; a missing text column is one error for the file.
//   - .png, .jpg, .jpeg, .webp, .gif: one image part; the MIME type comes
//     from the bytes, and bytes that are not an image are an error.
//   - .pdf: see below.
//
// # Text encodings
//
// Text is UTF-8 unless it starts with a byte-order mark (UTF-8, UTF-16LE,
// UTF-16BE), which always wins, or [Options].Encoding names another
// encoding ("latin1", "windows-1252", "utf-16"). Without either, bytes that
// are not UTF-8 are an error that says which flag to try; nothing is
// guessed silently, except in HTML, which follows the browser rules
// (<meta charset>, else windows-1252). A CSV file is checked in one pass
// before its rows are read, so a bad byte in row 5,000 gives one clear
// error, not 4,999 rows and then a failure. Line ends become "\n".
//
// # PDF
//
// In [PDFText] mode (the default) the [PDFTextExtractor] in
// [Options].PDFText (package pdftext) extracts each page's text, and the
// document holds one text part per page, each starting with a
// "--- page N ---" marker so the model can cite pages. A PDF without any
// text layer (a scan) is sent as a file instead, with
// Meta["pdf"] = "no text layer: sent to the model as a file". Pages
// without text in an otherwise textual PDF are rendered by
// [Options].PDFRender and follow their page marker as JPEG image parts (or,
// without a renderer, the whole PDF goes as a file); a PDF the extractor
// cannot open goes as a file when it is within the API's 50 MB. Each case is
// noted in Meta["pdf"]. An
// encrypted PDF needs [Options].PDFPassword; the extractor's password
// errors are recognised by [Options].IsPDFPasswordError, or by wrapping
// [ErrPDFPassword]. In [PDFFile] mode, or without an extractor, the PDF
// itself is one [pipeline.PartPDF] part.
//
// # Laziness and limits
//
// Nothing is read until the loop asks for it, one file at a time; CSV, TSV
// and JSONL files are streamed row by row. Leaving the loop closes the
// current file and stops, and so does the end of the context given to
// [Open]. Other files are read whole, up to [Options].MaxFileSize (50 MB
// by default); a larger file is yielded with [ErrTooLarge]. [Count] gives
// a progress bar its total without keeping anything.
package source
