package partialjson

import (
	"errors"
	"fmt"
	"io"
)

// ErrClosed is returned by [Parser.Write] after [Parser.Close].
var ErrClosed = errors.New("partialjson: write after Close")

// SyntaxError reports input that is not a prefix of one JSON value, or, from
// [Parser.Close], input that ended before its value did. Once a Parser has
// returned a SyntaxError it returns the same error from every later call.
type SyntaxError struct {
	// Offset is the number of bytes read when the error was detected,
	// counting the offending byte, as in encoding/json's SyntaxError.
	Offset int64
	// Msg describes the error, e.g. "invalid character '}' after array element".
	Msg string

	err error // io.ErrUnexpectedEOF for an input that ended early
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("partialjson: %s (offset %d)", e.Msg, e.Offset)
}

// Unwrap returns io.ErrUnexpectedEOF when the input ended before its value
// was complete, and nil otherwise.
func (e *SyntaxError) Unwrap() error { return e.err }

// quoteChar formats c as encoding/json does in its messages.
func quoteChar(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	s := fmt.Sprintf("%q", rune(c))
	return "'" + s[1:len(s)-1] + "'"
}

var errUnexpectedEOF = io.ErrUnexpectedEOF
