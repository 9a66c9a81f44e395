package pipeline

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"
)

// grants runs workers that Wait in a loop until the deadline and returns
// the grant times (as offsets from the start) with their tokens.
func grants(t *testing.T, l *Limiter, workers, tokens int, d time.Duration) (at []time.Duration) {
	t.Helper()
	start := time.Now()
	var mu sync.Mutex
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				r, err := l.wait(ctx, tokens)
				if err != nil {
					return
				}
				mu.Lock()
				at = append(at, time.Since(start))
				mu.Unlock()
				r.settle(int64(tokens))
			}
		})
	}
	wg.Wait()
	return at
}

// maxInWindow is the largest number of grants within any span of length w.
func maxInWindow(at []time.Duration, w time.Duration) int {
	best, j := 0, 0
	for i := range at {
		for at[i]-at[j] >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

func TestLimiterRequestPace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLimiter(LimiterOptions{RequestsPerMinute: 600}) // 10/s, bucket 5
		at := grants(t, l, 20, 0, 2*time.Minute)
		if n := len(at); n < 1195 || n > 1206 {
			t.Errorf("%d requests in 2 minutes at 600/min", n)
		}
		if m := maxInWindow(at, time.Minute); m > 600+5 {
			t.Errorf("%d requests within one minute at 600/min", m)
		}
		if m := maxInWindow(at, time.Second); m > 10+5 {
			t.Errorf("%d requests within one second at 10/s", m)
		}
	})
}

func TestLimiterTokenPace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLimiter(LimiterOptions{TokensPerMinute: 6000}) // 100/s, bucket 1000
		at := grants(t, l, 8, 250, 2*time.Minute)
		// 12,000 tokens in 2 minutes plus the initial bucket: 52 grants of 250.
		if n := len(at); n < 50 || n > 53 {
			t.Errorf("%d grants of 250 tokens in 2 minutes at 6000/min", n)
		}
		if m := maxInWindow(at, time.Minute); m*250 > 6000+1000 {
			t.Errorf("%d tokens within one minute at 6000/min", m*250)
		}
	})
}

func TestLimiterTokenCorrection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLimiter(LimiterOptions{TokensPerMinute: 6000}) // 100/s, bucket 1000
		start := time.Now()
		r, _ := l.wait(t.Context(), 1000)
		r.settle(100)  // 900 given back
		r.settle(5000) // only the first settle counts
		if _, err := l.wait(t.Context(), 900); err != nil || time.Since(start) != 0 {
			t.Fatalf("Wait after a refund: %v after %v", err, time.Since(start))
		}
		r, _ = l.wait(t.Context(), 100) // bucket now -100: waits 1 s
		if got := time.Since(start); got != time.Second {
			t.Errorf("waited %v, want 1s", got)
		}
		r.settle(2100) // 2000 more than estimated: 20 s of debt
		l.wait(t.Context(), 100)
		if got := time.Since(start); got != 22*time.Second {
			t.Errorf("after debt, granted at %v, want 22s", got)
		}
	})
}

// TestLimiterPauseAll: one 429 stops every worker until Retry-After.
func TestLimiterPauseAll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLimiter(LimiterOptions{RequestsPerMinute: 6000}) // 100/s
		start := time.Now()
		go func() {
			time.Sleep(time.Second)
			l.observe(rateInfo{Status: http.StatusTooManyRequests, RetryAfter: 5 * time.Second, RemainingRequests: -1, RemainingTokens: -1})
		}()
		at := grants(t, l, 8, 0, 10*time.Second)
		var during, after int
		for _, a := range at {
			switch {
			case a > time.Second && a < 6*time.Second:
				during++
			case a >= 6*time.Second:
				after++
			}
		}
		if during != 0 {
			t.Errorf("%d requests let through during the pause", during)
		}
		// After the pause the bucket starts empty: 4 s at 100/s.
		if after < 395 || after > 401 {
			t.Errorf("%d requests in the 4 s after the pause", after)
		}
		st := l.stats()
		if st.Pauses != 1 || st.RateLimited != 1 || !st.PausedUntil.Equal(start.Add(6*time.Second)) {
			t.Errorf("stats %+v", st)
		}
	})
}

// TestLimiterPauseWithoutRetryAfter falls back on the reset header of the
// exhausted limit.
func TestLimiterPauseWithoutRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLimiter(LimiterOptions{})
		start := time.Now()
		h := http.Header{}
		h.Set("x-ratelimit-remaining-requests", "5")
		h.Set("x-ratelimit-remaining-tokens", "0")
		h.Set("x-ratelimit-reset-tokens", "3s")
		h.Set("x-ratelimit-reset-requests", "100ms")
		l.observeResponse(&http.Response{StatusCode: 429, Header: h})
		l.wait(t.Context(), 10)
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("paused %v, want the tokens reset 3s", got)
		}
	})
}

func TestLimiterMiddleware(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLimiter(LimiterOptions{RequestsPerMinute: 60, TokensPerMinute: 60000}) // 1 req/s, bucket 1
		sent := 0
		next := func(req *http.Request) (*http.Response, error) {
			sent++
			status := http.StatusOK
			if sent == 1 {
				status = http.StatusTooManyRequests
			}
			h := http.Header{}
			h.Set("retry-after-ms", "2500")
			return &http.Response{StatusCode: status, Header: h, Request: req}, nil
		}
		start := time.Now()
		r, _ := l.wait(t.Context(), 400)
		ctx := contextWithReservation(t.Context(), r)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://x/v1/responses", nil)
		l.Middleware(req, next) // pre-paid: immediate; answers 429
		if got := time.Since(start); got != 0 {
			t.Errorf("first attempt waited %v", got)
		}
		l.Middleware(req, next) // the retry waits out the pause and pays a request
		if got := time.Since(start); got != 3500*time.Millisecond {
			t.Errorf("retry sent after %v, want 3.5s (the pause, then 1 s: the bucket restarts empty)", got)
		}
		if got := r.charged.Load(); got != 800 {
			t.Errorf("charged %d tokens for two attempts of 400", got)
		}
		if st := l.stats(); st.Requests != 2 || st.RateLimited != 1 {
			t.Errorf("stats %+v", st)
		}
		// Through a Transport, outside Run.
		rt := l.Transport(roundTripperFunc(next))
		if resp, err := rt.RoundTrip(req.WithContext(t.Context())); err != nil || resp.StatusCode != 200 {
			t.Errorf("Transport: %v %v", resp, err)
		}
	})
}

func TestLimiterCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := NewLimiter(LimiterOptions{RequestsPerMinute: 60})
		l.wait(t.Context(), 0)
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		if _, err := l.wait(ctx, 0); err != context.DeadlineExceeded {
			t.Fatalf("Wait = %v", err)
		}
		// The cancelled reservation was given back: the next one is due at 1 s.
		start := time.Now()
		l.wait(t.Context(), 0)
		if got := time.Since(start); got != 900*time.Millisecond {
			t.Errorf("next grant after %v, want 900ms", got)
		}
		var nl *Limiter
		if r, err := nl.wait(t.Context(), 5); r != nil || err != nil {
			t.Errorf("nil Limiter Wait = %v, %v", r, err)
		}
		r := (*reservation)(nil)
		r.settle(3)
	})
}

func TestParseRateHeaders(t *testing.T) {
	unknown := rateInfo{RemainingRequests: -1, RemainingTokens: -1, LimitRequests: -1, LimitTokens: -1}
	with := func(f func(*rateInfo)) rateInfo { ri := unknown; f(&ri); return ri }
	tests := []struct {
		name    string
		headers map[string]string
		status  int
		want    rateInfo
	}{
		{"none", nil, 200, with(func(r *rateInfo) { r.Status = 200 })},
		{"openai", map[string]string{
			"x-ratelimit-limit-requests":     "500",
			"x-ratelimit-limit-tokens":       "30000",
			"x-ratelimit-remaining-requests": "499",
			"x-ratelimit-remaining-tokens":   "29000",
			"x-ratelimit-reset-requests":     "120ms",
			"x-ratelimit-reset-tokens":       "6m0s",
		}, 200, rateInfo{Status: 200, LimitRequests: 500, LimitTokens: 30000, RemainingRequests: 499, RemainingTokens: 29000,
			ResetRequests: 120 * time.Millisecond, ResetTokens: 6 * time.Minute}},
		{"fractional reset", map[string]string{"x-ratelimit-reset-requests": "2m59.56s", "x-ratelimit-reset-tokens": "1.5"}, 200,
			with(func(r *rateInfo) {
				r.Status, r.ResetRequests, r.ResetTokens = 200, 2*time.Minute+59560*time.Millisecond, 1500*time.Millisecond
			})},
		{"retry-after seconds", map[string]string{"retry-after": "7"}, 429, with(func(r *rateInfo) { r.Status, r.RetryAfter = 429, 7*time.Second })},
		{"retry-after-ms wins", map[string]string{"retry-after": "7", "retry-after-ms": "20.5"}, 429,
			with(func(r *rateInfo) { r.Status, r.RetryAfter = 429, 20500*time.Microsecond })},
		{"malformed", map[string]string{"retry-after": "soon", "x-ratelimit-remaining-requests": "many", "x-ratelimit-reset-tokens": "later"}, 429,
			with(func(r *rateInfo) { r.Status = 429 })},
		{"remaining zero", map[string]string{"x-ratelimit-remaining-tokens": "0"}, 429, with(func(r *rateInfo) { r.Status, r.RemainingTokens = 429, 0 })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.headers {
				h.Set(k, v)
			}
			if diff := cmp.Diff(tt.want, parseRateHeaders(h, tt.status)); diff != "" {
				t.Errorf("parseRateHeaders (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("retry-after date", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			h := http.Header{}
			h.Set("retry-after", time.Now().Add(30*time.Second).UTC().Format(http.TimeFormat))
			if got := parseRateHeaders(h, 429).RetryAfter; got != 30*time.Second {
				t.Errorf("RetryAfter = %v", got)
			}
		})
	})
}

// simServer is a server that enforces a request limit with a token bucket
// and answers after a latency.
type simServer struct {
	lim         *rate.Limiter
	perMin      int
	headers     bool
	latency     time.Duration
	ok, tooMany atomic.Int64
}

// answer answers one request, 429 at once or 200 after the latency.
func (s *simServer) answer(*http.Request) (*http.Response, error) {
	h := http.Header{}
	if s.headers {
		h.Set("x-ratelimit-limit-requests", itoa(s.perMin))
		h.Set("x-ratelimit-remaining-requests", itoa(int(s.lim.Tokens())))
	}
	if !s.lim.Allow() {
		s.tooMany.Add(1)
		h.Set("retry-after-ms", "50")
		return &http.Response{StatusCode: 429, Header: h}, nil
	}
	time.Sleep(s.latency)
	s.ok.Add(1)
	return &http.Response{StatusCode: 200, Header: h}, nil
}

func itoa(n int) string { return string(appendInt(nil, n)) }

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

// TestLimiterAdaptive runs 16 workers against a server allowing 1200
// requests a minute (20/s) with 400 ms latency (the workers alone could do
// 40/s), with no configured limit.
func TestLimiterAdaptive(t *testing.T) {
	for _, tt := range []struct {
		name     string
		headers  bool
		d        time.Duration
		minShare float64 // of the server's limit
		max429   float64
	}{
		{"limit headers", true, 5 * time.Minute, 0.95, 0.01},
		{"no headers", false, 5 * time.Minute, 0.80, 0.02},
		{"no headers, 15 s", false, 15 * time.Second, 0.80, 0.05},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv := &simServer{lim: rate.NewLimiter(20, 20), perMin: 1200, headers: tt.headers, latency: 400 * time.Millisecond}
				l := NewLimiter(LimiterOptions{})
				d := tt.d
				ctx, cancel := context.WithTimeout(t.Context(), d)
				defer cancel()
				var wg sync.WaitGroup
				for range 16 {
					wg.Go(func() {
						for ctx.Err() == nil {
							r, err := l.wait(ctx, 0)
							if err != nil {
								return
							}
							ctx := contextWithReservation(ctx, r)
							req, _ := http.NewRequestWithContext(ctx, "POST", "http://sim/", nil)
							for range 5 { // the first attempt is pre-paid, retries pay
								resp, err := l.Middleware(req, srv.answer)
								if err != nil || resp.StatusCode == 200 {
									break
								}
							}
						}
					})
				}
				wg.Wait()
				ok, tooMany := float64(srv.ok.Load()), float64(srv.tooMany.Load())
				perSec := ok / d.Seconds()
				share := tooMany / (ok + tooMany)
				t.Logf("%.1f/s of 20/s, %.2f%% 429s, pace now %.0f/min", perSec, 100*share, l.stats().RequestsPerMinute)
				if perSec < 20*tt.minShare || share > tt.max429 {
					t.Errorf("%.1f/s (want ≥ %.1f), %.2f%% 429s (want ≤ %.0f%%)", perSec, 20*tt.minShare, 100*share, 100*tt.max429)
				}
			})
		})
	}
}

// TestParseRateHeadersAll reads every header of one 429 at once.
func TestParseRateHeadersAll(t *testing.T) {
	h := map[string][]string{
		"X-Ratelimit-Limit-Requests":     {"500"},
		"X-Ratelimit-Remaining-Requests": {"0"},
		"X-Ratelimit-Reset-Requests":     {"6m0s"},
		"Retry-After-Ms":                 {"1500"},
	}
	ri := parseRateHeaders(h, 429)
	got := fmt.Sprintln(ri.Status, ri.LimitRequests, ri.RemainingRequests, ri.ResetRequests, ri.RetryAfter, ri.RemainingTokens)
	if want := "429 500 0 6m0s 1.5s -1\n"; got != want {
		t.Errorf("parseRateHeaders = %q, want %q", got, want)
	}
}
