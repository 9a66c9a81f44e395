package main

import (
	"context"
	"encoding/json"
	"iter"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/ssestream"
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
	return s.Client.New(ctx, body, routed(ctx, opts)...)
}

// NewStreaming routes streamed requests the same way; the inner client
// must stream (extract.StreamClient).
func (s simulatedRouting) NewStreaming(ctx context.Context, body responses.ResponseNewParams, opts ...option.RequestOption) *ssestream.Stream[responses.ResponseStreamEventUnion] {
	return s.Client.(extract.StreamClient).NewStreaming(ctx, body, routed(ctx, opts)...)
}

func routed(ctx context.Context, opts []option.RequestOption) []option.RequestOption {
	if d, ok := ctx.Value(docKey{}).(*pipeline.Document); ok {
		opts = append(opts,
			option.WithHeader(headerSource, d.Source),
			option.WithHeader(headerRow, strconv.Itoa(d.Row)),
			option.WithHeader(headerPage, strconv.Itoa(d.Page)))
	}
	return opts
}

// simulatedModel is the fake server plus what it knows of the documents of
// a batch run, whose requests carry no headers: custom_id → document.
type simulatedModel struct {
	*extracttest.Server
	docs sync.Map // document ID → docRef
}

type docRef struct {
	source    string
	row, page int
}

// learn records the documents a batch run will send.
func (m *simulatedModel) learn(docs iter.Seq[pipeline.Document]) {
	for d := range docs {
		m.docs.Store(d.ID, docRef{d.Source, d.Row, d.Page})
	}
}

func newSimulatedModel(log *slog.Logger) *simulatedModel {
	m := &simulatedModel{}
	m.Server = extracttest.NewServer(func(r *extracttest.Request) extracttest.Reply {
		sim, root := newSimulator(r.Schema)
		ref := docRef{source: r.Header.Get(headerSource)}
		ref.row, _ = strconv.Atoi(r.Header.Get(headerRow))
		ref.page, _ = strconv.Atoi(r.Header.Get(headerPage))
		if r.CustomID != "" {
			id := r.CustomID
			if i := strings.LastIndex(id, "#a"); i >= 0 {
				id = id[:i]
			}
			if v, ok := m.docs.Load(id); ok {
				ref = v.(docRef)
			}
		}
		var value any
		if p := expectedPath(ref.source, ref.row, ref.page); p != "" {
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
	return m
}
