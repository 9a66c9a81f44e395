package pipeline

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// LimiterOptions configures a [Limiter]. The zero value gives an adaptive
// limiter that learns the server's pace.
type LimiterOptions struct {
	// RequestsPerMinute paces requests. If zero, the pace is adaptive: it
	// starts from the server's x-ratelimit-limit-requests header when one is
	// seen (unlimited before); a 429 lowers it by 30% (the first one, while
	// still unlimited, to half the pace measured then), unless the server's
	// x-ratelimit-remaining-* headers showed plenty left (a passing
	// overload, not the limit); each success raises
	// it by a little, about 2% of the lowered pace per second, never above
	// the server's limit.
	RequestsPerMinute int
	// TokensPerMinute paces tokens (estimated before, corrected after). If
	// zero, it is adaptive in the same way, from x-ratelimit-limit-tokens.
	TokensPerMinute int
	// MaxPause caps one shared pause after a 429. If zero, 60 s.
	MaxPause time.Duration
	// Logger receives pace changes and pauses at debug level. If nil, nothing is logged.
	Logger *slog.Logger
}

// Bucket sizes, in seconds of pace: a half second of requests (so that a
// server bucket of one second absorbs scheduling jitter) and ten seconds of
// tokens (so that one large document is not held back for long).
const (
	requestBurstSeconds = 0.5
	tokenBurstSeconds   = 10
	decreaseFactor      = 0.7 // multiplicative decrease on a 429
	firstDecrease       = 0.5 // from unlimited: of the pace measured when the first 429 comes
	calmAfterPause      = 200 * time.Millisecond
	increaseStep        = 0.02 // additive increase: 2% of the pace after the last decrease, per second
	defaultPause        = time.Second
	defaultMaxPause     = time.Minute
)

// A Limiter paces requests and tokens for every worker of a run (and any
// other caller sharing it). It is safe for concurrent use; a nil *Limiter
// never waits.
//
// [Run] waits on it before sending each document, for one request and the
// document's estimated tokens, and corrects the estimate with the tokens
// the document used. Route the client's HTTP attempts through
// [Limiter.Middleware] (or [Limiter.Transport]) so that it sees every
// answer: a 429 pauses every waiter until the server's Retry-After (or
// reset), and in adaptive mode lowers the pace.
type Limiter struct {
	maxPause time.Duration
	log      *slog.Logger

	mu          sync.Mutex
	req, tok    dim
	pausedUntil time.Time
	epoch       int      // counts pauses; a reservation made before a pause is made again after it
	last        rateInfo // the last answer with x-ratelimit-remaining-* headers
	recent      uint16   // the last 16 answers (2xx or 429), newest in bit 0: 1 = a 429

	requests    atomic.Int64
	rateLimited atomic.Int64
	transients  atomic.Int64
	pauses      atomic.Int64
}

// NewLimiter returns a Limiter with the given options.
func NewLimiter(opts LimiterOptions) *Limiter {
	l := &Limiter{maxPause: opts.MaxPause, log: opts.Logger}
	if l.maxPause <= 0 {
		l.maxPause = defaultMaxPause
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	l.req = newDim("requests", float64(opts.RequestsPerMinute)/60, requestBurstSeconds, 1.0/60)
	l.tok = newDim("tokens", float64(opts.TokensPerMinute)/60, tokenBurstSeconds, 100.0/60)
	return l
}

// limiterStats is a snapshot of a [Limiter].
type limiterStats struct {
	// RequestsPerMinute and TokensPerMinute are the current pace; +Inf when unlimited.
	RequestsPerMinute float64
	TokensPerMinute   float64
	// Requests counts requests let through (documents and extra HTTP attempts).
	Requests int64
	// RateLimited counts 429 answers observed.
	RateLimited int64
	// Transient counts the 429s among them that came with plenty remaining:
	// only their own request waited; the pace and the other workers did not.
	Transient int64
	// Pauses counts shared pauses started (a 429 during a pause extends it).
	Pauses int64
	// PausedUntil is the end of the current or last pause.
	PausedUntil time.Time
}

// stats returns a snapshot of l.
func (l *Limiter) stats() limiterStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return limiterStats{
		RequestsPerMinute: l.req.b.rate * 60,
		TokensPerMinute:   l.tok.b.rate * 60,
		Requests:          l.requests.Load(),
		RateLimited:       l.rateLimited.Load(),
		Transient:         l.transients.Load(),
		Pauses:            l.pauses.Load(),
		PausedUntil:       l.pausedUntil,
	}
}

// A reservation is one document's claim on a [Limiter]: one request and its
// estimated tokens. A nil *reservation is valid and does nothing.
type reservation struct {
	l       *Limiter
	est     int64
	first   atomic.Bool  // the pre-paid first HTTP attempt has been used
	charged atomic.Int64 // tokens charged so far (estimate × attempts)
	done    atomic.Bool
}

// wait blocks until one request with estTokens tokens may be sent: after any
// shared pause and within the paces. On cancellation it returns ctx.Err()
// and gives back what it had reserved.
func (l *Limiter) wait(ctx context.Context, estTokens int) (*reservation, error) {
	if l == nil {
		return nil, nil
	}
	est := max(int64(estTokens), 0)
	if err := l.acquire(ctx, est); err != nil {
		return nil, err
	}
	r := &reservation{l: l, est: est}
	r.charged.Store(est)
	return r, nil
}

// settle corrects the token count with what the document actually used
// (input plus output tokens): tokens beyond the estimate are taken from the
// bucket (delaying later callers), tokens below it are given back. Only the
// first call counts.
func (r *reservation) settle(actualTokens int64) {
	if r == nil || r.done.Swap(true) {
		return
	}
	diff := actualTokens - r.charged.Load()
	if diff == 0 {
		return
	}
	l := r.l
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if diff > 0 {
		l.tok.b.take(now, float64(diff))
	} else {
		l.tok.b.give(now, float64(-diff))
	}
}

// acquire reserves one request and tokens, then waits for the reserved time
// and for the end of any pause. A pause voids reservations made before it:
// their holders reserve again after it, which spreads them out.
func (l *Limiter) acquire(ctx context.Context, tokens int64) error {
	var ready time.Time
	reserved, epoch := false, 0
	for {
		l.mu.Lock()
		now := time.Now()
		if now.Before(l.pausedUntil) {
			until := l.pausedUntil
			l.mu.Unlock()
			if err := sleepUntil(ctx, until); err != nil {
				l.unreserve(reserved, epoch, tokens)
				return err
			}
			continue
		}
		if !reserved || epoch != l.epoch {
			ready = l.req.b.take(now, 1)
			if t := l.tok.b.take(now, float64(tokens)); t.After(ready) {
				ready = t
			}
			reserved, epoch = true, l.epoch
		}
		if !now.Before(ready) {
			l.req.count(now, 1)
			l.tok.count(now, float64(tokens))
			l.mu.Unlock()
			l.requests.Add(1)
			return nil
		}
		l.mu.Unlock()
		if err := sleepUntil(ctx, ready); err != nil {
			l.unreserve(reserved, epoch, tokens)
			return err
		}
	}
}

func (l *Limiter) unreserve(reserved bool, epoch int, tokens int64) {
	if !reserved {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if epoch != l.epoch {
		return // the pause already voided it
	}
	now := time.Now()
	l.req.b.give(now, 1)
	l.tok.b.give(now, float64(tokens))
}

// waitPause blocks until no shared pause is in force.
func (l *Limiter) waitPause(ctx context.Context) error {
	for {
		l.mu.Lock()
		until := l.pausedUntil
		l.mu.Unlock()
		if !time.Now().Before(until) {
			return nil
		}
		if err := sleepUntil(ctx, until); err != nil {
			return err
		}
	}
}

func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// pause starts or extends the shared pause. Called with l.mu held.
func (l *Limiter) pause(now time.Time, d time.Duration) time.Time {
	d = min(d, l.maxPause)
	until := now.Add(d)
	if !until.After(l.pausedUntil) {
		return l.pausedUntil
	}
	if !now.Before(l.pausedUntil) {
		l.pauses.Add(1)
	}
	l.pausedUntil = until
	l.epoch++
	l.req.b.restart(until)
	l.tok.b.restart(until)
	return until
}

// dim is one paced dimension (requests or tokens) with its AIMD state.
type dim struct {
	name       string
	b          bucket
	burstSecs  float64
	floor      float64 // lowest adaptive pace, per second
	configured float64 // pace from the options, per second; 0 = adaptive
	ceiling    float64 // the server's limit, per second; 0 = unknown
	base       float64 // pace after the last decrease: scales the additive increase
	calmUntil  time.Time

	// measured pace, for the first decrease from "unlimited"
	winStart        time.Time
	winUnits, prevR float64
}

func newDim(name string, perSec, burstSecs, floor float64) dim {
	d := dim{name: name, burstSecs: burstSecs, floor: floor, configured: perSec}
	d.b.rate = math.Inf(1)
	if perSec > 0 {
		d.setRate(time.Time{}, perSec)
		d.b.avail = d.b.burst
	}
	return d
}

func (d *dim) adaptive() bool { return d.configured <= 0 }

func (d *dim) setRate(now time.Time, perSec float64) {
	if math.IsInf(d.b.rate, 1) {
		// From unlimited: start with an empty bucket.
		d.b.avail, d.b.last = 0, now
	} else {
		d.b.advance(now)
	}
	d.b.rate = perSec
	d.b.burst = max(1, perSec*d.burstSecs)
	d.b.avail = min(d.b.avail, d.b.burst)
}

// learn takes the server's limit (per minute) into account.
func (d *dim) learn(now time.Time, perMinute int64) bool {
	lim := float64(perMinute) / 60
	if lim <= 0 || lim == d.ceiling {
		return false
	}
	d.ceiling = lim
	switch {
	case !d.adaptive():
		if lim < d.b.rate {
			d.setRate(now, lim)
			return true
		}
	case math.IsInf(d.b.rate, 1) || d.b.rate > lim:
		d.setRate(now, lim)
		d.base = lim
		return true
	}
	return false
}

// decrease lowers an adaptive pace after a 429, at most once per calm period.
func (d *dim) decrease(now, calmUntil time.Time) bool {
	if !d.adaptive() || now.Before(d.calmUntil) {
		return false
	}
	to := d.b.rate * decreaseFactor
	if math.IsInf(d.b.rate, 1) {
		if to = d.measured(now) * firstDecrease; to <= 0 {
			return false // nothing measured: the pause alone must do
		}
	}
	d.calmUntil = calmUntil
	d.setRate(now, max(d.floor, to))
	d.base = d.b.rate
	return true
}

// increase raises an adaptive pace after a success, by about increaseStep ×
// base per second at steady state (one call per request).
func (d *dim) increase(now time.Time) {
	if !d.adaptive() || math.IsInf(d.b.rate, 1) || now.Before(d.calmUntil) {
		return
	}
	r := d.b.rate + increaseStep*d.base/d.b.rate
	if d.ceiling > 0 {
		r = min(r, d.ceiling)
	}
	if r != d.b.rate {
		d.setRate(now, r)
	}
}

// count records units let through, to measure the pace while unlimited.
func (d *dim) count(now time.Time, units float64) {
	if el := now.Sub(d.winStart).Seconds(); el >= 2 {
		d.prevR = d.winUnits / el
		d.winStart, d.winUnits = now, 0
	}
	d.winUnits += units
}

func (d *dim) measured(now time.Time) float64 {
	el := max(now.Sub(d.winStart).Seconds(), 0.5)
	return max(d.prevR, d.winUnits/el)
}

// bucket is a token bucket that lends: take always succeeds and returns when
// the taker may go, leaving later takers behind it; give returns units.
// rate is per second; +Inf means unlimited.
type bucket struct {
	rate, burst, avail float64
	last               time.Time // may lie in the future after a pause
}

func (b *bucket) advance(now time.Time) {
	if now.After(b.last) {
		b.avail = min(b.burst, b.avail+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
}

func (b *bucket) take(now time.Time, n float64) time.Time {
	if math.IsInf(b.rate, 1) {
		return now
	}
	b.advance(now)
	b.avail -= n
	at := b.last
	if b.avail < 0 {
		at = at.Add(time.Duration(-b.avail / b.rate * float64(time.Second)))
	}
	return at
}

func (b *bucket) give(now time.Time, n float64) {
	if math.IsInf(b.rate, 1) {
		return
	}
	b.advance(now)
	b.avail = min(b.burst, b.avail+n)
}

// restart empties the bucket and forgets its debts (their holders reserve
// again) so that it fills from the end of a pause.
func (b *bucket) restart(at time.Time) {
	if math.IsInf(b.rate, 1) {
		return
	}
	b.avail, b.last = 0, at
}
