package pipeline

import (
	"context"
	"math/bits"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// rateInfo is what one HTTP answer says about rate limits. Counts are -1
// when the answer does not say; durations are 0.
type rateInfo struct {
	Status     int
	RetryAfter time.Duration
	// RemainingRequests and RemainingTokens are left in the current window (-1 unknown).
	RemainingRequests, RemainingTokens int64
	// ResetRequests and ResetTokens are the times until the limits reset.
	ResetRequests, ResetTokens time.Duration
	// LimitRequests and LimitTokens are the limits per minute (-1 unknown).
	LimitRequests, LimitTokens int64
}

// parseRateHeaders reads OpenAI-style rate-limit headers:
// x-ratelimit-{limit,remaining,reset}-{requests,tokens}, retry-after-ms and
// retry-after (seconds or an HTTP date). Resets are Go-style durations as
// OpenAI sends them ("1s", "6m0s", "20ms"); a bare number is seconds.
// Missing or malformed headers leave the field unknown.
func parseRateHeaders(h http.Header, status int) rateInfo {
	ri := rateInfo{
		Status:            status,
		RemainingRequests: headerInt(h, "x-ratelimit-remaining-requests"),
		RemainingTokens:   headerInt(h, "x-ratelimit-remaining-tokens"),
		ResetRequests:     headerDuration(h, "x-ratelimit-reset-requests"),
		ResetTokens:       headerDuration(h, "x-ratelimit-reset-tokens"),
		LimitRequests:     headerInt(h, "x-ratelimit-limit-requests"),
		LimitTokens:       headerInt(h, "x-ratelimit-limit-tokens"),
	}
	if v := strings.TrimSpace(h.Get("retry-after-ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			ri.RetryAfter = time.Duration(ms * float64(time.Millisecond))
		}
	}
	if v := strings.TrimSpace(h.Get("retry-after")); v != "" && ri.RetryAfter == 0 {
		if s, err := strconv.ParseFloat(v, 64); err == nil {
			if s > 0 {
				ri.RetryAfter = time.Duration(s * float64(time.Second))
			}
		} else if t, err := http.ParseTime(v); err == nil {
			ri.RetryAfter = max(time.Until(t), 0)
		}
	}
	return ri
}

func headerInt(h http.Header, key string) int64 {
	v := strings.TrimSpace(h.Get(key))
	if v == "" {
		return -1
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

func headerDuration(h http.Header, key string) time.Duration {
	v := strings.TrimSpace(h.Get(key))
	if v == "" {
		return 0
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	return 0
}

// observe takes one HTTP answer into account. Limit headers set the pace of
// an adaptive dimension (or lower a configured one). A 429 pauses every
// waiter for RetryAfter — or, without it, until the exhausted limit resets,
// or 1 s — capped by [LimiterOptions.MaxPause], and lowers the adaptive pace
// of the exhausted dimension by 30% (once per pause). A 2xx raises adaptive
// paces a little.
//
// A 429 is not about the pace when the x-ratelimit-remaining-* headers (its
// own, or else those of the last answer that had them) show plenty left: at
// least a tenth of the limit (see [Limiter.transient]). Such a 429 (a
// server's momentary overload, a shared pool) pauses only the request it
// answered, which the client retries after its Retry-After; the run goes on
// at its pace. Only when 429s keep coming — at least [limitShare] of the
// last 16 answers — are they taken as a limit after all.
func (l *Limiter) observe(ri rateInfo) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if ri.LimitRequests > 0 && l.req.learn(now, ri.LimitRequests) {
		l.log.Debug("pipeline: request pace from server", "per_minute", l.req.b.rate*60)
	}
	if ri.LimitTokens > 0 && l.tok.learn(now, ri.LimitTokens) {
		l.log.Debug("pipeline: token pace from server", "per_minute", l.tok.b.rate*60)
	}
	switch {
	case ri.Status == http.StatusTooManyRequests:
		l.recent = l.recent<<1 | 1
	case ri.Status >= 200 && ri.Status < 300:
		l.recent <<= 1
	}
	transient := ri.Status == http.StatusTooManyRequests && l.transient(ri)
	l.remember(ri)
	switch {
	case transient:
		l.rateLimited.Add(1)
		l.transients.Add(1)
		l.log.Debug("pipeline: 429 with plenty remaining: only that request waits", "retry_after", ri.RetryAfter)
	case ri.Status == http.StatusTooManyRequests:
		l.recent = 0 // a pause starts; count afresh after it
		l.rateLimited.Add(1)
		d, reset := ri.RetryAfter, ri.ResetRequests
		tokens := ri.RemainingTokens == 0 && ri.RemainingRequests != 0
		if tokens {
			reset = ri.ResetTokens
		}
		if d <= 0 {
			d = reset
		}
		if d <= 0 {
			d = defaultPause
		}
		until := l.pause(now, d)
		calm := until.Add(calmAfterPause)
		dm := &l.req
		if tokens {
			dm = &l.tok
		}
		if dm.decrease(now, calm) {
			l.log.Debug("pipeline: rate limited, pace lowered", "dimension", dm.name, "per_minute", dm.b.rate*60, "pause", d)
		}
	case ri.Status >= 200 && ri.Status < 300:
		l.req.increase(now)
		l.tok.increase(now)
	}
}

// limitShare is how many of the last 16 answers (2xx and 429s) must be 429s
// for those with plenty remaining to be taken as a limit after all. A share,
// not a run: with many requests in flight, a few spurious 429s can arrive
// together, and that alone must not slow a run down.
const limitShare = 8

// transient reports whether a 429 is not about the pace: the remaining
// counts of its headers, or else the last ones seen, are plenty for every
// dimension they tell of (at least a tenth of the limit), and fewer than
// limitShare of the last 16 answers were 429s. Called with l.mu held.
func (l *Limiter) transient(ri rateInfo) bool {
	rq, tk := ri.RemainingRequests, ri.RemainingTokens
	lrq, ltk := ri.LimitRequests, ri.LimitTokens
	if rq < 0 && tk < 0 {
		rq, tk, lrq, ltk = l.last.RemainingRequests, l.last.RemainingTokens, l.last.LimitRequests, l.last.LimitTokens
	}
	plenty := func(rem, lim int64) bool { return rem < 0 || (lim > 0 && rem*10 >= lim) }
	if (rq < 0 && tk < 0) || !plenty(rq, lrq) || !plenty(tk, ltk) {
		return false
	}
	return bits.OnesCount16(l.recent) < limitShare
}

// remember keeps the rate-limit headers of the last answer that had them.
// Called with l.mu held.
func (l *Limiter) remember(ri rateInfo) {
	if ri.RemainingRequests >= 0 || ri.RemainingTokens >= 0 {
		l.last = ri
	}
}

// observeResponse calls [Limiter.observe] with the answer's status and headers.
func (l *Limiter) observeResponse(resp *http.Response) {
	if l == nil || resp == nil {
		return
	}
	l.observe(parseRateHeaders(resp.Header, resp.StatusCode))
}

// Middleware wraps one HTTP attempt: it waits out any shared pause, charges
// the attempt to the limiter, sends it and observes the answer. Its
// signature matches openai-go's option.Middleware, so a client is wired with
//
//	option.WithMiddleware(limiter.Middleware)
//
// Within [Run], the first attempt of a document was paid for by the
// worker's wait; later attempts (the client's retries, re-asks) each cost
// one more request and the document's estimate again, corrected together
// when the document is done. Outside Run every attempt is charged one
// request and no tokens.
func (l *Limiter) Middleware(req *http.Request, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	if l == nil {
		return next(req)
	}
	ctx := req.Context()
	if req.Method != http.MethodPost {
		// Polls and downloads (GET) cost no model tokens: only watch the headers.
		if err := l.waitPause(ctx); err != nil {
			return nil, err
		}
		resp, err := next(req)
		if err == nil {
			l.observeResponse(resp)
		}
		return resp, err
	}
	r, _ := ctx.Value(reservationKey{}).(*reservation)
	if r != nil && r.l == l && r.first.CompareAndSwap(false, true) {
		if err := l.waitPause(ctx); err != nil {
			return nil, err
		}
	} else {
		var est int64
		if r != nil && r.l == l {
			est = r.est
		}
		if err := l.acquire(ctx, est); err != nil {
			return nil, err
		}
		if est > 0 {
			r.charged.Add(est)
		}
	}
	resp, err := next(req)
	if err == nil {
		l.observeResponse(resp)
	}
	return resp, err
}

// Transport returns an http.RoundTripper that sends through base (nil means
// http.DefaultTransport) by way of [Limiter.Middleware].
func (l *Limiter) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		return l.Middleware(req, base.RoundTrip)
	})
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

type reservationKey struct{}

// contextWithReservation returns a context carrying r, so that
// [Limiter.Middleware] knows the first HTTP attempt made with it is already
// paid for. [Run] does this for the function it calls.
func contextWithReservation(ctx context.Context, r *reservation) context.Context {
	if r == nil {
		return ctx
	}
	return context.WithValue(ctx, reservationKey{}, r)
}
