package evidence

// myers finds the substrings of t closest to q (len(q) <= 64) in edit
// distance with Myers' bit-parallel algorithm (one machine word holds a
// column of the Sellers table, so the cost is one pass over t whatever
// len(q)), then recovers each hit's start with a small table over the few
// code points before its end. Results are those of sellers.
func myers(q, t []rune, maxDist int) (int, []span, bool) {
	m := len(q)
	var ascii [128]uint64 // pattern bit masks, ASCII in an array for speed
	other := make(map[rune]uint64)
	for i, r := range q {
		if r < 128 {
			ascii[r] |= 1 << i
		} else {
			other[r] |= 1 << i
		}
	}
	high := uint64(1) << (m - 1)
	pv, mv := ^uint64(0), uint64(0)
	score, best := m, maxDist+1
	var ends []int
	for j, c := range t {
		var eq uint64
		if c < 128 {
			eq = ascii[c]
		} else if len(other) > 0 {
			eq = other[c]
		}
		xv := eq | mv
		xh := (((eq & pv) + pv) ^ pv) | eq
		ph := mv | ^(xh | pv)
		mh := pv & xh
		if ph&high != 0 {
			score++
		} else if mh&high != 0 {
			score--
		}
		ph <<= 1
		mh <<= 1
		pv = mh | ^(xv | ph)
		mv = ph & xv
		switch {
		case score > maxDist:
		case score < best:
			best, ends = score, append(ends[:0], j+1)
		case score == best:
			ends = append(ends, j+1)
		}
	}
	var hits []span
	for _, end := range ends {
		h := span{startOf(q, t, end, best), end}
		if n := len(hits); n > 0 && hits[n-1].end > h.start {
			continue // overlaps the previous hit: keep the first
		}
		hits = append(hits, h)
	}
	return best, hits, len(hits) > 0
}

// startOf returns where the best match of q ending exactly at end starts:
// an edit-distance table of reversed q against the text before end,
// anchored at end, over at most len(q)+dist code points.
func startOf(q, t []rune, end, dist int) int {
	m := len(q)
	w := min(end, m+dist)
	prev, cur := make([]int, w+1), make([]int, w+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= m; i++ {
		cur[0] = i
		for j := 1; j <= w; j++ {
			d := prev[j-1]
			if q[m-i] != t[end-j] {
				d++
			}
			cur[j] = min(d, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	bestJ := 0
	for j := 1; j <= w; j++ {
		if prev[j] < prev[bestJ] {
			bestJ = j
		}
	}
	return end - bestJ
}
