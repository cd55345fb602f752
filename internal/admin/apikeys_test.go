package admin

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/magazine"
)

// TestAPIKeyAdmin makes a key as an admin: the secret is shown once and
// works, the store keeps only its hash, and revoking it stops it.
func TestAPIKeyAdmin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	admin := e.session(e.staff[magazine.RoleAdmin])
	ctx := context.Background()

	if w := e.do(http.MethodPost, "/admin/api-keys", url.Values{"name": {"CMS"}}, admin); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "Choose what the key may do") {
		t.Fatalf("a key without scopes: %d\n%s", w.Code, w.Body)
	}
	w := e.do(http.MethodPost, "/admin/api-keys", url.Values{"name": {"CMS import"}, "scopes": {"content:write", "read"}}, admin)
	if w.Code != http.StatusCreated {
		t.Fatalf("make a key: %d\n%s", w.Code, w.Body)
	}
	secret := regexp.MustCompile(`id="api-key-secret" class="secret">(mh_[A-Za-z0-9_-]{43})<`).FindStringSubmatch(w.Body.String())
	if secret == nil {
		t.Fatalf("the new key is not shown:\n%s", w.Body)
	}
	prefix, hash, _ := auth.ParseAPIKey(secret[1])
	k, err := e.store.APIKeyBySecret(ctx, prefix, hash)
	if err != nil || k.Name != "CMS import" {
		t.Fatalf("the key shown does not open the store: %+v, %v", k, err)
	}
	w = e.do(http.MethodGet, "/admin/api-keys", nil, admin)
	if body := w.Body.String(); strings.Contains(body, secret[1]) || !strings.Contains(body, "mh_"+prefix+"…") || !strings.Contains(body, "never") {
		t.Fatalf("the list shows the secret again, or not the key's start and last use:\n%s", body)
	}
	if w := e.do(http.MethodPost, "/admin/api-keys/"+itoa64(k.ID)+"/revoke", url.Values{}, admin); w.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", w.Code, w.Body)
	}
	if _, err := e.store.APIKeyBySecret(ctx, prefix, hash); !magazine.IsNotFound(err) {
		t.Fatalf("a revoked key still opens the store: %v", err)
	}
	if w := e.do(http.MethodGet, "/admin/api-keys", nil, admin); !strings.Contains(w.Body.String(), "revoked") {
		t.Errorf("the list does not say the key is revoked:\n%s", w.Body)
	}
}
