package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/media"
)

// FileLinks says which files readers fetch from the object store by a
// presigned URL instead of through Masthead. It has effect only when the
// site's Storage is a media.Linker (S3); on disk every file is served.
type FileLinks struct {
	// Public: images under /media/, which anyone may see.
	Public bool
	// Private: narrations and editions, once the reader's access is
	// checked (on every request, as when they are served).
	Private bool
}

// How long a presigned URL works. A public image's is long and its
// redirect may be cached for a part of that; a private file's is short,
// so a link passed on stops working within minutes, and long enough for a
// player that fetches ranges of one URL through a whole episode's start.
const (
	publicLinkTTL     = 24 * time.Hour
	publicRedirectAge = time.Hour
	privateLinkTTL    = 10 * time.Minute
)

// linkTo answers with a redirect to a presigned URL of key, when the site
// is set to for this kind of file and the storage can presign; it reports
// whether it did. The caller has checked access.
func (s *Site) linkTo(w http.ResponseWriter, r *http.Request, key string, private bool, opts media.LinkOptions) (bool, error) {
	linker, ok := s.files.(media.Linker)
	if !ok || (private && !s.links.Private) || (!private && !s.links.Public) {
		return false, nil
	}
	ttl := publicLinkTTL
	if private {
		ttl = privateLinkTTL
	}
	u, err := linker.Link(r.Context(), key, ttl, opts)
	if err != nil {
		return false, err
	}
	h := w.Header()
	h.Del("Content-Type")
	h.Del("Content-Disposition")
	if private {
		h.Set("Cache-Control", "private, no-store")
	} else {
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(publicRedirectAge/time.Second)))
	}
	http.Redirect(w, r, u, http.StatusFound)
	return true, nil
}
