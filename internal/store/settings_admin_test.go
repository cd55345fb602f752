package store_test

import (
	"context"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestSavePublicationIsAudited(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p := magazine.DefaultPublication()
		p.Tagline, p.MeterArticles = "Slow news", 3
		actor := store.Actor{ID: 0, Email: "admin@example.com", IP: "192.0.2.1"}
		if err := s.SavePublication(ctx, actor, p); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Publication(ctx); diff(p, got) != "" {
			t.Errorf("saved settings:%s", diff(p, got))
		}
		e, _ := s.AuditLog(ctx, 0, 1)
		if len(e) != 1 || e[0].Action != "settings.publication" || e[0].Detail != "changed Tagline, MeterArticles" || e[0].ActorEmail != "admin@example.com" {
			t.Errorf("audit entry: %+v", e)
		}
		p.MeterArticles = -1
		checkError(t, s.SavePublication(ctx, actor, p), magazine.EINVALID, "meter_articles")
		if e, _ := s.AuditLog(ctx, 0, 10); len(e) != 1 {
			t.Errorf("a refused change was audited: %+v", e)
		}
	})
}
