package web

import (
	"strconv"

	"github.com/masthead-press/masthead/internal/magazine"
)

// The schema.org structures the pages embed. html/template encodes them as
// JSON inside the script element, escaping anything that could close it.

type ldThing = map[string]any

func websiteJSONLD(pub magazine.Publication, home string) ldThing {
	return ldThing{
		"@context": "https://schema.org",
		"@type":    "WebSite",
		"name":     pub.Name,
		"url":      home,
	}
}

// gatedSelector names the element of an article page that wraps the gated
// part of the body, for Google's paywalled-content markup: for an entitled
// reader it holds the whole text, for anyone else the same element holds
// only the preview (article.html).
const gatedSelector = ".paywalled"

// isGated reports whether an article is behind the paywall: that is the
// article's property, whoever reads it.
func isGated(a magazine.Article) bool { return a.Visibility != magazine.VisibilityPublic }

// articleJSONLD is an article's NewsArticle. Its paywall properties
// describe the article, not the viewer (Google's guidance): a gated
// article is not accessible for free even to its subscribers, and names
// the element that wraps its gated part.
func (s *Site) articleJSONLD(page Page, a magazine.Article) ldThing {
	gated := isGated(a)
	var authors []ldThing
	for _, au := range a.Authors {
		authors = append(authors, ldThing{"@type": "Person", "name": au.Name, "url": s.abs("/authors/" + au.Slug)})
	}
	publisher := ldThing{"@type": "NewsMediaOrganization", "name": page.Pub.Name, "url": s.abs("/")}
	if page.Pub.LogoURL != "" {
		publisher["logo"] = ldThing{"@type": "ImageObject", "url": s.abs(page.Pub.LogoURL)}
	}
	ld := ldThing{
		"@context":            "https://schema.org",
		"@type":               "NewsArticle",
		"headline":            a.Headline,
		"description":         a.Description,
		"datePublished":       a.PublishedAt.Format("2006-01-02T15:04:05Z07:00"),
		"dateModified":        a.UpdatedAt.Format("2006-01-02T15:04:05Z07:00"),
		"author":              authors,
		"publisher":           publisher,
		"mainEntityOfPage":    ldThing{"@type": "WebPage", "@id": s.abs(ArticleURL(a.Slug))},
		"articleSection":      a.Section.Name,
		"wordCount":           a.WordCount,
		"isAccessibleForFree": !gated,
	}
	if a.FeaturedURL != "" {
		ld["image"] = []string{s.abs(a.FeaturedURL)}
	}
	if len(a.Tags) > 0 {
		var kw []string
		for _, t := range a.Tags {
			kw = append(kw, t.Name)
		}
		ld["keywords"] = kw
	}
	if gated {
		ld["hasPart"] = ldThing{"@type": "WebPageElement", "isAccessibleForFree": false, "cssSelector": gatedSelector}
	}
	return ld
}

// issueJSONLD is an issue's PublicationIssue, part of the magazine as a
// Periodical, with its articles.
func (s *Site) issueJSONLD(pub magazine.Publication, i magazine.Issue, articles []magazine.Article) ldThing {
	periodical := ldThing{"@type": "Periodical", "name": pub.Name, "url": s.abs("/"),
		"publisher": ldThing{"@type": "NewsMediaOrganization", "name": pub.Name, "url": s.abs("/")}}
	name := i.Label()
	if i.Title != "" {
		name = i.Title + " (" + i.Label() + ")"
	}
	ld := ldThing{
		"@context":      "https://schema.org",
		"@type":         "PublicationIssue",
		"@id":           s.abs(IssueURL(i)),
		"url":           s.abs(IssueURL(i)),
		"name":          name,
		"issueNumber":   strconv.Itoa(i.Number),
		"datePublished": i.CoverDate.Format("2006-01-02"),
		"isPartOf":      periodical,
	}
	if i.CoverURL != "" {
		ld["image"] = s.abs(i.CoverURL)
	}
	var parts []ldThing
	for _, a := range articles {
		parts = append(parts, ldThing{"@type": "NewsArticle", "headline": a.Headline, "url": s.abs(ArticleURL(a.Slug))})
	}
	if len(parts) > 0 {
		ld["hasPart"] = parts
	}
	return ld
}
