package web

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/gorilla/feeds"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/store"
)

// Sitemaps and the feed say where articles are and what they are called,
// never what a gated article says: they carry URLs, dates, headlines and
// the same description the article page's meta tags carry.

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	NS       string       `xml:"xmlns,attr"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

func writeXML(w http.ResponseWriter, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, err := w.Write(buf.Bytes())
	return err
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

// sitemapIndex lists one sitemap for the site's pages and one per month of
// articles.
func (s *Site) sitemapIndex(w http.ResponseWriter, r *http.Request) error {
	months, err := s.store.PublishedMonths(r.Context())
	if err != nil {
		return err
	}
	idx := sitemapIndex{NS: sitemapNS, Sitemaps: []sitemapURL{{Loc: s.abs("/sitemaps/pages.xml")}}}
	for _, m := range months {
		idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: s.abs("/sitemaps/articles-" + m.YearMonth + ".xml"), LastMod: day(m.LastMod)})
	}
	return writeXML(w, idx)
}

var monthSitemap = regexp.MustCompile(`^articles-(\d{4})-(\d{2})\.xml$`)

// sitemap serves /sitemaps/pages.xml and /sitemaps/articles-YYYY-MM.xml.
func (s *Site) sitemap(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name := r.PathValue("name")
	set := urlset{NS: sitemapNS}
	if name == "pages.xml" {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.abs("/")}, sitemapURL{Loc: s.abs("/issues")}, sitemapURL{Loc: s.abs("/authors")})
		sections, err := s.store.PublishedSections(ctx)
		if err != nil {
			return err
		}
		for _, sec := range sections {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.abs("/sections/" + sec.Slug)})
		}
		authors, err := s.store.PublishedAuthors(ctx)
		if err != nil {
			return err
		}
		for _, a := range authors {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.abs("/authors/" + a.Slug)})
		}
		for offset := 0; ; offset += store.MaxListLimit {
			issues, more, err := s.store.Issues(ctx, store.IssueFilter{Offset: offset, Limit: store.MaxListLimit})
			if err != nil {
				return err
			}
			for _, i := range issues {
				set.URLs = append(set.URLs, sitemapURL{Loc: s.abs(IssueURL(i)), LastMod: day(i.CoverDate)})
			}
			if !more {
				break
			}
		}
		return writeXML(w, set)
	}
	m := monthSitemap.FindStringSubmatch(name)
	if m == nil {
		return httpx.NotFound
	}
	year, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	if month < 1 || month > 12 {
		return httpx.NotFound
	}
	from := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	entries, err := s.store.PublishedBetween(ctx, from, from.AddDate(0, 1, 0))
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return httpx.NotFound
	}
	for _, e := range entries {
		set.URLs = append(set.URLs, sitemapURL{Loc: s.abs(ArticleURL(e.Slug)), LastMod: day(e.UpdatedAt)})
	}
	return writeXML(w, set)
}

// feed is an Atom feed of the latest articles: headline, link, authors,
// dates and description; the body stays on the site.
func (s *Site) feed(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return err
	}
	list, _, err := s.store.Articles(ctx, store.ArticleFilter{Limit: 50})
	if err != nil {
		return err
	}
	f := &feeds.Feed{
		Title:       pub.Name,
		Link:        &feeds.Link{Href: s.abs("/")},
		Description: pub.Tagline,
		Id:          s.abs("/"),
	}
	for _, a := range list {
		var names string
		for i, au := range a.Authors {
			if i > 0 {
				names += ", "
			}
			names += au.Name
		}
		item := &feeds.Item{
			Title:       a.Headline,
			Link:        &feeds.Link{Href: s.abs(ArticleURL(a.Slug))},
			Id:          s.abs(ArticleURL(a.Slug)),
			Description: a.Description,
			Author:      &feeds.Author{Name: names},
			Created:     a.PublishedAt,
			Updated:     a.UpdatedAt,
		}
		if f.Updated.Before(a.UpdatedAt) {
			f.Updated = a.UpdatedAt
		}
		f.Items = append(f.Items, item)
	}
	atom, err := f.ToAtom()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, err = w.Write([]byte(atom))
	return err
}
