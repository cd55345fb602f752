package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		actor := store.Actor{Email: "admin@example.com"}
		secret, prefix, hash := auth.NewAPIKey()
		k, err := s.CreateAPIKey(ctx, actor, "  CMS   import ", []string{"read", "content:write", "read"}, prefix, hash)
		if err != nil {
			t.Fatal(err)
		}
		if k.Name != "CMS import" || !slices.Equal(k.Scopes, []magazine.APIScope{magazine.ScopeContentWrite, magazine.ScopeRead}) {
			t.Errorf("created %+v, want the name tidied and the scopes in order without repeats", k)
		}
		checkError(t, second(s.CreateAPIKey(ctx, actor, "", []string{"read"}, "p", "h")), magazine.EINVALID, "name")
		checkError(t, second(s.CreateAPIKey(ctx, actor, "x", nil, "p", "h")), magazine.EINVALID, "scopes")
		checkError(t, second(s.CreateAPIKey(ctx, actor, "x", []string{"admin"}, "p", "h")), magazine.EINVALID, "scopes")

		p, h, ok := auth.ParseAPIKey(secret)
		if !ok {
			t.Fatalf("ParseAPIKey(%q) refused its own key", secret)
		}
		got, err := s.APIKeyBySecret(ctx, p, h)
		if err != nil || got.ID != k.ID {
			t.Fatalf("APIKeyBySecret = %+v, %v; want key %d", got, err, k.ID)
		}
		// The same prefix with another secret is not the key.
		if _, err := s.APIKeyBySecret(ctx, p, auth.HashToken(secret+"x")); !magazine.IsNotFound(err) {
			t.Errorf("a wrong secret with the right prefix: %v, want ENOTFOUND", err)
		}
		if err := s.TouchAPIKey(ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		list, err := s.APIKeys(ctx)
		if err != nil || len(list) != 1 || list[0].LastUsedAt.IsZero() {
			t.Fatalf("APIKeys = %+v, %v; want one key with its last use", list, err)
		}
		if err := s.RevokeAPIKey(ctx, actor, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.APIKeyBySecret(ctx, p, h); !magazine.IsNotFound(err) {
			t.Errorf("a revoked key: %v, want ENOTFOUND", err)
		}
		if err := s.RevokeAPIKey(ctx, actor, 999999); !magazine.IsNotFound(err) {
			t.Errorf("revoking an unknown key: %v, want ENOTFOUND", err)
		}
		log, err := s.AuditLog(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action+" "+e.Target)
		}
		if !slices.Equal(actions, []string{"api_key.revoke CMS import", "api_key.create CMS import"}) {
			t.Errorf("audit log %q, want the creation and the revocation", actions)
		}
	})
}

func second[T any](_ T, err error) error { return err }
