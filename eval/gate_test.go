package eval

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	rep, err := Evaluate(t.Context(), invoicePlan(t, nil), handLabels, []Run{handRun()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		th   string
		want []string
		err  error
	}{
		{th: "overall=0.8,documents=0.3", want: nil},
		{th: "overall=0.9", want: []string{"mini: overall accuracy 0.828 < 0.9"}},
		{th: "field=0.8", want: []string{"mini: /vendor 0.667 < 0.8", "mini: /currency 0.500 < 0.8", "mini: /total 0.333 < 0.8"}},
		{th: "total=0.5, /lines/*/unit_price=0.8", want: []string{"mini: /total 0.333 < 0.5"}},
		{th: "supported=0.8", want: []string{"mini: supported values 0.750 < 0.8"}},
		{th: "/nope=1", err: ErrUnknownField},
	}
	for _, tt := range tests {
		th, err := ParseThresholds(tt.th)
		if err != nil {
			t.Fatal(err)
		}
		err = rep.Check(th)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%s: err = %v, want %v", tt.th, err, tt.err)
			}
			continue
		}
		var got []string
		var se *ShortfallError
		if errors.As(err, &se) {
			got = se.Shortfalls
		} else if err != nil {
			t.Fatalf("%s: %v", tt.th, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.th, diff)
		}
	}
	for _, bad := range []string{"overall", "overall=2", "=0.5", "field=x"} {
		if _, err := ParseThresholds(bad); err == nil {
			t.Errorf("ParseThresholds(%q) = nil error", bad)
		}
	}
}
