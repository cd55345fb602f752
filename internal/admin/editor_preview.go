package admin

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// previewBody renders the Markdown of the form with the renderer the
// site's pages are saved with, and answers with the HTML fragment the
// editor's script puts beside the text.
func (a *Admin) previewBody(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	// The form was parsed within maxPreviewRequest by limitBody.
	res, err := a.store.RenderBody(r.Context(), strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err = w.Write([]byte(string(joinPages(res.Pages))))
	return err
}

// joinPages shows the pages of a body one after the other, with a marked
// break between them. The pages are sanitised HTML already.
func joinPages(pages []string) template.HTML {
	return template.HTML(strings.Join(pages, "\n<p class=\"preview-pagebreak\" role=\"separator\">Page break</p>\n"))
}

// previewData is the admin's own preview page, used when the server has
// no public-site renderer to hand it to.
type previewData struct {
	Article magazine.Article
	Viewer  string
	Body    template.HTML
	Gated   bool
}

// previewPage renders the article of the form, unsaved, as the public site
// would show it to an anonymous reader or to a subscriber: the paywall
// decides exactly as on the site.
func (a *Admin) previewPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	f, err := parseEditorForm(w, r)
	if err != nil {
		return err
	}
	in := f.input()
	if in.Slug == "" {
		in.Slug = magazine.Slugify(in.Headline)
	}
	// Shown as it will be once live, whatever its status now.
	in.Status, in.PublishedAt = magazine.StatusPublished, a.now()
	art, err := a.store.DraftArticle(r.Context(), in)
	if err != nil {
		p := a.newPage(me, "Preview")
		if !formError(&p, err) {
			return err
		}
		msg := "The preview needs a few fields first: " + strings.TrimSuffix(magazine.ErrorMessage(err), ".") + ". Go back to the editor to fill them in."
		a.renderError(w, r, me, http.StatusUnprocessableEntity, msg)
		return nil
	}
	viewer, label := magazine.Viewer{}, "an anonymous reader"
	if r.PostFormValue("preview_as") == "subscriber" {
		viewer = magazine.Viewer{Registered: true, Entitlements: map[magazine.Entitlement]bool{magazine.EntSubscriberContent: true}}
		label = "a subscriber"
	}
	if a.publicPreview != nil {
		return a.publicPreview(w, r, art, viewer)
	}
	d := previewData{Article: art, Viewer: label}
	if magazine.Decide(viewer, art).Access == magazine.AccessFull {
		d.Body = joinPages(art.Pages)
	} else {
		d.Body, d.Gated = template.HTML(art.PreviewHTML), true
	}
	return a.render(w, http.StatusOK, "editor_preview", a.newPage(me, "Preview: "+art.Headline), d)
}
