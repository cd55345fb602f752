package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type archiveMonth struct {
	Month    time.Month
	Articles []magazine.Article
}

type archivePage struct {
	Page   Page
	Year   int
	Years  []int
	Issues []magazine.Issue
	Months []archiveMonth // the web-only articles, newest month first
}

// archive is the magazine's past: the years, a year's issues as covers,
// and that year's articles that appeared on the web only, by month.
// ?year=YYYY, the latest year by default.
func (s *Site) archive(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	years, err := s.store.IssueYears(ctx)
	if err != nil {
		return err
	}
	months, err := s.store.PublishedMonths(ctx)
	if err != nil {
		return err
	}
	for _, m := range months {
		if y, err := strconv.Atoi(m.YearMonth[:4]); err == nil && !slices.Contains(years, y) {
			years = append(years, y)
		}
	}
	slices.SortFunc(years, func(a, b int) int { return b - a })
	d := archivePage{Years: years}
	if raw := r.URL.Query().Get("year"); raw != "" {
		y, err := strconv.Atoi(raw)
		if err != nil || !slices.Contains(years, y) {
			return httpx.NotFound
		}
		d.Year = y
	} else if len(years) > 0 {
		d.Year = years[0]
	}
	if d.Year != 0 {
		if d.Issues, _, err = s.store.Issues(ctx, store.IssueFilter{Year: d.Year, Limit: store.MaxListLimit}); err != nil {
			return err
		}
		web, err := s.store.WebOnlyArticles(ctx, d.Year, 1000)
		if err != nil {
			return err
		}
		pub, err := s.store.Publication(ctx)
		if err != nil {
			return err
		}
		for _, a := range web {
			m := a.PublishedAt.In(pub.Location()).Month()
			if n := len(d.Months); n == 0 || d.Months[n-1].Month != m {
				d.Months = append(d.Months, archiveMonth{Month: m})
			}
			d.Months[len(d.Months)-1].Articles = append(d.Months[len(d.Months)-1].Articles, a)
		}
	}
	title := "The archive"
	if d.Year != 0 {
		title = "The archive: " + strconv.Itoa(d.Year)
	}
	page, err := s.newPage(ctx, r, title, "Every issue of the magazine, and the articles published on the web, by year.")
	if err != nil {
		return err
	}
	if r.URL.Query().Has("year") {
		page.Canonical = s.abs("/archive?year=" + strconv.Itoa(d.Year))
	}
	d.Page = page
	httpx.SurrogateKeys(w, httpx.KeyLists)
	return s.render(w, "archive", http.StatusOK, page.Pub, d)
}
