package auth

import (
	"sync"
	"time"
)

// Limiter is a token bucket per key (an IP address, an account): each key
// may spend Burst attempts at once, and gets one back every Every. Memory is
// bounded: past MaxKeys, buckets that have refilled are dropped first, then
// the ones idle longest.
type Limiter struct {
	burst   float64
	every   time.Duration
	maxKeys int
	now     func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	seen   time.Time
}

// NewLimiter returns a limiter; now is the clock (time.Now outside tests).
func NewLimiter(burst int, every time.Duration, maxKeys int, now func() time.Time) *Limiter {
	return &Limiter{burst: float64(burst), every: every, maxKeys: maxKeys, now: now, buckets: map[string]*bucket{}}
}

// Allow spends one attempt of key and reports whether there was one left.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.maxKeys {
			l.evict(now)
		}
		b = &bucket{tokens: l.burst, seen: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.seen))/float64(l.every))
	b.seen = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Refund gives key back one attempt (up to the burst), for an attempt
// that turned out not to need counting.
func (l *Limiter) Refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[key]; ok {
		b.tokens = min(l.burst, b.tokens+1)
	}
}

// Len returns how many keys the limiter holds.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// evict makes room for one key. A full bucket carries no information, so
// those go first; if none is full, the one idle longest goes.
func (l *Limiter) evict(now time.Time) {
	var oldest string
	var oldestSeen time.Time
	for k, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.seen))/float64(l.every) >= l.burst {
			delete(l.buckets, k)
			continue
		}
		if oldest == "" || b.seen.Before(oldestSeen) {
			oldest, oldestSeen = k, b.seen
		}
	}
	if len(l.buckets) >= l.maxKeys && oldest != "" {
		delete(l.buckets, oldest)
	}
}
