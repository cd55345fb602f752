package store

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/masthead-press/masthead/internal/magazine"
)

// ReaderAccess is what a request needs to know about a signed-in reader:
// the session and what their subscriptions give them now.
type ReaderAccess struct {
	Session      ReaderSession
	Entitlements map[magazine.Entitlement]bool
}

// accessTTL bounds how long another process's change (a sign-out, a
// refund) can take to reach this one's cache. Changes made through this
// process reach it at once.
const accessTTL = 2 * time.Second

// accessCacheMax bounds the cache; past it, it starts again empty.
const accessCacheMax = 50_000

type accessEntry struct {
	access  ReaderAccess
	gen     int64
	fetched time.Time
}

// accessCache keeps ReaderAccess by session hash, so that a subscriber's
// page costs no database round trip in the common case.
type accessCache struct {
	mu sync.Mutex
	m  map[string]accessEntry
	// fetch makes the requests that find an entry stale at once wait for
	// one read of the database, not each make their own: a subscriber's
	// page open in many tabs, or a benchmark, would otherwise send a burst
	// of queries every accessTTL.
	fetch singleflight.Group
}

// readersChanged is called after any write that can change a reader's
// session or entitlements: every cached ReaderAccess is then stale.
func (s *Store) readersChanged() { s.readerGen.Add(1) }

// ReaderAccessByHash returns the session with that hash and its reader's
// entitlements at now. Not found: no such live session.
func (s *Store) ReaderAccessByHash(ctx context.Context, hash string, now time.Time) (ReaderAccess, error) {
	gen := s.readerGen.Load()
	s.access.mu.Lock()
	e, ok := s.access.m[hash]
	s.access.mu.Unlock()
	if ok && e.gen == gen && now.Sub(e.fetched) < accessTTL && now.Sub(e.fetched) >= 0 && now.Before(e.access.Session.ExpiresAt) {
		return e.access, nil
	}
	v, err, _ := s.access.fetch.Do(hash, func() (any, error) {
		// Not the first caller's cancellation: the others wait on it too.
		ctx := context.WithoutCancel(ctx)
		rs, err := s.ReaderSessionByHash(ctx, hash)
		if err != nil {
			return ReaderAccess{}, err
		}
		ents, err := s.ReaderEntitlements(ctx, rs.Reader.ID, now)
		if err != nil {
			return ReaderAccess{}, err
		}
		a := ReaderAccess{Session: rs, Entitlements: ents}
		s.access.mu.Lock()
		if s.access.m == nil || len(s.access.m) >= accessCacheMax {
			s.access.m = map[string]accessEntry{}
		}
		s.access.m[hash] = accessEntry{access: a, gen: gen, fetched: now}
		s.access.mu.Unlock()
		return a, nil
	})
	return v.(ReaderAccess), err
}
