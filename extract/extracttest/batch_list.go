package extracttest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
)

// This file serves GET /v1/batches: the batches created so far, newest first, in pages
// of the API's cursor pagination (limit and after).

// batchList is the API's ListBatchesResponse.
type batchList struct {
	Object  string        `json:"object"`
	Data    []batchObject `json:"data"`
	FirstID *string       `json:"first_id"`
	LastID  *string       `json:"last_id"`
	HasMore bool          `json:"has_more"`
}

// listBatches serves GET /v1/batches. Batches are listed newest first, by order of
// creation (created_at has one-second resolution). limit (1 to 100, default 20) caps
// the page; after, the ID of the last batch of the previous page, starts the next one;
// an unknown after is a 404 error. Unlike GET /v1/batches/{id}, listing does not move a
// batch along its timeline. On an empty page first_id and last_id are null.
func (s *Server) listBatches(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil:
			writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid_type", "limit",
				fmt.Sprintf("Invalid type for 'limit': expected an integer, but got '%s' instead.", v))
			return
		case n < 1:
			writeError(w, http.StatusBadRequest, "invalid_request_error", "integer_below_min_value", "limit",
				fmt.Sprintf("Invalid 'limit': integer below minimum value. Expected a value >= 1, but got %d instead.", n))
			return
		case n > 100:
			writeError(w, http.StatusBadRequest, "invalid_request_error", "integer_above_max_value", "limit",
				fmt.Sprintf("Invalid 'limit': integer above maximum value. Expected a value <= 100, but got %d instead.", n))
			return
		}
		limit = n
	}

	s.mu.Lock()
	all := make([]*batch, 0, len(s.batches))
	for _, b := range s.batches {
		all = append(all, b)
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(x, y *batch) int { return y.created - x.created })
	objs := make([]batchObject, len(all))
	for i, b := range all {
		b.mu.Lock()
		objs[i] = b.obj
		b.mu.Unlock()
	}

	start := 0
	if after := q.Get("after"); after != "" {
		i := slices.IndexFunc(objs, func(o batchObject) bool { return o.ID == after })
		if i < 0 {
			writeError(w, http.StatusNotFound, "invalid_request_error", "", "after",
				"No batch found with id '"+after+"'.")
			return
		}
		start = i + 1
	}
	end := min(start+limit, len(objs))
	page := batchList{Object: "list", Data: objs[start:end], HasMore: end < len(objs)}
	if len(page.Data) > 0 {
		page.FirstID, page.LastID = &page.Data[0].ID, &page.Data[len(page.Data)-1].ID
	}
	writeJSON(w, http.StatusOK, page)
}
