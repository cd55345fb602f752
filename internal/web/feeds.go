package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gorilla/feeds"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// The syndication feeds: the site's, each section's, writer's and tag's,
// in RSS 2.0, Atom and JSON Feed (gorilla/feeds). What an item carries is
// what magazine.Decide gives an anonymous reader: a public article whole,
// a gated one its excerpt, the preview the paywall shows and a link. The
// subscriber's private feed (private_feed.go) asks with the subscriber.

// feedFormat is one of the formats every feed is served in.
type feedFormat int

const (
	atomFeed feedFormat = iota
	rssFeed
	jsonFeed
)

// feedFormats are the formats by feedFormat: the file name that ends
// each feed's path, the media type, and the name shown to readers.
var feedFormats = [...]struct{ file, mediaType, name string }{
	atomFeed: {"feed.xml", "application/atom+xml", "Atom"},
	rssFeed:  {"feed.rss", "application/rss+xml", "RSS"},
	jsonFeed: {"feed.json", "application/feed+json", "JSON Feed"},
}

// feedArticles is how many of the newest articles a feed carries.
const feedArticles = 30

// feedScope is what a feed is of: its title, the page it follows, and
// which articles.
type feedScope struct {
	Title       string
	Description string
	Path        string // the page the feed follows: "/", "/sections/politics"
	Filter      store.ArticleFilter
}

// scopeOf finds the scope of a feed's request; not found for an unknown
// or malformed slug.
type scopeOf func(r *http.Request, pub magazine.Publication) (feedScope, error)

func (s *Site) siteFeed(_ *http.Request, pub magazine.Publication) (feedScope, error) {
	return feedScope{Title: pub.Name, Description: pub.Tagline, Path: "/"}, nil
}

func (s *Site) sectionFeed(r *http.Request, pub magazine.Publication) (feedScope, error) {
	slug := r.PathValue("slug")
	if !magazine.ValidSlug(slug) {
		return feedScope{}, httpx.NotFound
	}
	sec, err := s.store.PublishedSectionBySlug(r.Context(), slug)
	if err != nil {
		return feedScope{}, err
	}
	return feedScope{Title: sec.Name + " | " + pub.Name, Description: cmp.Or(sec.Description, pub.Tagline), Path: "/sections/" + sec.Slug,
		Filter: store.ArticleFilter{SectionID: sec.ID}}, nil
}

func (s *Site) authorFeed(r *http.Request, pub magazine.Publication) (feedScope, error) {
	slug := r.PathValue("slug")
	if !magazine.ValidSlug(slug) {
		return feedScope{}, httpx.NotFound
	}
	au, err := s.store.PublishedAuthorBySlug(r.Context(), slug)
	if err != nil {
		return feedScope{}, err
	}
	return feedScope{Title: au.Name + " | " + pub.Name, Description: "Articles by " + au.Name + ".", Path: "/authors/" + au.Slug,
		Filter: store.ArticleFilter{AuthorID: au.ID}}, nil
}

func (s *Site) tagFeed(r *http.Request, pub magazine.Publication) (feedScope, error) {
	slug := r.PathValue("slug")
	if !magazine.ValidSlug(slug) {
		return feedScope{}, httpx.NotFound
	}
	tag, err := s.store.PublishedTagBySlug(r.Context(), slug)
	if err != nil {
		return feedScope{}, err
	}
	return feedScope{Title: tag.Name + " | " + pub.Name, Description: "Articles tagged “" + tag.Name + "”.", Path: "/tags/" + tag.Slug,
		Filter: store.ArticleFilter{TagID: tag.ID}}, nil
}

// feed serves a public feed of a scope in a format. It is the same for
// everyone, signed in or not: the anonymous viewer's.
func (s *Site) feed(scope scopeOf, format feedFormat) httpx.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		pub, err := s.store.Publication(ctx)
		if err != nil {
			return err
		}
		sc, err := scope(r, pub)
		if err != nil {
			return err
		}
		sc.Filter.Limit, sc.Filter.WithBody = feedArticles, true
		list, _, err := s.store.Articles(ctx, sc.Filter)
		if err != nil {
			return err
		}
		httpx.SurrogateKeys(w, httpx.KeyLists)
		return s.writeFeed(w, format, pub, sc, s.abs(r.URL.Path), magazine.Viewer{}, list)
	}
}

// feedLinks are the autodiscovery links of a scope's feeds, one per
// format.
func (s *Site) feedLinks(title, path string) []feedLink {
	prefix := strings.TrimSuffix(path, "/")
	out := make([]feedLink, 0, len(feedFormats))
	for _, f := range feedFormats {
		out = append(out, feedLink{Title: title + " (" + f.name + ")", Type: f.mediaType, Href: s.abs(prefix + "/" + f.file)})
	}
	return out
}

// feedLink is one <link rel="alternate"> in a page's head.
type feedLink struct{ Title, Type, Href string }

// writeFeed renders the articles as viewer v may read them, in format.
func (s *Site) writeFeed(w http.ResponseWriter, format feedFormat, pub magazine.Publication, sc feedScope, self string, v magazine.Viewer, list []magazine.Article) error {
	f := &feeds.Feed{Title: sc.Title, Link: &feeds.Link{Href: s.abs(sc.Path)}, Description: sc.Description, Id: self,
		Author: &feeds.Author{Name: pub.Name}}
	var kept []magazine.Article
	for _, a := range list {
		item := s.feedItem(a, v)
		if item == nil {
			continue
		}
		if f.Updated.Before(a.UpdatedAt) {
			f.Updated = a.UpdatedAt
		}
		f.Items = append(f.Items, item)
		kept = append(kept, a)
	}
	if f.Updated.IsZero() {
		f.Updated = s.now()
	}
	var buf bytes.Buffer
	var err error
	switch format {
	case atomFeed:
		af := (&feeds.Atom{Feed: f}).AtomFeed()
		af.Id = self
		if pub.LogoURL != "" {
			af.Logo = s.abs(pub.LogoURL)
		}
		err = feeds.WriteXML(af, &buf)
	case rssFeed:
		rf := (&feeds.Rss{Feed: f}).RssFeed()
		rf.Language = strings.ToLower(pub.Locale)
		rf.ManagingEditor = "" // RSS wants an e-mail address there
		err = feeds.WriteXML(rf, &buf)
	case jsonFeed:
		jf := (&feeds.JSON{Feed: f}).JSONFeed()
		jf.FeedUrl, jf.Language = self, pub.Locale
		if icon, ierr := s.assets.url("favicon.svg"); ierr == nil {
			jf.Favicon = s.abs(icon)
		}
		for i, a := range kept {
			jf.Items[i].Image = s.abs(a.FeaturedURL)
			jf.Items[i].Authors = nil
			for _, au := range a.Authors {
				jf.Items[i].Authors = append(jf.Items[i].Authors, &feeds.JSONAuthor{Name: au.Name, Url: s.abs("/authors/" + au.Slug)})
			}
		}
		enc := json.NewEncoder(&buf)
		err = enc.Encode(jf)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", feedFormats[format].mediaType+"; charset=utf-8")
	_, err = w.Write(buf.Bytes())
	return err
}

// feedItem is an article as v may read it, or nil when v may not see it
// at all. The preview of a gated article is the one its page shows, with
// a link to read on.
func (s *Site) feedItem(a magazine.Article, v magazine.Viewer) *feeds.Item {
	url := s.abs(ArticleURL(a.Slug))
	item := &feeds.Item{Title: a.Headline, Link: &feeds.Link{Href: url}, Id: url, Description: a.Description,
		Created: a.PublishedAt, Updated: a.UpdatedAt}
	if names := authorNames(a.Authors); names != "" {
		item.Author = &feeds.Author{Name: names}
	}
	switch d := magazine.Decide(v, a); d.Access {
	case magazine.AccessFull:
		item.Content = s.absoluteHTML(strings.Join(a.Pages, "\n"))
	case magazine.AccessPreview:
		// The ellipsis says the text goes on, as a cut quotation does.
		item.Content = s.absoluteHTML(a.PreviewHTML) + `<p>… <a href="` + url + `">` + readOn[d.Prompt] + `</a></p>`
	default:
		return nil
	}
	return item
}

// readOn is the link after a preview, by the paywall's prompt.
var readOn = map[string]string{
	"sign_in":   "Sign in to read the whole article",
	"subscribe": "Subscribe to read the whole article",
	"archive":   "This article is in the archive: read it with a plan that includes the archive",
}

func authorNames(list []magazine.Author) string {
	names := make([]string, len(list))
	for i, au := range list {
		names[i] = au.Name
	}
	return strings.Join(names, ", ")
}

// absoluteHTML makes the site's own links and images in a rendered body
// absolute: a feed is read away from the site. The body was sanitised
// when saved, so its attributes are always double-quoted; a
// protocol-relative URL is left as it is.
func (s *Site) absoluteHTML(body string) string {
	base := s.baseURL
	return strings.NewReplacer(
		`href="//`, `href="//`, `src="//`, `src="//`,
		`href="/`, `href="`+base+`/`, `src="/`, `src="`+base+`/`,
		`srcset="/`, `srcset="`+base+`/`, `w, /media/`, `w, `+base+`/media/`,
	).Replace(body)
}
