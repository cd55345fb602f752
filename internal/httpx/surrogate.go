package httpx

import (
	"net/http"
	"strconv"
	"strings"
)

// Surrogate keys name what an anonymous page shows, so that a CDN in
// front can keep it for hours and drop exactly the pages an edit changes:
// Fastly reads Surrogate-Key (space-separated), Cloudflare Cache-Tag
// (comma-separated). Every such page also carries KeySite, to drop them
// all. Personal pages never carry a key: Surface.Page removes them.
const (
	surrogateKeyHeader = "Surrogate-Key"
	cacheTagHeader     = "Cache-Tag"
	// KeySite is on every page with keys.
	KeySite = "site"
	// KeyLists is on every page that lists articles (home, sections,
	// tags, writers, issues, feeds, sitemaps): an article published or
	// changed drops them with its own key.
	KeyLists = "lists"
)

// SurrogateKeys adds keys to the response's surrogate keys. Handlers of
// pages call it; only anonymous, shared pages keep them.
func SurrogateKeys(w http.ResponseWriter, keys ...string) {
	h := w.Header()
	old := h.Get(surrogateKeyHeader)
	all := strings.Join(keys, " ")
	if old != "" {
		all = old + " " + all
	}
	h.Set(surrogateKeyHeader, all)
}

// ArticleKey, SectionKey and IssueKey name one article, section or issue.
func ArticleKey(id int64) string { return "article-" + strconv.FormatInt(id, 10) }

// SectionKey names a section's pages.
func SectionKey(id int64) string { return "section-" + strconv.FormatInt(id, 10) }

// IssueKey names an issue's page.
func IssueKey(id int64) string { return "issue-" + strconv.FormatInt(id, 10) }

// surrogate completes the keys of an anonymous page that has some: the
// site's key, Cloudflare's spelling, and the CDN's lifetime.
func (s *Surface) surrogate(h http.Header) {
	keys := strings.Fields(h.Get(surrogateKeyHeader))
	if len(keys) == 0 {
		return
	}
	keys = append(keys, KeySite)
	h.Set(surrogateKeyHeader, strings.Join(keys, " "))
	h.Set(cacheTagHeader, strings.Join(keys, ","))
	if s.CDNMaxAge > 0 {
		v := "max-age=" + strconv.Itoa(int(s.CDNMaxAge.Seconds()))
		h.Set("Surrogate-Control", v)
		h.Set("CDN-Cache-Control", v)
	}
}
