package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Preview renders article a, saved or not, with the article page's
// template, as viewer v would see it once published: the admin's "preview
// as an anonymous reader" and "as a subscriber". The paywall decides as on
// the site; an entitled viewer gets every page one after the other. The
// page is never cached and never indexed.
func (s *Site) Preview(w http.ResponseWriter, r *http.Request, a magazine.Article, v magazine.Viewer) error {
	decision := magazine.Decide(v, a)
	data := articlePage{Article: a, PageNumber: 1, PageCount: 1, Gated: decision.Access != magazine.AccessFull, Prompt: decision.Prompt}
	if data.Gated {
		data.Body = template.HTML(a.PreviewHTML)
	} else {
		data.Body = template.HTML(strings.Join(a.Pages, "\n"))
	}
	page, err := s.newPage(r.Context(), r, a.Headline, a.Description)
	if err != nil {
		return err
	}
	page.NoIndex = true
	page.OGType = "article"
	data.Page = page
	w.Header().Set("Cache-Control", "private, no-store")
	return s.render(w, "article", http.StatusOK, page.Pub, data)
}
