package extract_test

import (
	"errors"
	"testing"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/schema"
)

// Types whose validate tags are mistakes: each must be refused when its
// schema is built, before any request, and nothing may panic.
type badParam struct {
	N int `json:"n" validate:"gte=abc"`
}

type badRule struct {
	N int `json:"n" validate:"no_such_rule"`
}

type badInner struct {
	Q int `json:"q" validate:"omitempty,lte=x1"`
}

type badDeep struct {
	Lines []badInner `json:"lines"`
}

func TestBadValidateTagsFailBeforeRequest(t *testing.T) {
	reply := extracttest.JSON(map[string]any{"n": 5})
	t.Run("One gte=abc", func(t *testing.T) {
		ex, srv := setup(t, extract.Extractor{}, reply)
		_, _, err := extract.One[badParam](t.Context(), ex, extract.Text("doc"))
		wantTagError(t, err, "badParam.N", "gte=abc")
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})
	t.Run("One nested omitempty,lte=x1", func(t *testing.T) {
		ex, srv := setup(t, extract.Extractor{}, extracttest.JSON(map[string]any{"lines": []any{map[string]any{"q": 3}}}))
		_, _, err := extract.One[badDeep](t.Context(), ex, extract.Text("doc"))
		wantTagError(t, err, "badDeep.Lines[].Q", "lte=x1")
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})
	t.Run("Stream no_such_rule", func(t *testing.T) {
		ex, srv := setup(t, extract.Extractor{}, reply)
		var err error
		for _, e := range extract.Stream[badRule](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
			if e != nil {
				err = e
			}
		}
		wantTagError(t, err, "badRule.N", "no_such_rule")
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})
	t.Run("StreamItems no_such_rule", func(t *testing.T) {
		ex, srv := setup(t, extract.Extractor{}, extracttest.JSON(map[string]any{"items": []any{map[string]any{"n": 5}}}))
		var err error
		for _, e := range extract.StreamItems[badRule](t.Context(), ex, extract.StreamOptions{}, extract.Text("doc")) {
			if e != nil {
				err = e
			}
		}
		wantTagError(t, err, "[]badRule[].N", "no_such_rule")
		if n := len(srv.Requests()); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})
}

func wantTagError(t *testing.T, err error, path, rule string) {
	t.Helper()
	var te *schema.TagError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want a *schema.TagError", err)
	}
	if te.Path != path || te.Rule != rule {
		t.Errorf("TagError{Path: %q, Rule: %q}, want {%q, %q}; %v", te.Path, te.Rule, path, rule, err)
	}
}
