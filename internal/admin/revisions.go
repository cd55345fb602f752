package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type revisionsData struct {
	Article   magazine.Article
	Revisions []store.Revision
	Access    access
}

// revisions lists every revision of an article, newest first, with a form
// to compare any two.
func (a *Admin) revisions(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	ed, err := a.editableArticle(ctx, r, me)
	if err != nil {
		return err
	}
	list, err := a.store.Revisions(ctx, ed.Article.ID)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Revisions: "+ed.Article.Headline)
	return a.render(w, http.StatusOK, "revisions", p, revisionsData{Article: ed.Article, Revisions: list, Access: ed.Access})
}

// fieldChange is a field that differs between two revisions.
type fieldChange struct {
	Field, From, To string
}

type diffData struct {
	Article  magazine.Article
	From, To store.Revision
	Fields   []fieldChange
	Body     []diffLine
	Access   access
	Latest   int
}

// revisionDiff compares two revisions: the fields that changed and a line
// diff of the body. ?from=&to= name them; by default the newest against
// the one before.
func (a *Admin) revisionDiff(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	ed, err := a.editableArticle(ctx, r, me)
	if err != nil {
		return err
	}
	latest, err := a.store.LatestRevision(ctx, ed.Article.ID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	from, errFrom := strconv.Atoi(q.Get("from"))
	to, errTo := strconv.Atoi(q.Get("to"))
	if errTo != nil {
		to = latest.Number
	}
	if errFrom != nil {
		from = max(to-1, 1)
	}
	d := diffData{Article: ed.Article, Access: ed.Access, Latest: latest.Number}
	if d.From, err = a.store.RevisionByNumber(ctx, ed.Article.ID, from); err != nil {
		return err
	}
	if d.To, err = a.store.RevisionByNumber(ctx, ed.Article.ID, to); err != nil {
		return err
	}
	if d.Fields, err = a.fieldChanges(r, d.From.Input, d.To.Input); err != nil {
		return err
	}
	d.Body = lineDiff(d.From.Input.BodyMarkdown, d.To.Input.BodyMarkdown)
	p := a.newPage(me, "Changes: "+ed.Article.Headline)
	return a.render(w, http.StatusOK, "revisions_diff", p, d)
}

// fieldChanges lists the fields other than the body that differ, by the
// names the editor shows.
func (a *Admin) fieldChanges(r *http.Request, x, y magazine.ArticleInput) ([]fieldChange, error) {
	ctx := r.Context()
	sections, err := a.store.Sections(ctx)
	if err != nil {
		return nil, err
	}
	authors, err := a.store.Authors(ctx)
	if err != nil {
		return nil, err
	}
	section := func(id int64) string {
		for _, s := range sections {
			if s.ID == id {
				return s.Name
			}
		}
		return "(removed section)"
	}
	byline := func(ids []int64) string {
		var names []string
		for _, id := range ids {
			name := "(removed author)"
			for _, u := range authors {
				if u.ID == id {
					name = u.Name
				}
			}
			names = append(names, name)
		}
		return strings.Join(names, ", ")
	}
	loc := a.zone(r)
	when := func(in magazine.ArticleInput) string {
		if in.PublishedAt.IsZero() {
			return ""
		}
		return in.PublishedAt.In(loc).Format("2006-01-02 15:04 MST")
	}
	pairs := []fieldChange{
		{"Headline", x.Headline, y.Headline},
		{"Dek", x.Dek, y.Dek},
		{"Slug", x.Slug, y.Slug},
		{"Section", section(x.SectionID), section(y.SectionID)},
		{"Authors", byline(x.AuthorIDs), byline(y.AuthorIDs)},
		{"Tags", strings.Join(x.Tags, ", "), strings.Join(y.Tags, ", ")},
		{"Visibility", string(x.Visibility), string(y.Visibility)},
		{"Status", string(x.Status), string(y.Status)},
		{"Publish time", when(x), when(y)},
		{"Featured image", x.FeaturedURL, y.FeaturedURL},
		{"Featured image alt text", x.FeaturedAlt, y.FeaturedAlt},
		{"SEO title", x.SEOTitle, y.SEOTitle},
		{"SEO description", x.SEODescription, y.SEODescription},
	}
	var out []fieldChange
	for _, p := range pairs {
		if p.From != p.To {
			out = append(out, p)
		}
	}
	return out, nil
}

// restoreRevision makes a new revision with the content of an old one.
// The article keeps its status: restoring the words of a draft into a
// live article changes the live page, so it needs the right to publish.
func (a *Admin) restoreRevision(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	ed, err := a.editableArticle(ctx, r, me)
	if err != nil {
		return err
	}
	if ed.Article.Status != magazine.StatusDraft && !ed.Access.Publish {
		return ed.Access.check(store.ActionPublish)
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return httpx.NotFound
	}
	old, err := a.store.RevisionByNumber(ctx, ed.Article.ID, n)
	if err != nil {
		return err
	}
	base, _ := strconv.Atoi(r.PostFormValue("base"))
	rev, err := a.store.SaveArticle(ctx, actor(me, r), store.ArticleSave{ArticleID: ed.Article.ID, Base: base, Action: store.ActionRestore,
		Input: old.Input, RestoredFrom: n, StaffName: staffName(me)})
	if err != nil {
		if magazine.ErrorCode(err) == magazine.ECONFLICT {
			return magazine.Errorf(magazine.ECONFLICT, "%s Nothing was restored; look at the list of revisions again and choose.", magazine.ErrorMessage(err))
		}
		return err
	}
	a.hooks.ArticleSaved(ctx, ed.Article.Status, rev)
	return &httpx.Redirect{URL: "/admin/articles/" + strconv.FormatInt(rev.ArticleID, 10) + "?done=" + store.ActionRestore, Status: http.StatusSeeOther}
}
