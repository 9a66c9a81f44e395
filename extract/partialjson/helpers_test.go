package partialjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// plainValue turns the *Object values in v into map[string]any, as encoding/json decodes them.
func plainValue(v any) any {
	switch v := v.(type) {
	case *Object:
		m := make(map[string]any, v.Len())
		for k, x := range v.All() {
			m[k] = plainValue(x)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, x := range v {
			a[i] = plainValue(x)
		}
		return a
	}
	return v
}

// decodeStd decodes one JSON value as encoding/json does, with UseNumber.
func decodeStd(data []byte) (any, error) {
	if !json.Valid(data) {
		return nil, fmt.Errorf("invalid JSON")
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// growsFrom reports where cur does not extend prev: strings may only grow,
// arrays and objects only gain members, anything else must stay equal.
func growsFrom(prev, cur any, at string) error {
	switch p := prev.(type) {
	case *Object:
		c, ok := cur.(*Object)
		if !ok {
			return fmt.Errorf("%s: object became %T", at, cur)
		}
		if c.Len() < p.Len() {
			return fmt.Errorf("%s: object lost members", at)
		}
		for i, k := range p.Keys() {
			if c.Keys()[i] != k {
				return fmt.Errorf("%s: key order changed", at)
			}
			pv, _ := p.Get(k)
			cv, _ := c.Get(k)
			if err := growsFrom(pv, cv, at+"/"+k); err != nil {
				return err
			}
		}
	case []any:
		c, ok := cur.([]any)
		if !ok {
			return fmt.Errorf("%s: array became %T", at, cur)
		}
		if len(c) < len(p) {
			return fmt.Errorf("%s: array shrank", at)
		}
		for i := range p {
			if err := growsFrom(p[i], c[i], fmt.Sprintf("%s/%d", at, i)); err != nil {
				return err
			}
		}
	case string:
		c, ok := cur.(string)
		if !ok || !strings.HasPrefix(c, p) {
			return fmt.Errorf("%s: string %q became %#v", at, p, cur)
		}
	default:
		if prev != cur {
			return fmt.Errorf("%s: %#v became %#v", at, prev, cur)
		}
	}
	return nil
}

type jsonNumber = json.Number

func itoa(i int) string { return fmt.Sprint(i) }

// diff reports how want and got differ, or "". It uses cmp.Diff only for
// shallow values: cmp's slice diffing is exponential in the nesting depth of
// []any values.
func diff(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	w, _ := json.Marshal(want)
	g, _ := json.Marshal(got)
	if len(w)+len(g) > 2000 || bytes.Count(w, []byte("[")) > 8 {
		return fmt.Sprintf("-%s\n+%s", w, g)
	}
	return cmp.Diff(want, got)
}
