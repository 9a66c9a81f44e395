package extracttest_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract/extracttest"
)

// listRequests counts the GET /v1/batches requests s received.
func listRequests(s *extracttest.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Method == http.MethodGet && r.Path == "/v1/batches" {
			n++
		}
	}
	return n
}

func TestBatchListEmpty(t *testing.T) {
	s := extracttest.NewServer(docHandler())
	defer s.Close()
	page, err := newClient(s).Batches.List(t.Context(), openai.BatchListParams{})
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(page.RawJSON()), &raw); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"object": "list", "data": []any{}, "first_id": nil, "last_id": nil, "has_more": false}
	if diff := cmp.Diff(want, raw); diff != "" {
		t.Errorf("empty list (-want +got):\n%s", diff)
	}
}

func TestBatchList(t *testing.T) {
	s := extracttest.NewServer(docHandler())
	defer s.Close()
	client := newClient(s)
	ctx := t.Context()

	var ids []string // newest first
	for range 5 {
		f := upload(t, client, batchInput(1))
		ids = append([]string{newBatch(t, client, f.ID).ID}, ids...)
	}

	page, err := client.Batches.List(ctx, openai.BatchListParams{Limit: openai.Int(2)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range page.Data {
		got = append(got, b.ID)
		if b.Status != openai.BatchStatusValidating || b.Object != "batch" || b.Metadata["run"] != "r1" {
			t.Errorf("listed batch: %s", b.RawJSON())
		}
	}
	if diff := cmp.Diff(ids[:2], got); diff != "" || !page.HasMore {
		t.Errorf("first page (-want +got):\n%s\nhas_more %v", diff, page.HasMore)
	}
	var ends struct {
		FirstID string `json:"first_id"`
		LastID  string `json:"last_id"`
	}
	if err := json.Unmarshal([]byte(page.RawJSON()), &ends); err != nil || ends.FirstID != ids[0] || ends.LastID != ids[1] {
		t.Errorf("first_id %q, last_id %q, want %q, %q (%v)", ends.FirstID, ends.LastID, ids[0], ids[1], err)
	}

	page, err = client.Batches.List(ctx, openai.BatchListParams{After: openai.String(ids[3])})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 1 || page.Data[0].ID != ids[4] || page.HasMore {
		t.Errorf("page after %s: %s", ids[3], page.RawJSON())
	}

	// Auto-paging follows the cursor: pages of 2, 2 and 1.
	before := listRequests(s)
	pager := client.Batches.ListAutoPaging(ctx, openai.BatchListParams{Limit: openai.Int(2)})
	got = nil
	for pager.Next() {
		got = append(got, pager.Current().ID)
	}
	if err := pager.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids, got); diff != "" {
		t.Errorf("auto-paging (-want +got):\n%s", diff)
	}
	if n := listRequests(s) - before; n != 3 {
		t.Errorf("auto-paging sent %d list requests, want 3", n)
	}

	// Listing does not move a batch; GET does.
	b, err := client.Batches.Get(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if b.Status != openai.BatchStatusInProgress {
		t.Errorf("status after one GET: %s", b.Status)
	}
	page, err = client.Batches.List(ctx, openai.BatchListParams{Limit: openai.Int(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 1 || page.Data[0].Status != openai.BatchStatusInProgress {
		t.Errorf("listed after GET: %s", page.RawJSON())
	}
}

func TestBatchListErrors(t *testing.T) {
	s := extracttest.NewServer(docHandler())
	defer s.Close()
	client := newClient(s)
	tests := []struct {
		name, key, value string
		status           int
		code             string
	}{
		{"limit zero", "limit", "0", 400, "integer_below_min_value"},
		{"limit too big", "limit", "101", 400, "integer_above_max_value"},
		{"limit not a number", "limit", "ten", 400, "invalid_type"},
		{"unknown after", "after", "batch_nope", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.Batches.List(t.Context(), openai.BatchListParams{}, option.WithQuery(tt.key, tt.value))
			var oe *openai.Error
			if !errors.As(err, &oe) {
				t.Fatalf("err = %v, want *openai.Error", err)
			}
			if oe.StatusCode != tt.status || oe.Code != tt.code || oe.Param != tt.key || oe.Type != "invalid_request_error" {
				t.Errorf("error %d %s: %s", oe.StatusCode, oe.RawJSON(), oe.Error())
			}
		})
	}
}
