package eval

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPlanRules(t *testing.T) {
	tests := []struct {
		name      string
		schema    string
		overrides map[string]string
		want      []string // pattern rule kind
		err       string
	}{
		{name: "invoice", schema: "testdata/invoice.schema.json", want: []string{
			"/ exact object", "/vendor text value", "/invoice_number text value", "/issue_date date value", "/due_date date value",
			"/currency exact value", "/total number:0.005 value", "/lines assign list", "/lines/* exact object",
			"/lines/*/description text value", "/lines/*/quantity number:0.005 value", "/lines/*/unit_price number:0.005 value"}},
		{name: "keyword and overrides", schema: `{"type":"object","properties":{
			"total":{"type":"number","x-quarry-compare":"number:1%"},
			"note":{"type":"string","x-quarry-compare":"ignore"},
			"code":{"type":"string"},
			"n":{"type":"integer"},
			"meta":{"type":"object","x-quarry-compare":"exact","properties":{"a":{"type":"string"}}}}}`,
			overrides: map[string]string{"/code": "exact", "/n": "number:2"},
			want:      []string{"/ exact object", "/total number:1% value", "/code exact value", "/n number:2 value", "/meta exact value"}},
		{name: "strict nullable forms and refs", schema: `{"type":"object","properties":{
			"d":{"anyOf":[{"type":"string","format":"date"},{"type":"null"}]},
			"s":{"type":["string","null"],"enum":["a","b",null]},
			"p":{"$ref":"#/$defs/party"}},
			"$defs":{"party":{"type":"object","properties":{"name":{"type":"string"},"when":{"type":"string","format":"date-time"}}}}}`,
			want: []string{"/ exact object", "/d date value", "/s exact value", "/p exact object", "/p/name text value", "/p/when date value"}},
		{name: "recursive schema ends", schema: `{"type":"object","properties":{"child":{"$ref":"#"}}}`},
		{name: "unknown override", schema: "testdata/invoice.schema.json", overrides: map[string]string{"/lines/quantity": "exact"}, err: "no field /lines/quantity"},
		{name: "tolerance on a list", schema: "testdata/invoice.schema.json", overrides: map[string]string{"/lines": "number:1"}, err: "is a list"},
		{name: "assign on a value", schema: `{"type":"object","properties":{"a":{"type":"string","x-quarry-compare":"ordered"}}}`, err: "is not a list"},
		{name: "bad keyword", schema: `{"type":"object","properties":{"a":{"type":"string","x-quarry-compare":"fuzzy"}}}`, err: "/a: eval: bad comparison rule"},
		{name: "keyword not a string", schema: `{"type":"object","properties":{"a":{"type":"string","x-quarry-compare":1}}}`, err: "must be a string"},
		{name: "not JSON", schema: `{`, err: "eval: schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := []byte(tt.schema)
			if strings.HasPrefix(tt.schema, "testdata/") {
				doc = readFile(t, tt.schema)
			}
			ov := map[string]Rule{}
			for k, v := range tt.overrides {
				r, err := ParseRule(v)
				if err != nil {
					t.Fatal(err)
				}
				ov[k] = r
			}
			p, err := NewPlan(doc, ov)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				if strings.Contains(tt.err, "rule") || strings.Contains(tt.err, "list") {
					if !errors.Is(err, ErrRule) {
						t.Errorf("err = %v, want errors.Is ErrRule", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				return
			}
			var got []string
			for _, f := range p.Fields() {
				got = append(got, f.Pattern+" "+f.Rule.String()+" "+f.Kind)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}
