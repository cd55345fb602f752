package magazine

import (
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// AdSlot names a place on the public pages where an ad may appear.
type AdSlot string

// The slots of the public templates.
const (
	SlotHome          AdSlot = "home"           // the home page, between its sections
	SlotArticleInline AdSlot = "article-inline" // inside an article, after paragraph Publication.AdParagraph
	SlotArticleEnd    AdSlot = "article-end"    // at the end of an article
	SlotList          AdSlot = "list"           // section, tag and author pages, after the list
)

// AdSlots lists every slot, in the order the admin shows them.
func AdSlots() []AdSlot { return []AdSlot{SlotHome, SlotArticleInline, SlotArticleEnd, SlotList} }

// SlotNames say in words where each slot is.
var SlotNames = map[AdSlot]string{
	SlotHome:          "Home page, between sections",
	SlotArticleInline: "Inside articles, after paragraph N",
	SlotArticleEnd:    "End of articles",
	SlotList:          "Section, tag and author pages",
}

// AdKind says what an ad is made of.
type AdKind string

const (
	// AdHouse is the magazine's own: an image from the media library and
	// a link, served and counted by the site.
	AdHouse AdKind = "house"
	// AdTag is an ad server's HTML and script, which only ever runs in a
	// sandboxed frame of its own.
	AdTag AdKind = "tag"
)

// Ad is one entry of the ad inventory.
type Ad struct {
	ID   int64
	Name string // for the admin only
	Kind AdKind
	// A house ad: the image's media key, its alternative text and where a
	// click goes.
	ImageKey string
	Alt      string
	LinkURL  string
	// A third-party tag's HTML.
	TagHTML string
	// Starts and Ends are whole days in the publication's time zone,
	// both included (midnight UTC of that date, as dates are stored).
	Starts, Ends time.Time
	// Weight is the ad's share of its slots among the ads live with it.
	Weight int
	Slots  []AdSlot
}

// Limits on what the inventory holds.
const (
	MaxAdWeight  = 1000
	MaxAdTag     = 32 << 10
	MaxAdAlt     = 300
	MaxAdName    = 100
	maxAdLinkURL = 2000
)

// Validate checks an ad as an admin entered it, trimming its text.
func (a *Ad) Validate() error {
	a.Name, a.Alt, a.LinkURL, a.TagHTML = strings.TrimSpace(a.Name), strings.TrimSpace(a.Alt), strings.TrimSpace(a.LinkURL), strings.TrimSpace(a.TagHTML)
	switch {
	case a.Name == "":
		return FieldError("name", "Give the ad a name, for this list (readers do not see it).")
	case utf8.RuneCountInString(a.Name) > MaxAdName:
		return FieldError("name", "The name is limited to %d characters.", MaxAdName)
	}
	switch a.Kind {
	case AdHouse:
		if a.ImageKey == "" {
			return FieldError("image", "Choose the ad's image, or upload one.")
		}
		if a.Alt == "" {
			return FieldError("alt", "Describe the image for readers who cannot see it: an image ad needs its alternative text.")
		}
		if utf8.RuneCountInString(a.Alt) > MaxAdAlt {
			return FieldError("alt", "The alternative text is limited to %d characters.", MaxAdAlt)
		}
		u, err := url.Parse(a.LinkURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(a.LinkURL) > maxAdLinkURL {
			return FieldError("link_url", "The link is a web address starting with https:// (or http://).")
		}
		a.TagHTML = ""
	case AdTag:
		if err := CheckAdTag(a.TagHTML); err != nil {
			return err
		}
		a.ImageKey, a.Alt, a.LinkURL = "", "", ""
	default:
		return FieldError("kind", "An ad is a house ad (an image and a link) or an ad server's tag.")
	}
	switch {
	case a.Starts.IsZero():
		return FieldError("starts", "Give the first day the ad runs.")
	case a.Ends.IsZero():
		return FieldError("ends", "Give the last day the ad runs.")
	case a.Ends.Before(a.Starts):
		return FieldError("ends", "The last day (%s) is before the first (%s): the ad would never run.", a.Ends.Format(time.DateOnly), a.Starts.Format(time.DateOnly))
	}
	if a.Weight < 1 || a.Weight > MaxAdWeight {
		return FieldError("weight", "The weight is a whole number from 1 to %d: an ad of weight 2 shows twice as often as one of weight 1.", MaxAdWeight)
	}
	if len(a.Slots) == 0 {
		return FieldError("slots", "Choose at least one place the ad may appear.")
	}
	for _, s := range a.Slots {
		if _, ok := SlotNames[s]; !ok {
			return FieldError("slots", "There is no ad slot %q.", s)
		}
	}
	slices.Sort(a.Slots)
	a.Slots = slices.Compact(a.Slots)
	return nil
}

// Fills reports whether the ad may appear in slot.
func (a Ad) Fills(slot AdSlot) bool { return slices.Contains(a.Slots, slot) }

// LiveOn reports whether the ad runs on day (a date; the time is ignored).
func (a Ad) LiveOn(day time.Time) bool {
	d := day.Format(time.DateOnly)
	return a.Starts.Format(time.DateOnly) <= d && d <= a.Ends.Format(time.DateOnly)
}

// PickAd chooses among ads by weight: n is any number (a hash, a random
// draw), taken modulo the total weight. ok is false for no ads.
func PickAd(ads []Ad, n uint64) (Ad, bool) {
	total := 0
	for _, a := range ads {
		total += a.Weight
	}
	if total <= 0 {
		return Ad{}, false
	}
	at := int(n % uint64(total))
	for _, a := range ads {
		if at < a.Weight {
			return a, true
		}
		at -= a.Weight
	}
	return ads[len(ads)-1], true
}

// VoidElement reports whether an HTML element has no end tag.
func VoidElement(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}

// CheckAdTag refuses an ad server's tag that is not well-formed HTML:
// every element but the void ones closed, in order, and nothing left
// open. A browser would repair such markup in a way nobody chose.
func CheckAdTag(tag string) error {
	if strings.TrimSpace(tag) == "" {
		return FieldError("tag_html", "Paste the ad server's tag: its HTML and script.")
	}
	if len(tag) > MaxAdTag {
		return FieldError("tag_html", "An ad tag is limited to %d KB; this one has %d KB.", MaxAdTag>>10, (len(tag)+1023)>>10)
	}
	z := html.NewTokenizer(strings.NewReader(tag))
	var open []string
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				return FieldError("tag_html", "The ad tag is not well-formed HTML: %v.", z.Err())
			}
			if len(open) > 0 {
				return FieldError("tag_html", "The ad tag is not well-formed HTML: <%s> is never closed.", open[len(open)-1])
			}
			return nil
		case html.StartTagToken:
			name, _ := z.TagName()
			if !VoidElement(string(name)) {
				open = append(open, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if VoidElement(string(name)) {
				continue
			}
			if len(open) == 0 || open[len(open)-1] != string(name) {
				return FieldError("tag_html", "The ad tag is not well-formed HTML: %s.", mismatch(open, string(name)))
			}
			open = open[:len(open)-1]
		}
	}
}

func mismatch(open []string, closing string) string {
	if len(open) == 0 {
		return fmt.Sprintf("</%s> closes nothing", closing)
	}
	return fmt.Sprintf("</%s> comes where <%s> should be closed", closing, open[len(open)-1])
}

// CheckAdOrigins parses the origins third-party tags may load from:
// scheme and host (and port), one per line or separated by spaces.
func CheckAdOrigins(raw string) ([]string, error) {
	var out []string
	for _, f := range strings.Fields(raw) {
		u, err := url.Parse(f)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(f, ";,'\"") {
			return nil, FieldError("ad_origins", "%q is not an origin such as https://ads.example.com (scheme and host, no path).", f)
		}
		o := u.Scheme + "://" + strings.ToLower(u.Host)
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	if len(out) > 50 {
		return nil, FieldError("ad_origins", "At most 50 ad origins.")
	}
	return out, nil
}
