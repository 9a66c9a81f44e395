// Package sink writes the outcomes of a run: every document's extracted
// record, or why there is none. Each sink implements [pipeline.Sink]:
// the pipeline calls Write once per document, from one goroutine, and
// Close once at the end with the [pipeline.RunInfo] of the run.
//
// [Open] picks a sink from the file name (.jsonl, .csv, .tsv, .xlsx,
// .parquet, .sqlite or .db):
//
//	s, err := sink.Open("out.xlsx", schemaJSON, sink.Options{})
//
// # Outputs
//
// JSON Lines ([JSONL], ".jsonl" or ".ndjson") is the lossless output: one
// line per document with its id, status, the record nested as extracted,
// the error, attempts, token usage, where it came from and the source row's
// original columns:
//
//	{"id":"invoices.csv#row=1","status":"ok","value":{"vendor":"Acme","total":12.5},"attempts":1,...}
//
// CSV ([CSV], ".csv"; ".tsv" for tab-separated) and XLSX ([XLSX], ".xlsx")
// are for people and spreadsheets. They need the record's strict JSON
// Schema, because the schema, not the values, decides the columns: every
// row has the same columns, in schema order, even when a value is null or
// the document failed.
//
// # Flattening
//
// A record becomes one row of the main table; its nested objects become
// dot-path columns:
//
//	{"vendor":"Acme","address":{"city":"Oslo"}}  →  vendor | address.city
//
// Arrays of scalars stay in one cell, as JSON text (["a","b"]) or joined
// with [Options.ListSeparator]. Each array of objects becomes a child table
// (a file "out.lines.csv" beside "out.csv", a sheet "lines" in the
// workbook) whose rows are keyed by the record's id and the element's
// 0-based index, the same index a JSON pointer such as /lines/2/qty uses:
//
//	record_id          | index | sku | qty
//	invoices.csv#row=1 | 0     | X   | 2
//
// Arrays of objects inside arrays of objects nest the same way
// ("out.lines.taxes.csv" with record_id, lines.index, index). Schemas may
// use $defs and $ref, nullable types (["string","null"] or anyOf with
// {"type":"null"}) and recursion: flattening stops at [Options.MaxDepth]
// and writes anything deeper as JSON text.
//
// The main table starts with id, status, error, source, row and page, and
// ends with the source row's original CSV columns as "input.<name>" (unless
// [Options.OmitColumns]). Because outcomes arrive in completion order and
// only some documents come from CSV rows, those names are known only at the
// end: main rows are kept in a temporary file and written at Close. Child
// rows are written as they come. Memory stays flat at any size.
//
// # Parquet
//
// Parquet ([Parquet], ".parquet") is for query engines (DuckDB, polars,
// Spark). Its columns are typed from the schema and nested values stay
// nested: objects are STRUCT columns and arrays LIST columns, so
//
//	SELECT lines[1].quantity FROM 'out.parquet'
//
// works in DuckDB. Record fields are nullable; inside them a field is
// nullable where the schema allows null. A value that does not fit its
// column (a string where the schema says integer, as a simulated or
// non-strict server may send) becomes null at the nearest nullable field,
// its JSON pointer goes into the "unfit" list column and the record's JSON
// into "raw_value": nothing is written as something it is not. Rows are
// written in row groups of [ParquetRowGroupRows], Snappy-compressed (as
// Spark, pyarrow and DuckDB write by default), so memory stays flat.
//
// # SQLite
//
// SQLite ([SQLite], ".sqlite" or ".db") lays the record out as CSV does,
// flattened columns and a table per array of objects, but in typed STRICT
// tables with keys and foreign keys, beside evidence, an errors view and
// a runs table. Unlike the other outputs it is updated, not rewritten: a
// resumed run or an export into the same file replaces each document's
// rows by id. A database made for another schema is refused
// ([ErrSchemaChanged]).
//
// # Spreadsheet safety
//
// Text that a spreadsheet would run as a formula, starting with = + - @,
// tab or carriage return, gets a leading single quote (the OWASP advice
// against CSV injection), so =HYPERLINK(...) stays inert text. Numbers
// are never touched: -2 typed as a number stays a number. A cell holds at
// most [MaxCellChars] characters: longer text is cut, ends with
// "…[truncated N chars]", and a warning goes to [Options.Logger]; the full
// value is still in the JSONL output.
//
// # The workbook
//
// The XLSX sink writes with excelize's stream writers. Cells are typed:
// numbers are numeric, booleans boolean, strings with schema format "date"
// or "date-time" real dates (date-times in UTC) with a date number format,
// nulls empty. Every data sheet has a bold frozen header, an Excel table
// with filters, and column widths set from the header and the schema type.
// The "errors" sheet lists every document that is not ok, and the "run"
// sheet the model, instructions, schema, simulated flag, start and end,
// totals per status and tokens by kind.
package sink
