package extract_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
)

// billedFor counts the answers the fake made (and would bill).
func billedFor(srv *extracttest.Server) int { return len(srv.Billed()) }

// TestCutBody: a 200 whose body breaks off mid-transfer is retried, or,
// when the response is stored and its id arrived, fetched by id without
// paying for a second answer.
func TestCutBody(t *testing.T) {
	good := extracttest.JSON(goodInvoice())
	tests := []struct {
		name    string
		store   bool
		retries int
		replies []extracttest.Reply
		// want
		err                  bool
		posts, gets, billed  int
		cut, fetched, reqRes int
	}{
		{name: "store off: asked again", replies: []extracttest.Reply{good.CutAfter(80), good},
			posts: 2, billed: 2, cut: 1, reqRes: 2},
		{name: "store on, id received: fetched by id", store: true, replies: []extracttest.Reply{good.CutAfter(80)},
			posts: 1, gets: 1, billed: 1, cut: 1, fetched: 1, reqRes: 1},
		{name: "store on, cut before the id: asked again", store: true, replies: []extracttest.Reply{good.CutAfter(10), good},
			posts: 2, billed: 2, cut: 1, reqRes: 2},
		{name: "cut twice then whole", replies: []extracttest.Reply{good.CutAfter(300), good.CutAfter(1), good},
			posts: 3, billed: 3, cut: 2, reqRes: 3},
		{name: "bounded by the client's retries", retries: 1, replies: []extracttest.Reply{good.CutAfter(300), good.CutAfter(300), good},
			err: true, posts: 2, billed: 2, cut: 2, reqRes: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := extracttest.NewServer(nil)
			t.Cleanup(srv.Close)
			srv.Enqueue(tt.replies...)
			retries := 2
			if tt.retries > 0 {
				retries = tt.retries
			}
			client := openai.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("sk-test"), option.WithMaxRetries(retries))
			ex := &extract.Extractor{Client: &client.Responses, Store: tt.store}
			inv, res, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc"))
			var ce *extract.CutBodyError
			switch {
			case tt.err && !errors.As(err, &ce):
				t.Fatalf("err = %v, want a *CutBodyError", err)
			case !tt.err && err != nil:
				t.Fatal(err)
			case !tt.err && inv.Vendor != "Acme":
				t.Errorf("value %+v", inv)
			}
			posts, gets := 0, 0
			for _, r := range srv.Requests() {
				switch r.Method {
				case http.MethodPost:
					posts++
				case http.MethodGet:
					gets++
					if r.Header.Get("Authorization") != "Bearer sk-test" {
						t.Errorf("GET without the credentials: %v", r.Header)
					}
				}
			}
			if posts != tt.posts || gets != tt.gets || billedFor(srv) != tt.billed {
				t.Errorf("%d POST, %d GET, %d billed; want %d, %d, %d", posts, gets, billedFor(srv), tt.posts, tt.gets, tt.billed)
			}
			if res.CutBodies != tt.cut || res.Fetched != tt.fetched || res.Requests != tt.reqRes {
				t.Errorf("Result: %d cut, %d fetched, %d requests; want %d, %d, %d", res.CutBodies, res.Fetched, res.Requests, tt.cut, tt.fetched, tt.reqRes)
			}
			if !tt.err && len(res.Attempts) != 1 {
				t.Errorf("%d attempts, want 1 (a transport retry is not an attempt)", len(res.Attempts))
			}
		})
	}
}

// TestIncompleteWithoutBudget: an answer cut at the model's own limit (no
// max_output_tokens set) is asked once more, as is; the attempts say so and
// a final error shows the answer's tail.
func TestIncompleteWithoutBudget(t *testing.T) {
	runaway := `{"vendor":"Acme","invoice_number":"INV-1"` + strings.Repeat(" \n", 200)
	t.Run("second answer good", func(t *testing.T) {
		ex, srv := setup(t, extract.Extractor{},
			extracttest.Incomplete("max_output_tokens", runaway), extracttest.JSON(goodInvoice()))
		_, res, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc"))
		if err != nil {
			t.Fatal(err)
		}
		reqs := srv.Requests()
		if len(reqs) != 2 || reqs[0].MaxOutputTokens != 0 || reqs[1].MaxOutputTokens != 0 || billedFor(srv) != 2 {
			t.Fatalf("%d requests (%d billed), want 2 without max_output_tokens", len(reqs), billedFor(srv))
		}
		if len(res.Attempts) != 2 || res.Attempts[0].Status != "incomplete" ||
			!strings.Contains(res.Attempts[0].Err, "retried once as is") {
			t.Errorf("attempts = %+v", res.Attempts)
		}
	})
	t.Run("twice incomplete", func(t *testing.T) {
		ex, srv := setup(t, extract.Extractor{},
			extracttest.Incomplete("max_output_tokens", runaway), extracttest.Incomplete("max_output_tokens", runaway))
		_, res, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc"))
		var ie *extract.IncompleteError
		if !errors.Is(err, extract.ErrIncomplete) || !errors.As(err, &ie) {
			t.Fatalf("err = %v", err)
		}
		if n := len(srv.Requests()); n != 2 || len(res.Attempts) != 2 {
			t.Errorf("%d requests, %d attempts; want 2", n, len(res.Attempts))
		}
		if msg := err.Error(); !strings.Contains(msg, `it ended with "…`) || !strings.Contains(msg, `\n \n`) {
			t.Errorf("the error does not show the answer's tail: %s", msg)
		}
		if ie.Raw != runaway {
			t.Errorf("Raw = %q", ie.Raw)
		}
	})
	t.Run("budget at the cap is final", func(t *testing.T) {
		ex, srv := setup(t, extract.Extractor{MaxOutputTokens: 100, MaxOutputTokensCap: 100},
			extracttest.Incomplete("max_output_tokens", `{"vendor":`))
		_, _, err := extract.One[Invoice](t.Context(), ex, extract.Text("doc"))
		if !errors.Is(err, extract.ErrIncomplete) || len(srv.Requests()) != 1 {
			t.Errorf("err = %v after %d requests", err, len(srv.Requests()))
		}
	})
}
