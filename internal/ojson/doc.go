// Package ojson is Quarry's one ordered JSON value: a parsed JSON text that
// keeps the order of object members (which map[string]any loses) and the
// text of numbers (which float64 rounds). The model writes an answer's keys
// in the order the schema lists them, and the outputs, the schema converter
// and the strict decoder all keep that order, so they all read JSON into a
// [Value].
//
// # Parsing
//
// [Parse] reads exactly one JSON value strictly: the syntax of RFC 8259, no
// trailing data, nesting no deeper than [DefaultMaxDepth], and no key
// repeated within an object. [Options] relaxes the last two: a lower
// MaxDepth for code that recurses over the tree, KeepDuplicates for the
// strict decoder, which reports every repeat at its own JSON pointer. Every
// problem is an [*Error] with the byte offset where it was found:
//
//	v, err := ojson.Parse([]byte(`{"b":1,"a":[true,"x"]}`))
//	// v.Members[0].Key == "b"; v.Lookup("/a/1").Text == "x"
//
// # Reading and writing
//
// A Value is a plain struct with exported fields: Kind, Text (a string's
// value, a number's or boolean's literal), Raw (the parsed text), Elems
// and Members. [Value.Get], [Value.Index] and [Value.Lookup] (a JSON
// pointer, through internal/jsonptr) return pointers into the tree.
// [Append] and [Value.Marshal] write it back, members in order; the output
// depends only on the value. [AppendQuote] is the one JSON string quoter:
// it leaves <, > and & readable.
package ojson
