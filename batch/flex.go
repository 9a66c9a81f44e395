package batch

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	"github.com/seed0611af48/quarry/extract"
)

// Flex is an extract.Client for the flex service tier (service_tier
// "flex": batch prices, synchronous calls, slower). When flex is out of
// capacity the API answers 429 "resource unavailable" (not billed).
// openai-go already retries a 429 itself — twice by default, after at most
// a few seconds — which is too short for capacity to come back. Flex adds
// what the client does not: patient retries, minutes apart, and then,
// optionally, one request at the "auto" tier (standard price).
//
// Set up a flex run like this:
//
//	ex.ServiceTier = "flex"
//	ex.RequestOptions = append(ex.RequestOptions, option.WithRequestTimeout(15*time.Minute))
//	ex.Client = &batch.Flex{Client: &client.Responses, Fallback: true}
//
// A 429 for rate limits (code "rate_limit_exceeded") or quota
// ("insufficient_quota") is returned at once: the pipeline's Limiter deals
// with the first, and retrying cannot fix the second.
type Flex struct {
	// Client sends the requests. Required.
	Client extract.Client
	// Retries is how many times a capacity 429 is retried. If zero, 4.
	Retries int
	// Backoff is the first wait; it doubles each time. If zero, 30s.
	Backoff time.Duration
	// Fallback sends the request once more with service_tier "auto" when
	// the retries are spent.
	Fallback bool
	// Sleep waits d or until ctx is done. If nil, a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// New sends the request, retrying capacity 429s as configured.
func (f *Flex) New(ctx context.Context, params responses.ResponseNewParams, opts ...option.RequestOption) (*responses.Response, error) {
	retries, wait := f.Retries, f.Backoff
	if retries <= 0 {
		retries = 4
	}
	if wait <= 0 {
		wait = 30 * time.Second
	}
	sleep := f.Sleep
	if sleep == nil {
		sleep = defaultSleep
	}
	for try := 0; ; try++ {
		resp, err := f.Client.New(ctx, params, opts...)
		if err == nil || !flexUnavailable(err) {
			return resp, err
		}
		if try == retries {
			if !f.Fallback {
				return nil, err
			}
			auto := append(append([]option.RequestOption(nil), opts...), option.WithJSONSet("service_tier", "auto"))
			return f.Client.New(ctx, params, auto...)
		}
		if serr := sleep(ctx, wait); serr != nil {
			return nil, serr
		}
		wait *= 2
	}
}

// flexUnavailable reports whether err is a 429 that is not about rate
// limits or quota: flex capacity being unavailable.
func flexUnavailable(err error) bool {
	var oe *openai.Error
	if !errors.As(err, &oe) || oe.StatusCode != http.StatusTooManyRequests {
		return false
	}
	switch oe.Code {
	case "rate_limit_exceeded", "insufficient_quota":
		return false
	}
	return true
}
