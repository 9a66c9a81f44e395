package ojson

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks the parser against encoding/json: the same texts are
// accepted (repeated keys aside, which only KeepDuplicates accepts),
// re-encoding gives the same value, and Raw is the input.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Options{KeepDuplicates: true}.Parse(data)
		want, werr := unmarshalNumbers(data)
		if (err == nil) != (werr == nil) {
			t.Fatalf("Parse err %v, encoding/json err %v", err, werr)
		}
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || perr.Offset < 0 || perr.Offset > len(data) {
				t.Fatalf("error %#v is not an *Error within the input", err)
			}
			return
		}
		if !bytes.Equal(v.Raw, bytes.TrimSpace(data)) {
			t.Fatalf("Raw %q, input %q", v.Raw, data)
		}
		got, err := unmarshalNumbers(Append(nil, &v))
		if err != nil {
			t.Fatalf("re-encoded %q: %v", Append(nil, &v), err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %#v, want %#v", got, want)
		}
		if _, serr := Parse(data); (serr == nil) == hasDuplicate(&v) {
			t.Fatalf("strict Parse err %v, but the text has a repeated key: %v", serr, hasDuplicate(&v))
		}
	})
}

func hasDuplicate(v *Value) bool {
	seen := map[string]bool{}
	for i := range v.Members {
		if seen[v.Members[i].Key] || hasDuplicate(&v.Members[i].Value) {
			return true
		}
		seen[v.Members[i].Key] = true
	}
	for i := range v.Elems {
		if hasDuplicate(&v.Elems[i]) {
			return true
		}
	}
	return false
}

// unmarshalNumbers is json.Unmarshal into any, numbers kept as text.
func unmarshalNumbers(data []byte) (any, error) {
	if !json.Valid(data) {
		return nil, errors.New("invalid")
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}
