package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestExpiredSessionsAreDeleted: the periodic job deletes the sessions
// past their expiry and keeps the live ones, on both databases.
func TestExpiredSessionsAreDeleted(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clk := newClock(t0)
		s.Now = clk.now
		ed, err := s.CreateStaff(ctx, store.CommandLine(), magazine.StaffInput{Email: "ed@example.com", Role: magazine.RoleEditor}, "h")
		if err != nil {
			t.Fatal(err)
		}
		for hash, ttl := range map[string]time.Duration{"short": time.Minute, "long": 7 * 24 * time.Hour} {
			if err := s.CreateSession(ctx, store.NewSession{IDHash: hash, StaffID: ed.ID, Stage: store.StageFull, ExpiresAt: t0.Add(ttl)}); err != nil {
				t.Fatal(err)
			}
		}
		clk.add(time.Hour) // the short session has expired

		deleted := make(chan int, 100)
		start(t, jobs.Config{Store: s, Period: time.Hour, SessionCleanupPeriod: 50 * time.Millisecond,
			AfterSessionCleanup: func(n int, err error) {
				if err != nil {
					t.Errorf("cleanup run failed: %v", err)
				}
				deleted <- n
			}})
		timeout := time.After(30 * time.Second)
		for total := 0; total < 1; {
			select {
			case n := <-deleted:
				total += n
			case <-timeout:
				t.Fatal("no cleanup run deleted the expired session within 30 s")
			}
		}
		var rows int
		if err := s.DB().QueryRowContext(ctx, "SELECT count(*) FROM staff_sessions").Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != 1 {
			t.Errorf("%d sessions left, want only the live one", rows)
		}
		if _, err := s.SessionByHash(ctx, "long"); err != nil {
			t.Errorf("the live session was deleted: %v", err)
		}
	})
}
