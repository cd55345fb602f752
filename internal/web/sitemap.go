package web

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/store"
)

// Sitemaps say where articles are and what they are called, never what a
// gated article says: they carry URLs, dates and headlines.

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

// sitemapIndex lists one sitemap for the site's pages, the news sitemap,
// and one per month of articles.
func (s *Site) sitemapIndex(w http.ResponseWriter, r *http.Request) error {
	httpx.SurrogateKeys(w, httpx.KeyLists)
	months, err := s.store.PublishedMonths(r.Context())
	if err != nil {
		return err
	}
	idx := sitemapIndex{NS: sitemapNS, Sitemaps: []sitemapURL{{Loc: s.abs("/sitemaps/pages.xml")}, {Loc: s.abs(newsSitemapPath)}}}
	for _, m := range months {
		idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: s.abs("/sitemaps/articles-" + m.YearMonth + ".xml"), LastMod: day(m.LastMod)})
	}
	return writeXML(w, idx)
}

var monthSitemap = regexp.MustCompile(`^articles-(\d{4})-(\d{2})\.xml$`)

// sitemap serves /sitemaps/pages.xml and /sitemaps/articles-YYYY-MM.xml.
func (s *Site) sitemap(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	httpx.SurrogateKeys(w, httpx.KeyLists)
	name := r.PathValue("name")
	set := urlset{NS: sitemapNS}
	if name == "news.xml" {
		return s.newsSitemap(w, r)
	}
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

// newsSitemapPath is the path of the Google News sitemap.
const newsSitemapPath = "/sitemaps/news.xml"

// newsWindow is how far back the news sitemap reaches: Google News wants
// the articles of the last two days, and no older.
const newsWindow = 48 * time.Hour

// newsMax is the most URLs a news sitemap may hold.
const newsMax = 1000

type newsURL struct {
	Loc  string   `xml:"loc"`
	News newsNews `xml:"news:news"`
}

type newsNews struct {
	Publication newsPublication `xml:"news:publication"`
	Date        string          `xml:"news:publication_date"`
	Title       string          `xml:"news:title"`
}

type newsPublication struct {
	Name     string `xml:"news:name"`
	Language string `xml:"news:language"`
}

type newsURLSet struct {
	XMLName xml.Name  `xml:"urlset"`
	NS      string    `xml:"xmlns,attr"`
	NewsNS  string    `xml:"xmlns:news,attr"`
	URLs    []newsURL `xml:"url"`
}

// newsSitemap lists the articles published in the last two days, newest
// first, with Google News's news:news for each. It is valid while empty.
func (s *Site) newsSitemap(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	entries, err := s.store.PublishedBetween(ctx, now.Add(-newsWindow), now.Add(time.Second))
	if err != nil {
		return err
	}
	set := newsURLSet{NS: sitemapNS, NewsNS: "http://www.google.com/schemas/sitemap-news/0.9", URLs: []newsURL{}}
	lang := newsLanguage(pub.Locale)
	for i := len(entries) - 1; i >= 0 && len(set.URLs) < newsMax; i-- {
		e := entries[i]
		set.URLs = append(set.URLs, newsURL{Loc: s.abs(ArticleURL(e.Slug)), News: newsNews{
			Publication: newsPublication{Name: pub.Name, Language: lang},
			Date:        e.PublishedAt.UTC().Format(time.RFC3339),
			Title:       e.Headline,
		}})
	}
	return writeXML(w, set)
}

// newsLanguage is a BCP 47 locale as Google News names languages: the
// ISO 639 code ("en" for "en-GB"), except Chinese, whose script counts
// ("zh-cn", "zh-tw").
func newsLanguage(locale string) string {
	l := strings.ToLower(locale)
	if strings.HasPrefix(l, "zh") {
		if strings.Contains(l, "tw") || strings.Contains(l, "hant") || strings.Contains(l, "hk") {
			return "zh-tw"
		}
		return "zh-cn"
	}
	lang, _, _ := strings.Cut(l, "-")
	return cmp.Or(lang, "en")
}
