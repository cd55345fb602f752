package admin

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// maxEditorRequest bounds an editor POST: the body, the other fields and,
// without JavaScript, one image. Past it the request is refused before it
// is read; between the image limit and this the form comes back with the
// image refused and everything else kept.
const maxEditorRequest = 2*media.MaxImageBytes + magazine.MaxBody + 1<<20

// editorForm is what the editor form holds, as typed.
type editorForm struct {
	ID        int64
	Base      int
	Headline  string
	Dek       string
	Slug      string // "" means generated from the headline
	SectionID int64
	AuthorIDs []int64
	Tags      string // comma-separated, as typed
	// Visibility, featured image and SEO fields, as typed.
	Visibility     magazine.Visibility
	FeaturedURL    string
	FeaturedAlt    string
	SEOTitle       string
	SEODescription string
	Body           string
	PublishAt      string // datetime-local in the publication's time zone
	// The figure fields of an upload without JavaScript.
	Alt, Caption, Credit string
	MakeFeatured         bool
}

// parseEditorForm reads the editor form of a urlencoded or multipart POST.
func parseEditorForm(w http.ResponseWriter, r *http.Request) (editorForm, error) {
	// Parsed already by limitBody on the editor's routes; this is a no-op
	// there and keeps the limit for any other caller.
	if err := httpx.ParseForm(w, r, maxEditorRequest); err != nil {
		return editorForm{}, err
	}
	f := editorForm{
		Headline: r.PostFormValue("headline"), Dek: r.PostFormValue("dek"), Slug: strings.TrimSpace(r.PostFormValue("slug")),
		Tags: r.PostFormValue("tags"), Visibility: magazine.Visibility(r.PostFormValue("visibility")),
		FeaturedURL: strings.TrimSpace(r.PostFormValue("featured_url")), FeaturedAlt: r.PostFormValue("featured_alt"),
		SEOTitle: r.PostFormValue("seo_title"), SEODescription: r.PostFormValue("seo_description"),
		Body: strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"), PublishAt: r.PostFormValue("publish_at"),
		Alt: r.PostFormValue("alt"), Caption: r.PostFormValue("caption"), Credit: r.PostFormValue("credit"),
		MakeFeatured: r.PostFormValue("make_featured") != "",
	}
	f.ID, _ = strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	f.Base, _ = strconv.Atoi(r.PostFormValue("base"))
	f.SectionID, _ = strconv.ParseInt(r.PostFormValue("section"), 10, 64)
	for _, v := range r.PostForm["author"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			f.AuthorIDs = append(f.AuthorIDs, id)
		}
	}
	return f, nil
}

// input is the form as an article input; the slug may still be empty.
func (f editorForm) input() magazine.ArticleInput {
	var tags []string
	for t := range strings.SplitSeq(f.Tags, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return magazine.ArticleInput{Slug: f.Slug, Headline: f.Headline, Dek: f.Dek, SectionID: f.SectionID, AuthorIDs: f.AuthorIDs,
		Tags: tags, Visibility: f.Visibility, FeaturedURL: f.FeaturedURL, FeaturedAlt: f.FeaturedAlt, BodyMarkdown: f.Body,
		SEOTitle: f.SEOTitle, SEODescription: f.SEODescription}
}

// formOf fills the form from a saved state of an article.
func formOf(id int64, base int, in magazine.ArticleInput, loc *time.Location) editorForm {
	f := editorForm{ID: id, Base: base, Headline: in.Headline, Dek: in.Dek, Slug: in.Slug, SectionID: in.SectionID,
		AuthorIDs: in.AuthorIDs, Tags: strings.Join(in.Tags, ", "), Visibility: in.Visibility, FeaturedURL: in.FeaturedURL,
		FeaturedAlt: in.FeaturedAlt, SEOTitle: in.SEOTitle, SEODescription: in.SEODescription, Body: in.BodyMarkdown}
	if in.Status == magazine.StatusScheduled && !in.PublishedAt.IsZero() {
		f.PublishAt = in.PublishedAt.In(loc).Format(datetimeLocal)
	}
	return f
}

// inputOf is the saved state of an article as an input.
func inputOf(a magazine.Article) magazine.ArticleInput { return a.Input() }

// datetimeLocal is the value format of <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"

// publishTime reads the schedule field in the publication's time zone.
func publishTime(v string, loc *time.Location) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, magazine.FieldError("publish_at", "Choose the date and time to publish at.")
	}
	for _, layout := range []string{datetimeLocal, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(v), loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, magazine.FieldError("publish_at", "%q is not a date and time such as 2026-05-01T09:00.", v)
}

// staffName is how a revision names who saved it.
func staffName(me *store.Session) string { return me.Staff.DisplayName() }

// zone is the publication's time zone, in which the editor shows and reads
// times.
func (a *Admin) zone(r *http.Request) *time.Location {
	pub, err := a.store.Publication(r.Context())
	if err != nil {
		return time.UTC
	}
	return pub.Location()
}
