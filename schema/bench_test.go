package schema

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// benchWide has 20 fields of the common kinds, for BenchmarkDecode.
type benchWide struct {
	F01 string    `json:"f01"`
	F02 string    `json:"f02"`
	F03 int       `json:"f03"`
	F04 int64     `json:"f04"`
	F05 float64   `json:"f05"`
	F06 bool      `json:"f06"`
	F07 *string   `json:"f07"`
	F08 *int      `json:"f08"`
	F09 time.Time `json:"f09"`
	F10 []string  `json:"f10"`
	F11 string    `json:"f11"`
	F12 string    `json:"f12"`
	F13 int       `json:"f13"`
	F14 uint      `json:"f14"`
	F15 float64   `json:"f15"`
	F16 bool      `json:"f16"`
	F17 *string   `json:"f17"`
	F18 []int     `json:"f18"`
	F19 Line      `json:"f19"`
	F20 string    `json:"f20"`
}

var benchWideJSON = []byte(`{"f01":"alpha","f02":"beta","f03":12,"f04":-99999,"f05":3.25,"f06":true,"f07":null,"f08":7,
"f09":"2024-05-01T10:00:00Z","f10":["a","b","c"],"f11":"gamma","f12":"delta","f13":0,"f14":42,"f15":1e-3,"f16":false,
"f17":"x","f18":[1,2,3,4],"f19":{"description":"bolt","quantity":3,"unit_price":0.5},"f20":"omega"}`)

// BenchmarkReflectCold builds the Invoice schema from scratch each time,
// with the field caches cleared too.
func BenchmarkReflectCold(b *testing.B) {
	t := reflect.TypeFor[Invoice]()
	b.ReportAllocs()
	for b.Loop() {
		tagFieldCache.Clear()
		decFieldIndex.Clear()
		if _, err := reflBuild(t); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReflectCached is For on a type already built.
func BenchmarkReflectCached(b *testing.B) {
	if _, err := For[Invoice](); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := For[Invoice](); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode decodes a 20-field object with Decode.
func BenchmarkDecode(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchWideJSON)))
	for b.Loop() {
		var v benchWide
		if err := Decode(benchWideJSON, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeStdlib is encoding/json alone on the same input, for scale.
func BenchmarkDecodeStdlib(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchWideJSON)))
	for b.Loop() {
		var v benchWide
		if err := json.Unmarshal(benchWideJSON, &v); err != nil {
			b.Fatal(err)
		}
	}
}
