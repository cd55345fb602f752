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
	// Offer is what the viewer may have of the digital edition.
	Offer      editionOffer
	Prev, Next *magazine.Issue
}

// issue shows an issue's cover and its table of contents, grouped by
// section in the order the sections first appear in it, and the edition
// formats the viewer may have (or a prompt to subscribe).
func (s *Site) issue(w http.ResponseWriter, r *http.Request) error {
	issue, err := s.issueFromPath(r)
	if err != nil {
		return err
	}
	v, _, err := s.viewer(r, 0)
	if err != nil {
		return err
	}
	httpx.SurrogateKeys(w, httpx.KeyLists, httpx.IssueKey(issue.ID))
	return s.renderIssue(w, r, http.StatusOK, issue, v)
}

func (s *Site) renderIssue(w http.ResponseWriter, r *http.Request, status int, issue magazine.Issue, v magazine.Viewer) error {
	ctx := r.Context()
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
	page.Canonical = s.abs(IssueURL(issue))
	page.JSONLD = s.issueJSONLD(page.Pub, issue, articles)
	data := issuePage{Page: page, Issue: issue, Groups: groups}
	if data.Offer, err = s.offerFor(r, v, issue); err != nil {
		return err
	}
	if data.Prev, data.Next, err = s.store.NeighbourIssues(ctx, issue); err != nil {
		return err
	}
	return s.render(w, "issue", status, page.Pub, data)
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
	httpx.SurrogateKeys(w, httpx.KeyLists)
	return s.render(w, "issues", http.StatusOK, page.Pub, issuesPage{Page: page, Year: year, Years: years, Issues: list})
}
