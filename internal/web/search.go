package web

import (
	"context"
	"encoding/xml"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/search"
	"github.com/masthead-press/masthead/internal/store"
)

// searchPerPage is how many results a page shows: each snippet costs
// the database a pass over its article's text.
const searchPerPage = 10

// searchPage is /search: the form with its filters, and a page of results.
type searchPage struct {
	Page     Page
	Query    string
	Form     url.Values // the filters as sent, to keep the form filled
	Message  string     // why the search was not run
	Results  store.SearchResults
	Hits     []searchHit
	Filtered bool   // a filter is set
	Unfilter string // the same query without its filters
	// The filters' choices, as <option> elements.
	SectionOptions, AuthorOptions, YearOptions template.HTML
	Pager                                      pager
	Pages                                      int
}

type searchHit struct {
	store.SearchHit
	Issue *magazine.Issue
}

// search is /search. Its page is shared like any other by the readers
// of one audience (anonymous readers; subscribers who may read
// everything), whose searches see the same documents; everyone else's is
// their own.
func (s *Site) search(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v, _, err := s.viewer(r, 0)
	if err != nil {
		return err
	}
	page, err := s.newPage(ctx, r, "Search", "Search every article of the magazine.")
	if err != nil {
		return err
	}
	qv := r.URL.Query()
	data := searchPage{Page: page, Query: qv.Get("q"), Form: qv}
	page.NoIndex = true
	choices, err := s.searchChoices(ctx)
	if err != nil {
		return err
	}
	data.SectionOptions = options(choices.sections, qv.Get("section"))
	data.AuthorOptions = options(choices.authors, qv.Get("author"))
	data.YearOptions = options(choices.years, qv.Get("year"))
	for _, k := range []string{"section", "author", "issue", "year", "from", "to", "in"} {
		data.Filtered = data.Filtered || qv.Get(k) != ""
	}
	data.Unfilter = "/search?" + url.Values{"q": {qv.Get("q")}}.Encode()
	status := http.StatusOK
	f, err := search.Request(r, s.store, v, searchPerPage)
	switch {
	case err != nil && magazine.ErrorCode(err) == magazine.EINVALID:
		data.Message, status = magazine.ErrorMessage(err), http.StatusBadRequest
	case err != nil:
		return err
	case f.Query.Empty():
	case !s.searchLimit.Allow(httpx.ClientIP(r)):
		data.Message, status = "Too many searches from your address. Wait a minute, then try again.", http.StatusTooManyRequests
	default:
		if data.Results, err = s.store.Search(ctx, f); err != nil {
			return err
		}
		if data.Hits, err = s.withIssues(r, data.Results.Hits); err != nil {
			return err
		}
		n := data.Results.Page
		data.Pager = pager{Number: n}
		if n > 1 {
			data.Pager.PrevURL = searchURL(qv, n-1)
		}
		if n < data.Results.Pages {
			data.Pager.NextURL = searchURL(qv, n+1)
		}
	}
	data.Page = page
	if status != http.StatusOK {
		private(w)
	}
	return s.render(w, "search", status, page.Pub, data)
}

// searchChoices are the choices of the search filters, as (value, label)
// pairs: the sections, the writers and the years of issues.
type searchChoices struct {
	version                  int64 // the content version they were read at
	sections, authors, years [][2]string
}

// searchChoices returns the filters' choices, read again only when the
// content has changed: three queries less for every search.
func (s *Site) searchChoices(ctx context.Context) (*searchChoices, error) {
	v := s.store.Version()
	if c := s.choices.Load(); c != nil && c.version == v {
		return c, nil
	}
	c := &searchChoices{version: v}
	sections, err := s.store.Sections(ctx)
	if err != nil {
		return nil, err
	}
	for _, sec := range sections {
		c.sections = append(c.sections, [2]string{sec.Slug, sec.Name})
	}
	authors, err := s.store.Authors(ctx)
	if err != nil {
		return nil, err
	}
	for _, au := range authors {
		c.authors = append(c.authors, [2]string{au.Slug, au.Name})
	}
	years, err := s.store.IssueYears(ctx)
	if err != nil {
		return nil, err
	}
	for _, y := range years {
		c.years = append(c.years, [2]string{strconv.Itoa(y), strconv.Itoa(y)})
	}
	s.choices.Store(c)
	return c, nil
}

// options writes a select's options, "Any" first, with the one whose
// value is selected marked. The template engine spent a fifth of a
// search page's time on the 200 writers' options, each an action with
// two escapers and a comparison; this loop takes microseconds, and
// escapes with the template package's own escaper.
func options(choices [][2]string, selected string) template.HTML {
	var b strings.Builder
	b.WriteString(`<option value="">Any</option>`)
	for _, c := range choices {
		b.WriteString(`<option value="`)
		b.WriteString(template.HTMLEscapeString(c[0]))
		b.WriteByte('"')
		if c[0] == selected {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(template.HTMLEscapeString(c[1]))
		b.WriteString("</option>")
	}
	return template.HTML(b.String())
}

// withIssues adds to each hit the issue its article is in.
func (s *Site) withIssues(r *http.Request, hits []store.SearchHit) ([]searchHit, error) {
	var ids []int64
	for _, h := range hits {
		if h.Article.IssueID != 0 {
			ids = append(ids, h.Article.IssueID)
		}
	}
	issues, err := s.store.IssuesByID(r.Context(), ids)
	if err != nil {
		return nil, err
	}
	out := make([]searchHit, len(hits))
	for i, h := range hits {
		out[i].SearchHit = h
		if is, ok := issues[h.Article.IssueID]; ok && is.Published {
			out[i].Issue = &is
		}
	}
	return out, nil
}

// searchURL is the results page n of the query qv.
func searchURL(qv url.Values, n int) string {
	q := url.Values{}
	for k, v := range qv {
		if k != "page" && len(v) > 0 && v[0] != "" {
			q.Set(k, v[0])
		}
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	return "/search?" + q.Encode()
}

// openSearch is the OpenSearch description that lets browsers offer the
// site's search from the address bar.
func (s *Site) openSearch(w http.ResponseWriter, r *http.Request) error {
	pub, err := s.store.Publication(r.Context())
	if err != nil {
		return err
	}
	var name, tmpl strings.Builder
	xml.EscapeText(&name, []byte(pub.Name))
	xml.EscapeText(&tmpl, []byte(s.baseURL+"/search?q={searchTerms}"))
	w.Header().Set("Content-Type", "application/opensearchdescription+xml")
	_, err = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>`+name.String()+`</ShortName>
  <Description>Search `+name.String()+`</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Url type="text/html" method="get" template="`+tmpl.String()+`"/>
</OpenSearchDescription>
`)
	return err
}
