package batch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract"
	"github.com/seed0611af48/quarry/pipeline"
)

// Ledger events of background requests.
const (
	EventBackgroundCreated  = "background.created"
	EventBackgroundFinished = "background.finished"
)

type backgroundCreated struct {
	Fingerprint string `json:"fingerprint"`
	ID          string `json:"id"`
	Hash        string `json:"h"`
	Attempt     int    `json:"a"`
	ResponseID  string `json:"response_id"`
}

type backgroundFinished struct {
	Fingerprint string `json:"fingerprint"`
	ResponseID  string `json:"response_id"`
	Status      string `json:"status"`
}

// ResponsesAPI is what [Background] needs of the Responses API:
// &client.Responses satisfies it.
type ResponsesAPI interface {
	New(ctx context.Context, body responses.ResponseNewParams, opts ...option.RequestOption) (*responses.Response, error)
	Get(ctx context.Context, id string, query responses.ResponseGetParams, opts ...option.RequestOption) (*responses.Response, error)
	Cancel(ctx context.Context, id string, opts ...option.RequestOption) (*responses.Response, error)
}

// Background is an extract.Client that sends each request in background
// mode and polls it until it ends: for slow reasoning models, whose
// answers can outlast an HTTP connection.
//
// Background mode requires store=true: New sends "background": true and
// "store": true whatever the Extractor's Store says. The document is
// then kept on the server like any stored response (30 days unless the
// project has zero data retention, which does not allow background mode).
//
// With a Ledger, and a client from [Background.For], each response ID is
// recorded (fsynced) as soon as the create call returns, keyed by job
// fingerprint, document ID, content hash and attempt. A run killed while
// waiting then resumes by polling the recorded response instead of paying
// for it again. Without them it only polls.
type Background struct {
	// Responses is &client.Responses. Required.
	Responses ResponsesAPI
	// Ledger records the response IDs. Optional.
	Ledger *pipeline.Ledger
	// Fingerprint is the job's fingerprint (see pipeline.Options.Fingerprint).
	Fingerprint string
	// PollMin and PollMax bound the wait between polls, doubling from one
	// to the other. If zero, 2s and 30s.
	PollMin, PollMax time.Duration
	// Sleep waits d or until ctx is done. If nil, a timer.
	Sleep func(ctx context.Context, d time.Duration) error

	once     sync.Once
	loadErr  error
	mu       sync.Mutex
	recorded map[string]string // key → response ID
}

// docRef is the document a client of [Background.For] serves, with its
// attempt counter.
type docRef struct {
	id, hash string
	attempts atomic.Int32
}

// For returns a client for the requests of one document (ID and content
// hash): with a Ledger, its response IDs are recorded under that document.
// Use one per extraction: each request made with it counts as the next
// attempt.
func (b *Background) For(id, hash string) extract.Client {
	return &docClient{b: b, d: &docRef{id: id, hash: hash}}
}

// docClient is the client of one document.
type docClient struct {
	b *Background
	d *docRef
}

func (c *docClient) New(ctx context.Context, params responses.ResponseNewParams, opts ...option.RequestOption) (*responses.Response, error) {
	return c.b.create(ctx, c.d, params, opts)
}

func (b *Background) key(d *docRef, attempt int32) string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%d", b.Fingerprint, d.id, d.hash, attempt)
}

// load reads the recorded response IDs once.
func (b *Background) load() error {
	b.once.Do(func() {
		b.recorded = make(map[string]string)
		if b.Ledger == nil {
			return
		}
		rec, err := readRecorded(b.Ledger.Dir())
		if err != nil {
			b.loadErr = err
			return
		}
		// Finished responses are kept too: polling one again is free and
		// gives the answer a killed run did not get to record. Responses an
		// outcome already used are not: --retry-failed must ask again.
		used := map[string]bool{}
		for o, err := range pipeline.ReadLedger(b.Ledger.Dir()) {
			if err == nil {
				for _, id := range o.ResponseIDs {
					used[id] = true
				}
			}
		}
		for _, e := range rec.background {
			if e.Fingerprint != b.Fingerprint || used[e.ResponseID] {
				continue
			}
			d := &docRef{id: e.ID, hash: e.Hash}
			b.recorded[b.key(d, int32(e.Attempt))] = e.ResponseID
		}
	})
	return b.loadErr
}

// New creates the response in background mode (or finds the one a killed
// run recorded for the same document and attempt) and polls it until it is
// completed, incomplete, failed or cancelled.
// Requests sent through New directly belong to no document and are not
// recorded: use [Background.For].
func (b *Background) New(ctx context.Context, params responses.ResponseNewParams, opts ...option.RequestOption) (*responses.Response, error) {
	return b.create(ctx, nil, params, opts)
}

func (b *Background) create(ctx context.Context, d *docRef, params responses.ResponseNewParams, opts []option.RequestOption) (*responses.Response, error) {
	if err := b.load(); err != nil {
		return nil, err
	}
	var key string
	var attempt int32
	if d != nil && b.Ledger != nil {
		attempt = d.attempts.Add(1)
		key = b.key(d, attempt)
		b.mu.Lock()
		id, ok := b.recorded[key]
		b.mu.Unlock()
		if ok {
			resp, err := b.poll(ctx, id, nil, opts)
			if err == nil && resp.Status != responses.ResponseStatusCancelled {
				return resp, nil
			}
			if err != nil && !notFound(err) {
				return nil, err
			}
			// Gone or cancelled: create it again.
		}
	}
	opts = append(append([]option.RequestOption(nil), opts...),
		option.WithJSONSet("background", true), option.WithJSONSet("store", true))
	resp, err := b.Responses.New(ctx, params, opts...)
	if err != nil {
		return nil, err
	}
	if key != "" {
		if err := b.Ledger.AppendEvent(EventBackgroundCreated, backgroundCreated{Fingerprint: b.Fingerprint,
			ID: d.id, Hash: d.hash, Attempt: int(attempt), ResponseID: resp.ID}); err != nil {
			return nil, err
		}
		b.mu.Lock()
		b.recorded[key] = resp.ID
		b.mu.Unlock()
	}
	return b.poll(ctx, resp.ID, resp, opts[:len(opts)-2])
}

// poll waits for response id to end; resp is its last known state, if any.
func (b *Background) poll(ctx context.Context, id string, resp *responses.Response, opts []option.RequestOption) (*responses.Response, error) {
	sleep := b.Sleep
	if sleep == nil {
		sleep = defaultSleep
	}
	interval, limit := b.PollMin, b.PollMax
	if interval <= 0 {
		interval = 2 * time.Second
	}
	if limit <= 0 {
		limit = 30 * time.Second
	}
	for resp == nil || !finished(resp.Status) {
		if resp != nil {
			if err := sleep(ctx, interval); err != nil {
				return nil, err
			}
			interval = min(interval*2, max(limit, interval))
		}
		var err error
		if resp, err = b.Responses.Get(ctx, id, responses.ResponseGetParams{}, opts...); err != nil {
			return nil, err
		}
	}
	if b.Ledger != nil {
		if err := b.Ledger.AppendEvent(EventBackgroundFinished, backgroundFinished{Fingerprint: b.Fingerprint,
			ResponseID: id, Status: string(resp.Status)}); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

var defaultSleep = sleep

func finished(s responses.ResponseStatus) bool {
	switch s {
	case responses.ResponseStatusQueued, responses.ResponseStatusInProgress:
		return false
	}
	return true
}

func notFound(err error) bool {
	var oe *openai.Error
	return errors.As(err, &oe) && oe.StatusCode == http.StatusNotFound
}
