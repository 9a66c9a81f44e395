package partialjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// FuzzPartialJSON feeds data in deltas whose sizes come from seed and checks
// that the parser never panics, that every snapshot is valid JSON agreeing
// with Value, and that the parser accepts exactly what encoding/json accepts
// and then decodes it the same.
func FuzzPartialJSON(f *testing.F) {
	for _, doc := range samples {
		f.Add([]byte(doc), uint64(len(doc)))
	}
	for _, doc := range invalid {
		f.Add([]byte(doc), uint64(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		r := rand.New(rand.NewPCG(seed, seed>>32))
		var p Parser
		var err error
		// Check the snapshot about 32 times per input, not after every
		// delta, so that an execution costs O(len(data)).
		next, step := 0, len(data)/32
		for at := 0; at < len(data) && err == nil; {
			n := min(len(data)-at, 1+r.IntN(1+int(seed%33)))
			err = p.Write(data[at : at+n])
			at += n
			if at < next {
				continue
			}
			next = at + step
			if snap := p.Snapshot(); snap != nil {
				if !utf8.Valid(snap) {
					t.Fatalf("Snapshot %q is not valid UTF-8", snap)
				}
				sv, serr := decodeStd(snap)
				if serr != nil {
					t.Fatalf("Snapshot %q: %v", snap, serr)
				}
				if d := diff(sv, plainValue(p.Value())); d != "" {
					t.Fatalf("Snapshot %q and Value differ:\n%s", snap, d)
				}
			} else if p.Present("") {
				t.Fatal("nil Snapshot with a present value")
			}
		}
		if err == nil {
			err = p.Close()
		}
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("error %v is not a *SyntaxError", err)
		}
		want, wantErr := decodeStd(data)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("%q: got error %v, encoding/json says %v", data, err, wantErr)
		}
		if err != nil {
			return
		}
		if d := diff(want, plainValue(p.Value())); d != "" {
			t.Fatalf("%q: Value (-encoding/json +got):\n%s", data, d)
		}
		if utf8.Valid(data) {
			var compact bytes.Buffer
			if err := json.Compact(&compact, data); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(p.Snapshot(), compact.Bytes()) {
				t.Fatalf("%q: Snapshot %q, want %q", data, p.Snapshot(), compact.Bytes())
			}
		}
		var whole Parser
		if err := whole.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := whole.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(whole.Snapshot(), p.Snapshot()) {
			t.Fatalf("%q: Snapshot depends on the deltas: %q vs %q", data, whole.Snapshot(), p.Snapshot())
		}
	})
}
