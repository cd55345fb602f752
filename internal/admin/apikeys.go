package admin

import (
	"net/http"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Admin API keys (issue 15, docs/API.md): made by those who manage
// settings (owner and admins), since a key with readers write can give
// subscriptions away. The secret is shown once; the store keeps its hash.

type apiKeysData struct {
	List   []magazine.APIKey
	Scopes []magazine.APIScope
	// Secret and Name are shown once, on the page that answers the
	// creation.
	Secret, Name string
}

var apiKeyNotices = map[string]string{
	"revoked": "The key was revoked: requests with it are refused from now on.",
}

func (a *Admin) apiKeysPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "API keys")
	p.Notice = apiKeyNotices[r.URL.Query().Get("done")]
	return a.renderAPIKeys(w, r, http.StatusOK, p, apiKeysData{})
}

func (a *Admin) renderAPIKeys(w http.ResponseWriter, r *http.Request, status int, p page, d apiKeysData) error {
	var err error
	if d.List, err = a.store.APIKeys(r.Context()); err != nil {
		return err
	}
	d.Scopes = magazine.APIScopes
	return a.render(w, status, "api_keys", p, d)
}

// createAPIKey makes a key and shows its secret, this once.
func (a *Admin) createAPIKey(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "API keys")
	p.Form["name"] = r.PostFormValue("name")
	for _, s := range r.PostForm["scopes"] {
		p.Form["scope:"+s] = "on"
	}
	secret, prefix, hash := auth.NewAPIKey()
	k, err := a.store.CreateAPIKey(r.Context(), actor(me, r), p.Form["name"], r.PostForm["scopes"], prefix, hash)
	if err != nil {
		if formError(&p, err) {
			return a.renderAPIKeys(w, r, http.StatusUnprocessableEntity, p, apiKeysData{})
		}
		return err
	}
	p = a.newPage(me, "API keys")
	p.Notice = "The key was made. Copy it now: it is not shown again."
	return a.renderAPIKeys(w, r, http.StatusCreated, p, apiKeysData{Secret: secret, Name: k.Name})
}

func (a *Admin) revokeAPIKey(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.store.RevokeAPIKey(r.Context(), actor(me, r), id); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/api-keys?done=revoked", Status: http.StatusSeeOther}
}
