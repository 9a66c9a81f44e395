package pipeline

// What the external tests (package pipeline_test) read of the Limiter.

type LimiterStats = limiterStats

func (l *Limiter) Stats() LimiterStats { return l.stats() }
