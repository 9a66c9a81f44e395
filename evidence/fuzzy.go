package evidence

// MinScore is the lowest fuzzy score at which a quote counts as found:
// 1 - edits/length, so 0.8 allows one edit in five code points.
const MinScore = 0.8

// maxFuzzyQuote bounds the quote length the fuzzy search considers; a
// longer quote is searched by its first maxFuzzyQuote code points.
const maxFuzzyQuote = 400

// span is a range of code points, end exclusive.
type span struct{ start, end int }

// approx finds the substrings of t closest to q in edit distance (Sellers'
// algorithm: a Levenshtein table whose first row is free, so a match may
// start anywhere). It returns the distance and the non-overlapping spans
// that reach it; found is false when every substring needs more than
// maxDist edits.
//
// A quote of up to 64 code points is searched with [myers] in one pass.
// For a longer one, to stay fast on long texts, it first keeps only the regions of t that
// share enough 3-grams with q to possibly be within maxDist (the q-gram
// lemma: a match with k edits keeps at least len(q)-2-3k of q's 3-grams),
// and runs the table on those regions only. Cost: one pass over t, plus
// len(q) × the length of the candidate regions.
func approx(q, t []rune, maxDist int) (dist int, hits []span, found bool) {
	m := len(q)
	if m == 0 || len(t) == 0 {
		return 0, nil, false
	}
	if m <= 64 {
		return myers(q, t, maxDist)
	}
	need := m - 2 - 3*maxDist
	if need <= 0 {
		return sellers(q, t, 0, maxDist)
	}
	grams := make(map[[3]rune]struct{}, m)
	for i := 0; i+3 <= m; i++ {
		grams[[3]rune{q[i], q[i+1], q[i+2]}] = struct{}{}
	}
	// hit[j]: t's 3-gram at j is one of q's. A window of t of m+maxDist
	// code points holding a match holds at least need hits.
	w := m + maxDist
	hit := make([]bool, len(t))
	for j := 0; j+3 <= len(t); j++ {
		_, hit[j] = grams[[3]rune{t[j], t[j+1], t[j+2]}]
	}
	var regions []span
	count := 0
	for j := 0; j < len(t); j++ {
		if hit[j] {
			count++
		}
		if j >= w && hit[j-w] {
			count--
		}
		if count >= need {
			r := span{max(0, j-w-maxDist), min(len(t), j+3+maxDist)}
			if n := len(regions); n > 0 && regions[n-1].end >= r.start {
				regions[n-1].end = max(regions[n-1].end, r.end)
			} else {
				regions = append(regions, r)
			}
		}
	}
	best := maxDist + 1
	for _, r := range regions {
		d, h, ok := sellers(q, t[r.start:r.end], r.start, maxDist)
		switch {
		case !ok:
		case d < best:
			best, hits = d, h
		case d == best:
			hits = append(hits, h...)
		}
	}
	return best, hits, len(hits) > 0
}

// sellers runs the edit-distance table of q against every substring of t
// (whose first code point is at offset base) and returns the smallest
// distance not above maxDist and the spans reaching it.
func sellers(q, t []rune, base, maxDist int) (int, []span, bool) {
	m := len(q)
	prev, cur := make([]int, m+1), make([]int, m+1)
	prevStart, curStart := make([]int, m+1), make([]int, m+1)
	for i := range prev {
		prev[i] = i
	}
	best := maxDist + 1
	var hits []span
	for j, c := range t {
		cur[0], curStart[0] = 0, j+1
		for i := 1; i <= m; i++ {
			d, s := prev[i-1], prevStart[i-1]
			if q[i-1] != c {
				d++
			}
			if v := cur[i-1] + 1; v < d {
				d, s = v, curStart[i-1]
			}
			if v := prev[i] + 1; v < d {
				d, s = v, prevStart[i]
			}
			cur[i], curStart[i] = d, s
		}
		if d := cur[m]; d <= best {
			h := span{base + curStart[m], base + j + 1}
			switch {
			case d < best:
				best, hits = d, []span{h}
			case len(hits) > 0 && hits[len(hits)-1].end > h.start:
				// overlaps the previous hit: keep the first
			default:
				hits = append(hits, h)
			}
		}
		prev, cur = cur, prev
		prevStart, curStart = curStart, prevStart
	}
	return best, hits, len(hits) > 0
}
