package adminapi

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// article is an article as the Admin API shows it: every field the editor
// has, the Markdown body, and the revision an edit is based on.
type article struct {
	ID             int64      `json:"id"`
	Slug           string     `json:"slug"`
	Headline       string     `json:"headline"`
	Dek            string     `json:"dek"`
	Status         string     `json:"status"`
	Visibility     string     `json:"visibility"`
	SectionID      int64      `json:"section_id"`
	AuthorIDs      []int64    `json:"author_ids"`
	Tags           []string   `json:"tags"`
	FeaturedURL    string     `json:"featured_url"`
	FeaturedAlt    string     `json:"featured_alt"`
	SEOTitle       string     `json:"seo_title"`
	SEODescription string     `json:"seo_description"`
	BodyMarkdown   string     `json:"body_markdown,omitempty"`
	PublishedAt    *time.Time `json:"published_at,omitempty"`
	UpdatedAt      time.Time  `json:"updated_at,omitzero"`
	IssueID        int64      `json:"issue_id,omitempty"`
	Revision       int        `json:"revision,omitempty"`
	URL            string     `json:"url,omitempty"`
}

func (a *API) articleOut(x magazine.Article, revision int) article {
	in := x.Input()
	out := article{ID: x.ID, Slug: x.Slug, Headline: x.Headline, Dek: x.Dek, Status: string(x.Status), Visibility: string(x.Visibility),
		SectionID: x.Section.ID, AuthorIDs: in.AuthorIDs, Tags: in.Tags, FeaturedURL: x.FeaturedURL, FeaturedAlt: x.FeaturedAlt,
		SEOTitle: x.SEOTitle, SEODescription: x.SEODescription, BodyMarkdown: x.BodyMarkdown, UpdatedAt: x.UpdatedAt,
		IssueID: x.IssueID, Revision: revision}
	if out.AuthorIDs == nil {
		out.AuthorIDs = []int64{}
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if !x.PublishedAt.IsZero() {
		t := x.PublishedAt.UTC()
		out.PublishedAt = &t
	}
	if x.Status == magazine.StatusPublished {
		out.URL = a.baseURL + "/articles/" + x.Slug
	}
	return out
}

// articleInput is the body of a create or an update. Fields left out keep
// their value (an update) or are empty (a create). Status, when given,
// says what the save does: "draft" (unpublishes a live article),
// "published" or "scheduled" with publish_at.
type articleInput struct {
	Headline       *string    `json:"headline"`
	Dek            *string    `json:"dek"`
	Slug           *string    `json:"slug"`
	SectionID      *int64     `json:"section_id"`
	AuthorIDs      *[]int64   `json:"author_ids"`
	Tags           *[]string  `json:"tags"`
	Visibility     *string    `json:"visibility"`
	FeaturedURL    *string    `json:"featured_url"`
	FeaturedAlt    *string    `json:"featured_alt"`
	SEOTitle       *string    `json:"seo_title"`
	SEODescription *string    `json:"seo_description"`
	BodyMarkdown   *string    `json:"body_markdown"`
	Status         string     `json:"status"`
	PublishAt      *time.Time `json:"publish_at"`
	// Revision is the revision the update is based on: a newer one (an
	// edit in the admin meanwhile) refuses it with 409. 0 saves over
	// whatever is latest.
	Revision int `json:"revision"`
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (x articleInput) apply(in *magazine.ArticleInput) {
	set(&in.Headline, x.Headline)
	set(&in.Dek, x.Dek)
	set(&in.Slug, x.Slug)
	set(&in.SectionID, x.SectionID)
	set(&in.AuthorIDs, x.AuthorIDs)
	set(&in.Tags, x.Tags)
	if x.Visibility != nil {
		in.Visibility = magazine.Visibility(*x.Visibility)
	}
	set(&in.FeaturedURL, x.FeaturedURL)
	set(&in.FeaturedAlt, x.FeaturedAlt)
	set(&in.SEOTitle, x.SEOTitle)
	set(&in.SEODescription, x.SEODescription)
	set(&in.BodyMarkdown, x.BodyMarkdown)
}

// action is the store's editor action for a requested status, given the
// article's current one.
func action(status string, cur magazine.Status) (string, error) {
	switch magazine.Status(status) {
	case "":
		return store.ActionSave, nil
	case magazine.StatusDraft:
		if cur == magazine.StatusDraft {
			return store.ActionSave, nil
		}
		return store.ActionUnpublish, nil
	case magazine.StatusPublished:
		return store.ActionPublish, nil
	case magazine.StatusScheduled:
		return store.ActionSchedule, nil
	}
	return "", magazine.FieldError("status", "The status is draft, published or scheduled, not %q.", status)
}

func (a *API) listArticles(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	q := r.URL.Query()
	f := store.NewsroomFilter{Status: magazine.Status(q.Get("status")), Query: q.Get("q"), Limit: 50}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return magazine.FieldError("offset", "The offset is a whole number from 0.")
		}
		f.Offset = n
	}
	list, more, err := a.store.NewsroomArticles(r.Context(), f)
	if err != nil {
		return err
	}
	out := struct {
		Articles []article `json:"articles"`
		More     bool      `json:"more"`
	}{Articles: []article{}, More: more}
	for _, x := range list {
		out.Articles = append(out.Articles, a.articleOut(x, 0))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) getArticle(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := a.store.ArticleByID(r.Context(), id)
	if err != nil {
		return err
	}
	rev, err := a.latestRevision(r, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.articleOut(x, rev))
}

func (a *API) latestRevision(r *http.Request, id int64) (int, error) {
	rev, err := a.store.LatestRevision(r.Context(), id)
	if magazine.IsNotFound(err) {
		return 0, nil
	}
	return rev.Number, err
}

func (a *API) createArticle(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	var x articleInput
	if err := decode(w, r, &x); err != nil {
		return err
	}
	in := magazine.ArticleInput{Visibility: magazine.VisibilityPublic}
	x.apply(&in)
	return a.saveArticle(w, r, k, magazine.Article{Status: magazine.StatusDraft}, 0, x, in, http.StatusCreated)
}

func (a *API) updateArticle(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	cur, base, err := a.currentArticle(r)
	if err != nil {
		return err
	}
	var x articleInput
	if err := decode(w, r, &x); err != nil {
		return err
	}
	in := cur.Input()
	x.apply(&in)
	if x.Revision != 0 {
		base = x.Revision
	}
	return a.saveArticle(w, r, k, cur, base, x, in, http.StatusOK)
}

// publishArticle publishes the article as it is.
func (a *API) publishArticle(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	cur, base, err := a.currentArticle(r)
	if err != nil {
		return err
	}
	x := articleInput{Status: string(magazine.StatusPublished)}
	return a.saveArticle(w, r, k, cur, base, x, cur.Input(), http.StatusOK)
}

// scheduleArticle schedules the article as it is for publish_at.
func (a *API) scheduleArticle(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	cur, base, err := a.currentArticle(r)
	if err != nil {
		return err
	}
	var body struct {
		PublishAt *time.Time `json:"publish_at"`
	}
	if err := decode(w, r, &body); err != nil {
		return err
	}
	x := articleInput{Status: string(magazine.StatusScheduled), PublishAt: body.PublishAt}
	return a.saveArticle(w, r, k, cur, base, x, cur.Input(), http.StatusOK)
}

// currentArticle is the article of the path and its latest revision.
func (a *API) currentArticle(r *http.Request) (magazine.Article, int, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return magazine.Article{}, 0, err
	}
	cur, err := a.store.ArticleByID(r.Context(), id)
	if err != nil {
		return cur, 0, err
	}
	base, err := a.latestRevision(r, id)
	return cur, base, err
}

// saveArticle saves as the admin's editor does (store.SaveArticle: the
// same checks, revision and audit entry), then tells the webhooks and the
// scheduler as the editor does.
func (a *API) saveArticle(w http.ResponseWriter, r *http.Request, k magazine.APIKey, cur magazine.Article, base int, x articleInput, in magazine.ArticleInput, status int) error {
	ctx := r.Context()
	act, err := action(x.Status, cur.Status)
	if err != nil {
		return err
	}
	if act == store.ActionSchedule {
		if x.PublishAt == nil {
			return magazine.FieldError("publish_at", "Give the time to publish at, such as 2026-05-01T09:00:00Z.")
		}
		in.PublishedAt = *x.PublishAt
	} else if x.PublishAt != nil {
		return magazine.FieldError("publish_at", "publish_at goes with the status scheduled only.")
	}
	if in.Slug == "" && in.Headline != "" {
		slug, err := a.store.FreeSlug(ctx, magazine.Slugify(in.Headline), cur.ID)
		if err != nil {
			return err
		}
		in.Slug = slug
	}
	rev, err := a.store.SaveArticle(ctx, actor(k, r), store.ArticleSave{ArticleID: cur.ID, Base: base, Action: act, Input: in, StaffName: "API key " + k.Name})
	var conflict *store.ConflictError
	if errors.As(err, &conflict) {
		return magazine.Errorf(magazine.ECONFLICT, "The article changed since revision %d: revision %d is the latest. Read it again (GET), then send your change with \"revision\": %d.",
			base, conflict.Latest.Number, conflict.Latest.Number)
	} else if err != nil {
		return err
	}
	a.hooks.ArticleSaved(ctx, cur.Status, rev)
	if act == store.ActionSchedule && a.schedule != nil {
		if err := a.schedule(ctx, rev.Input.PublishedAt); err != nil {
			// The periodic job publishes it anyway, within a minute.
			a.log.WarnContext(ctx, "queue the scheduled article's publishing run", "article", rev.ArticleID, "err", err)
		}
	}
	saved, err := a.store.ArticleByID(ctx, rev.ArticleID)
	if err != nil {
		return err
	}
	return writeJSON(w, status, a.articleOut(saved, rev.Number))
}
