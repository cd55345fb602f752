package admin

import (
	"net/http"
	"strings"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// Body limits of admin POSTs. Past its route's limit a body is refused
// with 413 and the limit, before a handler reads a field (issue 9,
// finding 9: a 50 MB sign-in got 422, a 50 MB article 400).
const (
	// maxAdminForm bounds the plain forms: sign-in, staff, plans,
	// taxonomy, settings. The longest field is an author's bio.
	maxAdminForm = 64 << 10
	// maxUploadRequest bounds a form carrying one image: up to twice the
	// image limit, so that an image somewhat too large is refused by the
	// file field, with the rest of the form kept.
	maxUploadRequest = 2*media.MaxImageBytes + 1<<20
	// maxPreviewRequest bounds the live preview: a body and its framing.
	maxPreviewRequest = magazine.MaxBody + 64<<10
)

// bodyLimit is the largest body the route of pattern accepts.
func bodyLimit(pattern string) int64 {
	switch pattern {
	case "POST /admin/articles", "POST /admin/articles/{id}", "POST /admin/articles/autosave", "POST /admin/articles/preview/page":
		return maxEditorRequest
	case "POST /admin/articles/preview":
		return maxPreviewRequest
	case "POST /admin/articles/upload", "POST /admin/issues/{id}/cover", "POST /admin/ads", "POST /admin/ads/{id}":
		return maxUploadRequest
	}
	return maxAdminForm
}

// limitBody parses the form of a POST route within its body limit before
// h runs. Registered inside wrap, it reads nothing of a request refused
// for its session or permission.
func limitBody(pattern string, h handler) handler {
	if !strings.HasPrefix(pattern, http.MethodPost+" ") {
		return h
	}
	limit := bodyLimit(pattern)
	return func(w http.ResponseWriter, r *http.Request, me *store.Session) error {
		if err := httpx.ParseForm(w, r, limit); err != nil {
			return err
		}
		return h(w, r, me)
	}
}
