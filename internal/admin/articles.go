package admin

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

const articlesPerPage = 50

// articleRow is one line of the articles list.
type articleRow struct {
	Article magazine.Article
	CanEdit bool
}

type articlesData struct {
	Rows         []articleRow
	Filter       url.Values // as typed, for the form and the paging links
	Sections     []magazine.Section
	Authors      []magazine.Author
	Issues       []store.IssueChoice
	Statuses     []magazine.Status
	Visibilities []magazine.Visibility
	Page         int
	PrevURL      string
	NextURL      string
}

// articles lists every article, of any status, with filters and a search
// by headline. Everyone on the staff may see the list; the Edit link shows
// where the permission matrix lets them edit.
func (a *Admin) articles(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	q := r.URL.Query()
	id := func(name string) int64 { n, _ := strconv.ParseInt(q.Get(name), 10, 64); return n }
	pageNo, _ := strconv.Atoi(q.Get("page"))
	pageNo = max(pageNo, 1)
	f := store.NewsroomFilter{SectionID: id("section"), AuthorID: id("author"), IssueID: id("issue"), Query: q.Get("q"),
		Offset: (pageNo - 1) * articlesPerPage, Limit: articlesPerPage}
	if st := magazine.Status(q.Get("status")); st.Valid() {
		f.Status = st
	}
	if v := magazine.Visibility(q.Get("visibility")); v.Valid() {
		f.Visibility = v
	}
	list, more, err := a.store.NewsroomArticles(ctx, f)
	if err != nil {
		return err
	}
	d := articlesData{Filter: q, Page: pageNo,
		Statuses:     []magazine.Status{magazine.StatusDraft, magazine.StatusScheduled, magazine.StatusPublished},
		Visibilities: []magazine.Visibility{magazine.VisibilityPublic, magazine.VisibilityRegistered, magazine.VisibilitySubscribers}}
	ids := make([]int64, len(list))
	for i, art := range list {
		ids[i] = art.ID
	}
	creators, err := a.store.ArticleCreators(ctx, ids)
	if err != nil {
		return err
	}
	for _, art := range list {
		d.Rows = append(d.Rows, articleRow{Article: art, CanEdit: articleAccess(me.Staff, creators[art.ID], art.Status).Edit})
	}
	if d.Sections, err = a.store.Sections(ctx); err != nil {
		return err
	}
	if d.Authors, err = a.store.Authors(ctx); err != nil {
		return err
	}
	if d.Issues, err = a.store.IssueChoices(ctx); err != nil {
		return err
	}
	pageURL := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "page" && len(vs) > 0 && vs[0] != "" {
				v.Set(k, vs[0])
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/admin/articles"
		}
		return "/admin/articles?" + v.Encode()
	}
	if pageNo > 1 {
		d.PrevURL = pageURL(pageNo - 1)
	}
	if more {
		d.NextURL = pageURL(pageNo + 1)
	}
	return a.render(w, http.StatusOK, "articles", a.newPage(me, "Articles"), d)
}
