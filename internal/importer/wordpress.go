package importer

import (
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// WordPressOptions are the choices a WordPress import offers.
type WordPressOptions struct {
	// MoreAsPaywall makes <!--more--> the paywall marker; otherwise it is
	// dropped.
	MoreAsPaywall bool
}

// wxrVersions are the WXR versions WordPress has written (3.0 onwards).
var wxrVersions = []string{"1.0", "1.1", "1.2"}

type wxrItem struct {
	Title    string       `xml:"title"`
	Link     string       `xml:"link"`
	PubDate  string       `xml:"pubDate"`
	Creator  string       `xml:"creator"`
	Encoded  []wxrEncoded `xml:"encoded"`
	PostID   string       `xml:"post_id"`
	Date     string       `xml:"post_date"`
	DateGMT  string       `xml:"post_date_gmt"`
	Name     string       `xml:"post_name"`
	Status   string       `xml:"status"`
	Type     string       `xml:"post_type"`
	Password string       `xml:"post_password"`
	AttURL   string       `xml:"attachment_url"`
	Terms    []struct {
		Domain   string `xml:"domain,attr"`
		Nicename string `xml:"nicename,attr"`
		Name     string `xml:",chardata"`
	} `xml:"category"`
	Meta []struct {
		Key   string `xml:"meta_key"`
		Value string `xml:"meta_value"`
	} `xml:"postmeta"`
}

// wxrEncoded is content:encoded or excerpt:encoded: the same local name
// in two namespaces, the excerpt's varying with the WXR version.
type wxrEncoded struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

func (it wxrItem) encoded(space string) string {
	for _, e := range it.Encoded {
		if strings.Contains(e.XMLName.Space, space) {
			return e.Value
		}
	}
	return ""
}

func (it wxrItem) meta(key string) string {
	for _, m := range it.Meta {
		if m.Key == key {
			return strings.TrimSpace(m.Value)
		}
	}
	return ""
}

// ParseWordPress reads a WordPress export (WXR). It reads the whole file
// before returning, and refuses it, naming the line, at the first thing
// wrong.
func ParseWordPress(r io.Reader, opts WordPressOptions) (Export, error) {
	e := Export{Format: "wordpress"}
	d := xml.NewDecoder(r)
	d.Strict = true
	var version, site string
	authors := map[string]Term{}
	var authorOrder []string
	sections := map[string]Term{}
	var sectionOrder []string
	type located struct {
		item wxrItem
		line int
		n    int
	}
	var items []located
	inChannel := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return e, wxrError(d, err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		line, _ := d.InputPos()
		switch start.Name.Local {
		case "rss":
			continue
		case "channel":
			inChannel = true
			continue
		}
		if !inChannel {
			return e, magazine.Errorf(magazine.EINVALID, "Line %d: this is not a WordPress export (WXR): expected <rss><channel>, found <%s>. Nothing was imported.", line, start.Name.Local)
		}
		switch start.Name.Local {
		case "wxr_version":
			if err := d.DecodeElement(&version, &start); err != nil {
				return e, wxrError(d, err)
			}
			version = strings.TrimSpace(version)
			if !slices.Contains(wxrVersions, version) {
				return e, magazine.Errorf(magazine.EINVALID, "Line %d: WXR version %q is not one this importer knows (%s). Nothing was imported.", line, version, strings.Join(wxrVersions, ", "))
			}
		case "base_site_url":
			if err := d.DecodeElement(&site, &start); err != nil {
				return e, wxrError(d, err)
			}
		case "author":
			var a struct {
				Login string `xml:"author_login"`
				Name  string `xml:"author_display_name"`
			}
			if err := d.DecodeElement(&a, &start); err != nil {
				return e, wxrError(d, err)
			}
			login := strings.TrimSpace(a.Login)
			if login == "" {
				return e, magazine.Errorf(magazine.EINVALID, "Line %d: an author has no login. Nothing was imported.", line)
			}
			name := strings.TrimSpace(a.Name)
			if name == "" {
				name = login
			}
			if _, dup := authors[login]; !dup {
				authorOrder = append(authorOrder, login)
			}
			authors[login] = Term{ID: login, Slug: slugOf(name, login), Name: name}
		case "category":
			var c struct {
				Nicename string `xml:"category_nicename"`
				Name     string `xml:"cat_name"`
				Desc     string `xml:"category_description"`
			}
			if err := d.DecodeElement(&c, &start); err != nil {
				return e, wxrError(d, err)
			}
			nice := strings.TrimSpace(c.Nicename)
			if nice == "" {
				return e, magazine.Errorf(magazine.EINVALID, "Line %d: a category has no slug (category_nicename). Nothing was imported.", line)
			}
			if _, dup := sections[nice]; !dup {
				sectionOrder = append(sectionOrder, nice)
			}
			sections[nice] = Term{ID: nice, Slug: slugOf(nice, c.Name), Name: strings.TrimSpace(c.Name), Description: strings.TrimSpace(c.Desc)}
		case "item":
			var it wxrItem
			if err := d.DecodeElement(&it, &start); err != nil {
				return e, wxrError(d, err)
			}
			items = append(items, located{item: it, line: line, n: len(items) + 1})
		default:
			if err := d.Skip(); err != nil {
				return e, wxrError(d, err)
			}
		}
	}
	if version == "" {
		return e, magazine.Errorf(magazine.EINVALID, "This is not a WordPress export: it has no <wp:wxr_version>. Export again from Tools, Export in WordPress. Nothing was imported.")
	}
	site = strings.TrimRight(strings.TrimSpace(site), "/")
	e.Source = "wordpress:" + site

	// Attachments first: posts name their featured image by its id.
	type attachment struct{ url, alt string }
	atts := map[string]attachment{}
	for _, l := range items {
		if l.item.Type == "attachment" {
			atts[strings.TrimSpace(l.item.PostID)] = attachment{url: strings.TrimSpace(l.item.AttURL), alt: l.item.meta("_wp_attachment_image_alt")}
		}
	}
	used := map[string]bool{}
	skipped := map[string]int{}
	for _, l := range items {
		it := l.item
		ref := fmt.Sprintf("Item %d (line %d)", l.n, l.line)
		if it.Type != "post" {
			if it.Type == "page" {
				skipped["pages"]++
			}
			continue
		}
		p := Post{ID: strings.TrimSpace(it.PostID), Ref: ref, Title: strings.TrimSpace(it.Title), Dek: plainExcerpt(it.encoded("excerpt"))}
		if p.ID == "" {
			return e, magazine.Errorf(magazine.EINVALID, "%s: the post has no wp:post_id. Nothing was imported.", ref)
		}
		switch strings.TrimSpace(it.Status) {
		case "publish":
			p.Status = magazine.StatusPublished
		case "future":
			p.Status = magazine.StatusScheduled
		case "draft", "pending", "private":
			p.Status = magazine.StatusDraft
		case "trash", "auto-draft", "inherit":
			skipped["drafts in the bin or unsaved"]++
			continue
		default:
			return e, magazine.Errorf(magazine.EINVALID, "%s: unknown post status %q. Nothing was imported.", ref, it.Status)
		}
		var err error
		if p.PublishedAt, err = wxrDate(it); err != nil {
			return e, magazine.Errorf(magazine.EINVALID, "%s: %s Nothing was imported.", ref, err.Error())
		}
		if p.Status != magazine.StatusDraft && p.PublishedAt.IsZero() {
			return e, magazine.Errorf(magazine.EINVALID, "%s: a published post has no date. Nothing was imported.", ref)
		}
		if p.Status == magazine.StatusDraft {
			p.PublishedAt = time.Time{}
		}
		if p.Title == "" {
			p.Title = "Untitled"
			e.Warnings = append(e.Warnings, fmt.Sprintf("%s has no title; it was imported as “Untitled”.", ref))
		}
		p.Visibility = magazine.VisibilityPublic
		if strings.TrimSpace(it.Password) != "" {
			p.Visibility = magazine.VisibilitySubscribers
			e.Warnings = append(e.Warnings, fmt.Sprintf("%s (%q) had a password; it is for subscribers here.", ref, p.Title))
		}
		name, _ := url.PathUnescape(strings.TrimSpace(it.Name))
		p.Slug = slugOf(name, p.Title)
		creator := strings.TrimSpace(it.Creator)
		if creator == "" {
			return e, magazine.Errorf(magazine.EINVALID, "%s: the post has no author (dc:creator). Nothing was imported.", ref)
		}
		if _, ok := authors[creator]; !ok {
			authors[creator] = Term{ID: creator, Slug: slugOf(creator, creator), Name: creator}
			authorOrder = append(authorOrder, creator)
		}
		p.Authors = []string{creator}
		for _, t := range it.Terms {
			name, nice := strings.TrimSpace(t.Name), strings.TrimSpace(t.Nicename)
			switch t.Domain {
			case "category":
				if nice == "" {
					nice = magazine.Slugify(name)
				}
				if _, ok := sections[nice]; !ok {
					sections[nice] = Term{ID: nice, Slug: slugOf(nice, name), Name: name}
					sectionOrder = append(sectionOrder, nice)
				}
				if p.Section == "" {
					p.Section = nice
				}
			case "post_tag":
				if name != "" && !slices.Contains(p.Tags, name) {
					p.Tags = append(p.Tags, name)
				}
			}
		}
		if p.Section == "" {
			if _, ok := sections["uncategorized"]; !ok {
				sections["uncategorized"] = Term{ID: "uncategorized", Slug: "uncategorized", Name: "Uncategorized"}
				sectionOrder = append(sectionOrder, "uncategorized")
			}
			p.Section = "uncategorized"
		}
		if thumb := it.meta("_thumbnail_id"); thumb != "" {
			if a, ok := atts[thumb]; ok && a.url != "" {
				p.Featured, p.FeaturedAlt = a.url, a.alt
				used[a.url] = true
			} else {
				e.Warnings = append(e.Warnings, fmt.Sprintf("%s: its featured image (attachment %s) is not in the file.", ref, thumb))
			}
		}
		if p.Body, p.Images, err = toMarkdown(wordPressHTML(it.encoded("content"), opts)); err != nil {
			return e, magazine.Errorf(magazine.EINVALID, "%s: %s. Nothing was imported.", ref, err.Error())
		}
		for _, src := range p.Images {
			used[src] = true
		}
		if u, err := url.Parse(strings.TrimSpace(it.Link)); err == nil && u.RawQuery == "" && strings.Trim(u.Path, "/") != "" {
			p.OldPaths = append(p.OldPaths, u.Path)
		}
		e.Posts = append(e.Posts, p)
	}
	for _, login := range authorOrder {
		e.Authors = append(e.Authors, authors[login])
	}
	for _, nice := range sectionOrder {
		e.Sections = append(e.Sections, sections[nice])
	}
	for _, l := range items {
		if a := atts[strings.TrimSpace(l.item.PostID)]; l.item.Type == "attachment" && a.url != "" && !used[a.url] {
			e.Attachments = append(e.Attachments, a.url)
		}
	}
	for what, n := range skipped {
		e.Warnings = append(e.Warnings, fmt.Sprintf("%d %s were left out.", n, what))
	}
	slices.Sort(e.Warnings[max(0, len(e.Warnings)-len(skipped)):])
	return e, nil
}

// wxrError names the line of a malformed or truncated file.
func wxrError(d *xml.Decoder, err error) error {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		return magazine.Errorf(magazine.EINVALID, "Line %d: the XML is malformed (%s); is the file complete? Nothing was imported.", syn.Line, syn.Msg)
	}
	line, _ := d.InputPos()
	return magazine.Errorf(magazine.EINVALID, "Line %d: %s. Nothing was imported.", line, err.Error())
}

const wxrDateLayout = "2006-01-02 15:04:05"

// wxrDate is when a post was published: its GMT date, else its local date
// taken as UTC (WordPress leaves the GMT date empty on some drafts).
func wxrDate(it wxrItem) (time.Time, error) {
	for _, v := range []string{it.DateGMT, it.Date} {
		v = strings.TrimSpace(v)
		if v == "" || strings.HasPrefix(v, "0000-00-00") {
			continue
		}
		t, err := time.Parse(wxrDateLayout, v)
		if err != nil {
			return time.Time{}, fmt.Errorf("the date %q is not a date like 2023-10-23 14:05:00.", v)
		}
		return t.UTC(), nil
	}
	return time.Time{}, nil
}

var (
	// captionShortcode is [caption …]<img …> Caption text[/caption].
	captionShortcode = regexp.MustCompile(`(?s)\[caption([^\]]*)\](.*?)\[/caption\]`)
	captionAttr      = regexp.MustCompile(`caption="([^"]*)"`)
	imgTag           = regexp.MustCompile(`(?s)^\s*(?:<a[^>]*>\s*)?(<img[^>]*>)(?:\s*</a>)?`)
	blockStart       = regexp.MustCompile(`(?i)^<(p|div|figure|h[1-6]|ul|ol|li|blockquote|pre|table|hr|!--|section|dl|iframe|form|address)\b`)
	moreMarker       = regexp.MustCompile(`<!--more(?:\s[^>]*)?-->`)
	anyTag           = regexp.MustCompile(`<[^>]*>`)
)

// wordPressHTML turns a post's stored content into plain HTML: caption
// shortcodes into <figure>s, <!--nextpage--> and <!--more--> into the
// markers toMarkdown makes blocks of, and blank-line paragraphs into <p>
// as WordPress's own wpautop does when it shows the post.
func wordPressHTML(content string, opts WordPressOptions) string {
	content = strings.ReplaceAll(content, "\r\n", "\n")
	content = captionShortcode.ReplaceAllStringFunc(content, func(sc string) string {
		m := captionShortcode.FindStringSubmatch(sc)
		attrs, inner := m[1], m[2]
		img := imgTag.FindStringSubmatch(inner)
		if img == nil {
			return inner
		}
		caption := strings.TrimSpace(inner[len(img[0]):])
		if c := captionAttr.FindStringSubmatch(attrs); c != nil && caption == "" {
			caption = c[1]
		}
		return "\n\n<figure>" + img[1] + "<figcaption>" + caption + "</figcaption></figure>\n\n"
	})
	content = strings.ReplaceAll(content, "<!--nextpage-->", "\n\n<p>"+markPageBreak+"</p>\n\n")
	more := ""
	if opts.MoreAsPaywall {
		more = "\n\n<p>" + markPaywall + "</p>\n\n"
	}
	content = moreMarker.ReplaceAllString(content, more)
	var b strings.Builder
	for block := range strings.SplitSeq(content, "\n\n") {
		block = strings.TrimSpace(block)
		switch {
		case block == "":
		case blockStart.MatchString(block):
			b.WriteString(block + "\n")
		default:
			b.WriteString("<p>" + strings.ReplaceAll(block, "\n", "<br>\n") + "</p>\n")
		}
	}
	return b.String()
}

// plainExcerpt is an excerpt as a dek: text only, on one line.
func plainExcerpt(s string) string {
	s = anyTag.ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

// slugOf is s as a slug, or fallback's when s makes none.
func slugOf(s, fallback string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return magazine.Slugify(fallback)
	case magazine.ValidSlug(s):
		return s
	}
	return magazine.Slugify(s)
}
