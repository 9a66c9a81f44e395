package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"

	"github.com/seed0611af48/quarry/schema"
)

// leaf is one scalar of an extracted value: its JSON pointer and its JSON text.
type leaf struct {
	pointer string
	value   json.RawMessage
}

// maxDepth bounds the nesting walked, so that a hostile ledger cannot exhaust
// the stack.
const maxDepth = 256

// leaves returns the scalars of the JSON value v in document order (object
// keys as written), each with its JSON pointer. Empty objects and arrays give
// no leaf; invalid JSON gives the leaves read before the error.
func leaves(v json.RawMessage) ([]leaf, error) {
	if len(bytes.TrimSpace(v)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var out []leaf
	err := walk(dec, "", 0, &out)
	return out, err
}

func walk(dec *json.Decoder, ptr string, depth int, out *[]leaf) error {
	if depth > maxDepth {
		return errors.New("review: value nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := k.(string)
				if err := walk(dec, schema.Pointer(ptr, key), depth+1, out); err != nil {
					return err
				}
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if err := walk(dec, schema.Pointer(ptr, strconv.Itoa(i)), depth+1, out); err != nil {
					return err
				}
			}
		}
		_, err := dec.Token() // the closing delimiter
		return err
	default:
		b, err := json.Marshal(t)
		if err != nil {
			return err
		}
		*out = append(*out, leaf{pointer: ptr, value: b})
		return nil
	}
}
