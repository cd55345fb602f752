package web

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

// editionBody is an issue's web edition as every entitled reader gets it
// (cover, contents, every article), rendered once per content version:
// it is the same bytes for all of them, about 200 KB for 40 articles,
// and rendering it costs milliseconds. What is the reader's own (where
// they left off, the article they are at) is added around and into it
// per request.
type editionBody struct {
	html     []byte
	articles []editionRef
}

// editionRef is what a request needs of one article of the edition
// without rendering it again.
type editionRef struct {
	ID       int64
	Slug     string
	Headline string
	URL      string
	open     int // offset of its <article> tag in html
}

// articleOpen is the opening tag of an edition article as the template
// writes it, and as it is rewritten for the article being read.
const (
	articleOpen    = `<article class="edition-article" id="a-`
	articleCurrent = `<article class="edition-article current" aria-current="true" id="a-`
)

// withCurrent is the body, in parts to be written in order, with the
// article at index i marked as the one being read; i < 0 leaves it as it
// is.
func (b *editionBody) withCurrent(i int) [][]byte {
	if i < 0 || i >= len(b.articles) || b.articles[i].open < 0 {
		return [][]byte{b.html}
	}
	at := b.articles[i].open
	return [][]byte{b.html[:at], []byte(articleCurrent), b.html[at+len(articleOpen):]}
}

// editionCacheMax bounds the editions kept (in Site.editions, by issue,
// all dropped when the content version moves): readers read the newest
// issues, and each is a few hundred KB.
const editionCacheMax = 16

// newEditionBody renders the body of issue's edition from its articles.
func (s *Site) newEditionBody(pub magazine.Publication, issue magazine.Issue, list []magazine.Article) (*editionBody, error) {
	set, err := s.templates(pub.Location())
	if err != nil {
		return nil, err
	}
	base := IssueURL(issue) + "/read"
	var eas []*editionArticle
	for _, a := range list {
		eas = append(eas, &editionArticle{Article: a, Anchor: "a-" + a.Slug, URL: base + "?at=" + a.Slug + "#a-" + a.Slug,
			Body: template.HTML(strings.Join(a.Pages, "\n"))})
	}
	for i, ea := range eas {
		if i > 0 {
			ea.Prev = eas[i-1]
		}
		if i+1 < len(eas) {
			ea.Next = eas[i+1]
		}
	}
	var buf bytes.Buffer
	data := struct {
		Pub      magazine.Publication
		Issue    magazine.Issue
		Articles []*editionArticle
	}{pub, issue, eas}
	if err := set["edition"].ExecuteTemplate(&buf, "edition-body", data); err != nil {
		return nil, err
	}
	b := &editionBody{html: buf.Bytes()}
	from := 0
	for _, ea := range eas {
		ref := editionRef{ID: ea.ID, Slug: ea.Slug, Headline: ea.Headline, URL: ea.URL, open: -1}
		if i := bytes.Index(b.html[from:], []byte(articleOpen+ea.Slug+`"`)); i >= 0 {
			ref.open = from + i
			from = ref.open + len(articleOpen)
		}
		b.articles = append(b.articles, ref)
	}
	return b, nil
}
