package web

import (
	"net/http"
	"path"
	"strings"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/media"
)

type simplePage struct{ Page Page }

func (s *Site) robots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	// Private feeds and catalogues are secrets in their URL: never linked,
	// but never to be crawled should one leak.
	_, err := w.Write([]byte("User-agent: *\nDisallow: /admin/\nDisallow: /api/\nDisallow: /account\nDisallow: /feeds/\nDisallow: /podcast/\nDisallow: /opds/\n\n" +
		"Sitemap: " + s.abs("/sitemap.xml") + "\nSitemap: " + s.abs(newsSitemapPath) + "\n"))
	return err
}

func (s *Site) notFound(w http.ResponseWriter, r *http.Request) error {
	return httpx.NotFound
}

var immutable = []string{"public, max-age=31536000, immutable"}

// static serves embedded assets by their hashed names.
func (s *Site) static(w http.ResponseWriter, r *http.Request) {
	a, ok := s.assets.byPath[r.PathValue("file")]
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "")
		return
	}
	if a.resp != nil {
		a.resp.Write(w, r)
		return
	}
	w.Header()["Cache-Control"] = immutable
	httpx.ServeContent(w, r, a.name, startTime, strings.NewReader(string(a.data)))
}

// media serves uploaded files. Their names are hashes of their content, so
// they never change and can be cached for a year; the hash is a strong
// ETag. With public links on, the object store serves them instead (the
// redirect names the same type and lifetime).
func (s *Site) media(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("dir") + "/" + r.PathValue("file")
	if !media.ValidKey(key) || media.Private(key) {
		return httpx.NotFound
	}
	// The extension was chosen from the sniffed type when it was stored.
	ct := contentTypeByKey(key)
	if linked, err := s.linkTo(w, r, key, false, media.LinkOptions{ContentType: ct, CacheControl: immutable[0]}); linked || err != nil {
		return err
	}
	f, err := s.files.Open(r.Context(), key)
	if err != nil {
		return err
	}
	defer f.Close()
	h := w.Header()
	h["Cache-Control"] = immutable
	h.Set("ETag", `"`+strings.TrimSuffix(path.Base(key), path.Ext(key))+`"`)
	if ct != "" {
		h.Set("Content-Type", ct)
	}
	// Nothing stored is ever rendered by the browser as a page.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	httpx.ServeContent(w, r, key, f.ModTime(), f)
	return nil
}

func contentTypeByKey(key string) string {
	for ct, ext := range media.Extensions {
		if strings.HasSuffix(key, ext) {
			return ct
		}
	}
	return ""
}
