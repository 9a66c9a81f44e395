package eval

import "math"

// Lists of objects (an invoice's lines) are compared item to item after
// pairing each expected item with the extracted item most like it, so a
// reordered list is not all wrong and one missing line does not shift every
// later one. The pairing is an optimal assignment (the Hungarian method,
// O(n³) in the longer list's length) maximising the summed similarity of
// the pairs, where an item's similarity is the share of its compared fields
// that are equal. Pairs with no equal field are left unpaired: the
// expected item is missing and the extracted one extra. Lists longer than
// maxAssign items are paired by position instead, to bound the work.

// maxAssign is the longest list paired by assignment (400³ ≈ 64M steps).
const maxAssign = 400

// assign pairs rows with columns to maximise the summed similarity sim[i][j]
// (each in [0, 1]); pair[i] is row i's column, or -1. Rows and columns may
// differ in number.
func assign(sim [][]float64, cols int) []int {
	rows := len(sim)
	pair := make([]int, rows)
	for i := range pair {
		pair[i] = -1
	}
	if rows == 0 || cols == 0 {
		return pair
	}
	// The method below needs n ≤ m: transpose when there are more rows.
	transposed := rows > cols
	n, m := rows, cols
	cost := func(i, j int) float64 { return 1 - sim[i][j] }
	if transposed {
		n, m = cols, rows
		cost = func(i, j int) float64 { return 1 - sim[j][i] }
	}
	// Potentials u (rows), v (columns); p[j] is the row matched to column j
	// (1-based, 0 = none); way[j] the previous column on the augmenting path.
	u := make([]float64, n+1)
	v := make([]float64, m+1)
	p := make([]int, m+1)
	way := make([]int, m+1)
	minv := make([]float64, m+1)
	used := make([]bool, m+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j] = math.Inf(1)
			used[j] = false
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], math.Inf(1), 0
			for j := 1; j <= m; j++ {
				if used[j] {
					continue
				}
				cur := cost(i0-1, j-1) - u[i0] - v[j]
				if cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= m; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	for j := 1; j <= m; j++ {
		if p[j] == 0 {
			continue
		}
		r, c := p[j]-1, j-1
		if transposed {
			r, c = c, r
		}
		if sim[r][c] > 0 {
			pair[r] = c
		}
	}
	return pair
}

// byPosition pairs item i with item i.
func byPosition(rows, cols int) []int {
	pair := make([]int, rows)
	for i := range pair {
		pair[i] = -1
		if i < cols {
			pair[i] = i
		}
	}
	return pair
}
