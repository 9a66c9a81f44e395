package eval

import (
	"encoding/json"
	"testing"
)

func num(s string) json.Number { return json.Number(s) }

func TestCompareValues(t *testing.T) {
	must := func(s string) Rule {
		r, err := ParseRule(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name         string
		rule         Rule
		exp, got     any
		equal, exact bool
	}{
		{"number equal", must("number"), num("129.15"), num("129.15"), true, true},
		{"number same value other text", must("number"), num("18"), num("18.00"), true, true},
		{"number within default tolerance", must("number"), num("129.15"), num("129.154"), true, false},
		{"number beyond default tolerance", must("number"), num("129.15"), num("129.16"), false, false},
		{"number tolerance 0", must("number:0"), num("1"), num("1.001"), false, false},
		{"number absolute tolerance", must("number:0.5"), num("10"), num("10.5"), true, false},
		{"number absolute tolerance beyond", must("number:0.5"), num("10"), num("10.51"), false, false},
		{"number relative tolerance", must("number:1%"), num("200"), num("202"), true, false},
		{"number relative tolerance beyond", must("number:1%"), num("200"), num("202.5"), false, false},
		{"number from a string", must("number"), num("1234.5"), "1,234.50", true, false},
		{"number from a currency string", must("number"), num("12"), "$12.00", true, false},
		{"number vs words", must("number"), num("12"), "twelve", false, false},
		{"binary fraction slack", must("number:0"), num("0.3"), num("0.30000000000000004"), true, false},
		{"null equals null", must("number"), nil, nil, true, true},
		{"null vs value", must("number"), nil, num("0"), false, false},
		{"value vs null", must("text"), "Acme", nil, false, false},
		{"text case and punctuation", must("text"), "Acme Office Supplies Inc.", "ACME office supplies, inc", true, false},
		{"text spaces", must("text"), "A4  copy\tpaper", " a4 copy paper ", true, false},
		{"text exact", must("text"), "Acme", "Acme", true, true},
		{"text differs", must("text"), "Acme", "Acne", false, false},
		{"text non-latin", must("text"), "Wisła Software", "WISŁA software", true, false},
		{"exact is byte for byte", must("exact"), "USD", "usd", false, false},
		{"exact enum", must("exact"), "USD", "USD", true, true},
		{"exact bool", must("exact"), true, false, false, false},
		{"exact number by value", must("exact"), num("5"), num("5.0"), true, true},
		{"exact string vs number", must("exact"), "5", num("5"), false, false},
		{"date iso vs dmy dots", must("date"), "2024-03-05", "05.03.2024", true, false},
		{"date iso vs written", must("date"), "2024-03-05", "5 March 2024", true, false},
		{"date iso vs us written", must("date"), "2024-03-05", "March 5, 2024", true, false},
		{"date iso vs abbreviated", must("date"), "2024-03-05", "05-Mar-2024", true, false},
		{"date ambiguous slash either reading", must("date"), "2024-03-05", "03/05/2024", true, false},
		{"date ambiguous slash other reading", must("date"), "2024-03-05", "05/03/2024", true, false},
		{"date unambiguous slash wrong", must("date"), "2024-03-05", "13/05/2024", false, false},
		{"date differs", must("date"), "2024-03-05", "2024-03-06", false, false},
		{"date-time same instant", must("date"), "2024-03-05T10:00:00Z", "2024-03-05T11:00:00+01:00", true, false},
		{"date-time other instant", must("date"), "2024-03-05T10:00:00Z", "2024-03-05T10:00:00+01:00", false, false},
		{"date-time vs date", must("date"), "2024-03-05T10:00:00Z", "2024-03-05", true, false},
		{"not a date: compared as text", must("date"), "soon", "soon", true, true},
		{"not a date vs date", must("date"), "2024-03-05", "soon", false, false},
		{"ignore", must("ignore"), "a", "b", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eq, ex := CompareValues(tt.rule, tt.exp, tt.got)
			if eq != tt.equal || ex != tt.exact {
				t.Errorf("CompareValues(%s, %v, %v) = %v, %v; want %v, %v", tt.rule, tt.exp, tt.got, eq, ex, tt.equal, tt.exact)
			}
		})
	}
}

func TestParseRule(t *testing.T) {
	tests := []struct {
		in, want string
		err      bool
	}{
		{"number", "number:0.005", false},
		{"number:0.01", "number:0.01", false},
		{" Number : 2% ", "number:2%", false},
		{"text", "text", false},
		{"date", "date", false},
		{"assign", "assign", false},
		{"number:-1", "", true},
		{"number:x", "", true},
		{"number:NaN", "", true},
		{"text:1", "", true},
		{"fuzzy", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		r, err := ParseRule(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("ParseRule(%q) error %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if err == nil && r.String() != tt.want {
			t.Errorf("ParseRule(%q) = %s, want %s", tt.in, r, tt.want)
		}
	}
}

func TestAssign(t *testing.T) {
	tests := []struct {
		name string
		sim  [][]float64
		cols int
		want []int
	}{
		{"empty", nil, 0, []int{}},
		{"no columns", [][]float64{{}, {}}, 0, []int{-1, -1}},
		{"identity", [][]float64{{1, 0}, {0, 1}}, 2, []int{0, 1}},
		{"swapped", [][]float64{{0, 1}, {1, 0}}, 2, []int{1, 0}},
		// Greedy would give row 0 column 0 (0.9) and row 1 nothing useful (0.0);
		// the best assignment is 0→1, 1→0 (0.8 + 0.8).
		{"best not greedy", [][]float64{{0.9, 0.8}, {0.8, 0}}, 2, []int{1, 0}},
		{"more rows: one unpaired", [][]float64{{1}, {0.5}, {0}}, 1, []int{0, -1, -1}},
		{"more columns", [][]float64{{0, 0, 1}}, 3, []int{2}},
		{"nothing alike stays unpaired", [][]float64{{0, 0}, {0, 1}}, 2, []int{-1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := assign(tt.sim, tt.cols)
			if len(got) != len(tt.want) {
				t.Fatalf("assign = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("assign = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestAssignOptimal checks the assignment against every permutation on
// small random matrices.
func TestAssignOptimal(t *testing.T) {
	seed := uint64(1)
	rnd := func() float64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return float64(seed>>40%5) / 4 // 0, .25, .5, .75, 1
	}
	for trial := range 300 {
		rows, cols := 1+trial%5, 1+(trial/5)%5
		sim := make([][]float64, rows)
		for i := range sim {
			sim[i] = make([]float64, cols)
			for j := range sim[i] {
				sim[i][j] = rnd()
			}
		}
		pair := assign(sim, cols)
		got := 0.0
		used := map[int]bool{}
		for i, j := range pair {
			if j >= 0 {
				if used[j] {
					t.Fatalf("column %d used twice: %v", j, pair)
				}
				used[j] = true
				got += sim[i][j]
			}
		}
		if best := bestSum(sim, 0, make([]bool, cols)); got < best-1e-9 {
			t.Fatalf("sim %v: assign %v sums %v, best %v", sim, pair, got, best)
		}
	}
}

func bestSum(sim [][]float64, row int, used []bool) float64 {
	if row == len(sim) {
		return 0
	}
	best := bestSum(sim, row+1, used) // row unpaired
	for j := range used {
		if !used[j] {
			used[j] = true
			best = max(best, sim[row][j]+bestSum(sim, row+1, used))
			used[j] = false
		}
	}
	return best
}
