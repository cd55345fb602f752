package web

import "sync"

// versioned keeps what the database said while the content version it
// was read at holds. store.Version moves on every write to published
// content, the settings and the narrations, in this process at once and
// in others within the version watch (as the page cache does), so an
// entry is never older than what the site shows. What depends on the
// reader (the session, the entitlements) is never kept here: the store
// keeps that, and drops it when a subscription changes.
type versioned[K comparable, V any] struct {
	mu      sync.Mutex
	version int64
	m       map[K]V
	limit   int // entries kept at most; 0 for versionedMax
}

// versionedMax bounds each map; past it the map starts again.
const versionedMax = 4096

func (c *versioned[K, V]) get(version int64, k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	if c.version != version {
		var zero V
		return zero, false
	}
	return v, ok
}

// put keeps v, read at version (taken before the read, so that a write
// in between leaves the entry already stale rather than wrongly current).
func (c *versioned[K, V]) put(version int64, k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return
	}
	limit := c.limit
	if limit <= 0 {
		limit = versionedMax
	}
	if version > c.version || c.m == nil || len(c.m) >= limit {
		c.m, c.version = map[K]V{}, version
	}
	c.m[k] = v
}
