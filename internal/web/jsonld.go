package web

import (
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

// gatedSelector names the element that stands where a gated article's body
// would be, for Google's paywalled-content markup.
const gatedSelector = ".paywall"

func (s *Site) articleJSONLD(page Page, a magazine.Article, gated bool) ldThing {
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
