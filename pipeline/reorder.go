package pipeline

// reorder delivers finished documents in input order (or at once in
// completion order). Its size is bounded by the caller: Run hands out at
// most Options.Window documents that are not yet delivered.
type reorder struct {
	inOrder bool
	next    int64
	pending map[int64]done
}

func newReorder(inOrder bool) *reorder {
	return &reorder{inOrder: inOrder, pending: make(map[int64]done)}
}

// push takes one finished document and calls deliver for each one that can
// go now.
func (q *reorder) push(d done, deliver func(done)) {
	if !q.inOrder {
		deliver(d)
		return
	}
	if d.o.Seq != q.next {
		q.pending[d.o.Seq] = d
		return
	}
	deliver(d)
	q.next++
	for {
		d, ok := q.pending[q.next]
		if !ok {
			return
		}
		delete(q.pending, q.next)
		deliver(d)
		q.next++
	}
}

// len is the number of documents held back.
func (q *reorder) len() int { return len(q.pending) }
