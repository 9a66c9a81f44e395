package simulated

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/ssestream"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/extract/extracttest"
	"github.com/seed0611af48/quarry/internal/ojson"
	"github.com/seed0611af48/quarry/schema"
)

// Doc identifies a document to the simulated model: where it came from, and
// its row or page within that file (0 when it is the whole file).
type Doc struct {
	Source    string
	Row, Page int
}

// Options configures a [Model]. The zero value works: every answer is made up.
type Options struct {
	// Expected returns the expected answer (JSON) of a document, if it has
	// one; the Model projects it onto the request's schema. If nil, or
	// when it returns false, every value is made up.
	Expected func(d Doc) (json.RawMessage, bool)
}

// The request headers that carry a document's identity from [Model.For]'s
// client to the Model.
const (
	headerSource = "X-Quarry-Source"
	headerRow    = "X-Quarry-Row"
	headerPage   = "X-Quarry-Page"
)

// A Model is a simulated model: an [extracttest.Server] answering every
// request with a value valid under the request's strict schema, taken from
// the document's expected answer where it has one. Requests go through the
// real openai-go client and wire format. The Server keeps no requests, so
// memory stays flat over long runs. Close it when done.
type Model struct {
	*extracttest.Server
	opts Options

	docs sync.Map // document ID → Doc, for batch lines (which carry no headers)

	mu      sync.Mutex
	schemas map[string]*parsedSchema // request schema → parsed once
}

// parsedSchema is a request schema, parsed once for all its requests.
type parsedSchema struct {
	sim  *simulator
	root *schema.Model
}

// maxSchemas bounds the parsed schemas a Model keeps.
const maxSchemas = 16

// New starts a simulated model.
func New(opts Options) *Model {
	m := &Model{opts: opts, schemas: make(map[string]*parsedSchema)}
	m.Server = extracttest.NewServer(m.answer)
	m.Server.DiscardRequests()
	return m
}

// Learn records the identity of a document that a batch run will send with
// id as its custom_id (before the "#a<attempt>" suffix).
func (m *Model) Learn(id string, d Doc) { m.docs.Store(id, d) }

// For returns a client that sends a document's requests through c with its
// identity, so the Model answers for that document. c must stream
// ([extract.StreamClient]) if the client is used for streaming.
func (m *Model) For(c extract.Client, d Doc) extract.Client {
	return &routed{Client: c, opts: []option.RequestOption{
		option.WithHeader(headerSource, d.Source),
		option.WithHeader(headerRow, strconv.Itoa(d.Row)),
		option.WithHeader(headerPage, strconv.Itoa(d.Page)),
	}}
}

// routed adds a document's identity to every request.
type routed struct {
	extract.Client
	opts []option.RequestOption
}

func (r *routed) New(ctx context.Context, body responses.ResponseNewParams, opts ...option.RequestOption) (*responses.Response, error) {
	return r.Client.New(ctx, body, append(opts, r.opts...)...)
}

// NewStreaming routes streamed requests the same way.
func (r *routed) NewStreaming(ctx context.Context, body responses.ResponseNewParams, opts ...option.RequestOption) *ssestream.Stream[responses.ResponseStreamEventUnion] {
	return r.Client.(extract.StreamClient).NewStreaming(ctx, body, append(opts, r.opts...)...)
}

// parsed returns the request schema parsed, parsing it on its first use.
func (m *Model) parsed(schemaJSON []byte) *parsedSchema {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p, ok := m.schemas[string(schemaJSON)]; ok {
		return p
	}
	sim, root := newSimulator(schemaJSON)
	p := &parsedSchema{sim, root}
	if len(m.schemas) >= maxSchemas {
		clear(m.schemas)
	}
	m.schemas[string(schemaJSON)] = p
	return p
}

// answer is the Server's Handler.
func (m *Model) answer(r *extracttest.Request) extracttest.Reply {
	p := m.parsed(r.Schema)
	sim := *p.sim // per request: the cited lines (evidence.go) are this document's
	sim.lines = documentLines(documentText(r.Input))
	d := Doc{Source: r.Header.Get(headerSource)}
	d.Row, _ = strconv.Atoi(r.Header.Get(headerRow))
	d.Page, _ = strconv.Atoi(r.Header.Get(headerPage))
	if r.CustomID != "" {
		id := r.CustomID
		if i := strings.LastIndex(id, "#a"); i >= 0 {
			id = id[:i]
		}
		if v, ok := m.docs.Load(id); ok {
			d = v.(Doc)
		}
	}
	var value ojson.Value
	if m.opts.Expected != nil {
		if b, ok := m.opts.Expected(d); ok {
			var expected any
			if err := json.Unmarshal(b, &expected); err == nil {
				value = sim.project(expected, p.root, 0)
			}
		}
	}
	if value.Kind == ojson.Null {
		value = sim.invent(p.root, 0)
	}
	out, _ := json.Marshal(value)
	in := int64((len(r.InputText())+len(r.Instructions)+len(r.Schema))/4 + 1)
	return extracttest.JSON(value).WithUsage(in, 0, int64(len(out)/4+1), 0)
}
