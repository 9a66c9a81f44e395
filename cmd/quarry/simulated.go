package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strconv"

	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/pipeline"
)

// The built-in simulated model is extracttest, the in-process fake of the
// Responses API, answering each document with its expected answer (sample
// documents under testdata/samples have one under testdata/expected),
// projected onto the run's schema, and made-up values where it has none.
// Requests go through the real openai-go client and wire format; the
// document's identity travels in request headers the fake reads.

const (
	headerSource = "X-Quarry-Source"
	headerRow    = "X-Quarry-Row"
	headerPage   = "X-Quarry-Page"
)

type docKey struct{}

func withDocument(ctx context.Context, d *pipeline.Document) context.Context {
	return context.WithValue(ctx, docKey{}, d)
}

// simulatedRouting adds the document's identity to requests of simulated runs.
type simulatedRouting struct{ extract.Client }

func (s simulatedRouting) New(ctx context.Context, body responses.ResponseNewParams, opts ...option.RequestOption) (*responses.Response, error) {
	if d, ok := ctx.Value(docKey{}).(*pipeline.Document); ok {
		opts = append(opts,
			option.WithHeader(headerSource, d.Source),
			option.WithHeader(headerRow, strconv.Itoa(d.Row)),
			option.WithHeader(headerPage, strconv.Itoa(d.Page)))
	}
	return s.Client.New(ctx, body, opts...)
}

func newSimulatedModel(log *slog.Logger) *extracttest.Server {
	return extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		sim, root := newSimulator(r.Schema)
		row, _ := strconv.Atoi(r.Header.Get(headerRow))
		page, _ := strconv.Atoi(r.Header.Get(headerPage))
		var value any
		if p := expectedPath(r.Header.Get(headerSource), row, page); p != "" {
			if b, err := os.ReadFile(p); err == nil {
				var expected any
				if err := json.Unmarshal(b, &expected); err == nil {
					value = sim.project(expected, root, 0)
				}
			} else {
				log.Debug("simulated model: no expected answer", "path", p)
			}
		}
		if value == nil {
			value = sim.invent(root, 0)
		}
		out, _ := json.Marshal(value)
		in := int64((len(r.InputText())+len(r.Instructions)+len(r.Schema))/4 + 1)
		return extracttest.JSON(value).WithUsage(in, 0, int64(len(out)/4+1), 0)
	})
}
