package web

import (
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type tocGroup struct {
	Section  magazine.Section
	Articles []magazine.Article
}

type issuePage struct {
	Page   Page
	Issue  magazine.Issue
	Groups []tocGroup
}

// issue shows an issue's cover and its table of contents, grouped by
// section in the order the sections first appear in it.
func (s *Site) issue(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	volume, err1 := strconv.Atoi(r.PathValue("volume"))
	number, err2 := strconv.Atoi(r.PathValue("number"))
	if err1 != nil || err2 != nil || volume < 1 || number < 1 {
		return httpx.NotFound
	}
	issue, err := s.store.IssueByNumber(ctx, volume, number)
	if err != nil {
		return err
	}
	articles, err := s.store.IssueArticles(ctx, issue.ID)
	if err != nil {
		return err
	}
	var groups []tocGroup
	index := map[int64]int{}
	for _, a := range articles {
		i, ok := index[a.Section.ID]
		if !ok {
			i = len(groups)
			index[a.Section.ID] = i
			groups = append(groups, tocGroup{Section: a.Section})
		}
		groups[i].Articles = append(groups[i].Articles, a)
	}
	title := issue.Label()
	if issue.Title != "" {
		title = issue.Title + " (" + issue.Label() + ")"
	}
	page, err := s.newPage(ctx, r, title, "The "+issue.CoverDate.Format("January 2, 2006")+" issue: "+issue.Label()+".")
	if err != nil {
		return err
	}
	page.Image = s.abs(issue.CoverURL)
	return s.render(w, "issue", http.StatusOK, page.Pub, issuePage{Page: page, Issue: issue, Groups: groups})
}

type issuesPage struct {
	Page   Page
	Year   int
	Years  []int
	Issues []magazine.Issue
}

// issues is the archive of issues, one year at a time: ?year=YYYY, the
// latest year by default.
func (s *Site) issues(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	years, err := s.store.IssueYears(ctx)
	if err != nil {
		return err
	}
	year := 0
	if raw := r.URL.Query().Get("year"); raw != "" {
		y, err := strconv.Atoi(raw)
		if err != nil || y < 1000 || y > 9999 {
			return httpx.BadRequest("The year must be a four-digit year such as 2025.")
		}
		year = y
	} else if len(years) > 0 {
		year = years[0]
	}
	var list []magazine.Issue
	if year != 0 {
		// Twenty-four issues a year; the limit leaves room for specials.
		if list, _, err = s.store.Issues(ctx, store.IssueFilter{Year: year, Limit: store.MaxListLimit}); err != nil {
			return err
		}
		if len(list) == 0 && r.URL.Query().Has("year") {
			return httpx.NotFound
		}
	}
	title := "Past issues"
	if year != 0 {
		title = "Issues of " + strconv.Itoa(year)
	}
	page, err := s.newPage(ctx, r, title, "Every issue of the magazine, by year.")
	if err != nil {
		return err
	}
	if r.URL.Query().Has("year") {
		page.Canonical = s.abs("/issues?year=" + strconv.Itoa(year))
	}
	return s.render(w, "issues", http.StatusOK, page.Pub, issuesPage{Page: page, Year: year, Years: years, Issues: list})
}
