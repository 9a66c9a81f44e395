package pipeline

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func rateHeaders(limReq, remReq, limTok, remTok int) http.Header {
	h := http.Header{}
	h.Set("x-ratelimit-limit-requests", itoa(limReq))
	h.Set("x-ratelimit-remaining-requests", itoa(remReq))
	h.Set("x-ratelimit-limit-tokens", itoa(limTok))
	h.Set("x-ratelimit-remaining-tokens", itoa(remTok))
	return h
}

// TestLimiterTransient429: a 429 while the headers show plenty remaining
// pauses nobody and keeps the pace; one at zero remaining, or 429s that keep
// coming (half of the last sixteen answers), pause all and lower it.
func TestLimiterTransient429(t *testing.T) {
	tooMany := func(h http.Header) *http.Response {
		if h == nil {
			h = http.Header{}
		}
		h.Set("retry-after-ms", "5000")
		return &http.Response{StatusCode: 429, Header: h}
	}
	tests := []struct {
		name      string
		before    http.Header   // headers of a 200 seen first (nil: none)
		answers   []http.Header // headers of the 429s, in a row
		paused    bool
		transient int64
	}{
		{name: "plenty in the last success", before: rateHeaders(10000, 9000, 2000000, 1900000),
			answers: []http.Header{nil}, transient: 1},
		{name: "plenty in its own headers", answers: []http.Header{rateHeaders(10000, 9000, 2000000, 1900000)}, transient: 1},
		{name: "two in a row", before: rateHeaders(10000, 9000, 2000000, 1900000),
			answers: []http.Header{nil, nil}, transient: 2},
		{name: "three together pause nobody", before: rateHeaders(10000, 9000, 2000000, 1900000),
			answers: []http.Header{nil, nil, nil}, transient: 3},
		{name: "eight of the last sixteen are a limit", before: rateHeaders(10000, 9000, 2000000, 1900000),
			answers: []http.Header{nil, nil, nil, nil, nil, nil, nil, nil}, paused: true, transient: 7},
		{name: "requests at zero", before: rateHeaders(10000, 9000, 2000000, 1900000),
			answers: []http.Header{rateHeaders(10000, 0, 2000000, 1900000)}, paused: true},
		{name: "tokens nearly out", answers: []http.Header{rateHeaders(10000, 9000, 2000000, 150000)}, paused: true},
		{name: "no headers at all", answers: []http.Header{nil}, paused: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := NewLimiter(LimiterOptions{RequestsPerMinute: 6000})
				if tt.before != nil {
					l.observeResponse(&http.Response{StatusCode: 200, Header: tt.before})
				}
				pace := l.stats().RequestsPerMinute
				for _, h := range tt.answers {
					l.observeResponse(tooMany(h))
				}
				start := time.Now()
				l.wait(t.Context(), 0)
				waited := time.Since(start)
				st := l.stats()
				if paused := waited >= 5*time.Second; paused != tt.paused {
					t.Errorf("the next request waited %v; want a shared pause: %v", waited, tt.paused)
				}
				if st.Transient != tt.transient || st.RateLimited != int64(len(tt.answers)) {
					t.Errorf("stats %+v, want %d transient of %d", st, tt.transient, len(tt.answers))
				}
				if !tt.paused && st.RequestsPerMinute != pace {
					t.Errorf("pace %v, want %v unchanged", st.RequestsPerMinute, pace)
				}
			})
		})
	}
}

// TestLimiterAdaptiveTransient429s: 16 workers, a server with no real limit
// in reach (10,000 a minute, plenty remaining in every answer) and 400 ms
// latency that answers 5% of requests 429 anyway: the adaptive pace must not
// collapse. The workers alone could do 40/s.
func TestLimiterAdaptiveTransient429s(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		var mu sync.Mutex
		var ok, tooMany atomic.Int64
		answer := func(*http.Request) (*http.Response, error) {
			mu.Lock()
			spurious := rng.Float64() < 0.05
			mu.Unlock()
			h := rateHeaders(10000, 9990, 2000000, 1990000)
			if spurious {
				tooMany.Add(1)
				h.Set("retry-after-ms", "200")
				return &http.Response{StatusCode: 429, Header: h}, nil
			}
			time.Sleep(400 * time.Millisecond)
			ok.Add(1)
			return &http.Response{StatusCode: 200, Header: h}, nil
		}
		l := NewLimiter(LimiterOptions{})
		d := 2 * time.Minute
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
					for range 5 {
						resp, err := l.Middleware(req, answer)
						if err != nil || resp.StatusCode == 200 {
							break
						}
						time.Sleep(200 * time.Millisecond) // the client's Retry-After
					}
				}
			})
		}
		wg.Wait()
		perSec := float64(ok.Load()) / d.Seconds()
		st := l.stats()
		t.Logf("%.1f/s of 40/s, %d 429s (%d transient), %d pauses", perSec, tooMany.Load(), st.Transient, st.Pauses)
		if perSec < 37 || st.Pauses > 0 {
			t.Errorf("%.1f/s (want ≥ 37 of 40), %d shared pauses (want 0)", perSec, st.Pauses)
		}
	})
}
