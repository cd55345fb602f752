package store

import "sync"

// versioned keeps one value read from the database for as long as the
// content version it was read at is current: the settings and the
// sections every page shows, read from the database once per change
// instead of several times per page view. Writes that change them move
// the content version (touch), in this process at once and in others
// within a WatchVersion interval, as the page cache does.
type versioned[T any] struct {
	mu      sync.Mutex
	version int64
	ok      bool
	value   T
}

// get returns the value kept for version, if any.
func (c *versioned[T]) get(version int64) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok || c.version != version {
		var zero T
		return zero, false
	}
	return c.value, true
}

// put keeps value, read when the content version was version, unless a
// later version's value is kept already.
func (c *versioned[T]) put(version int64, value T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && version < c.version {
		return
	}
	c.version, c.ok, c.value = version, true, value
}
