package evidence

import "testing"

func TestCount(t *testing.T) {
	got := Count([]Item{{Verdict: Supported}, {Verdict: Supported}, {Verdict: Unsupported}, {Verdict: NotFound}})
	if want := (Counts{Supported: 2, Unsupported: 1, NotFound: 1}); got != want {
		t.Fatalf("Count = %+v, want %+v", got, want)
	}
}
