package magazine

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Publication holds the settings that describe the magazine itself.
type Publication struct {
	Name     string
	Tagline  string
	LogoURL  string
	Locale   string // BCP 47, e.g. "en-GB"
	TimeZone string // IANA name, e.g. "Europe/London"
	// PreviewParagraphs is how many paragraphs a gated article shows when
	// its body has no paywall marker.
	PreviewParagraphs int
	// MeterArticles is how many subscribers-only articles a registered
	// reader without a subscription may open each month; 0 turns the
	// meter off (the default).
	MeterArticles int
	// RequireAdminTOTP makes a second factor compulsory for admins and
	// the owner: without one they can only reach their account page to
	// set it up.
	RequireAdminTOTP bool
	// SupportEmail is where readers write with questions; shown on the
	// account pages and in e-mail.
	SupportEmail string
	// IssueSchedule is the publishing calendar: when issues come out and
	// how they are numbered. The zero schedule means the default (see
	// OrDefault).
	IssueSchedule IssueSchedule
	// ArchiveWindowMonths is how far back a subscription without the
	// archive entitlement reads subscribers-only articles and editions;
	// 0 means no window: every subscription reads the whole archive.
	ArchiveWindowMonths int
	// Audio narration (see internal/audio): the engine ("festival",
	// "espeak-ng", "http", "off"; empty for the default), its voice, the
	// OpenAI-compatible server of the http engine, and whether figure
	// captions are read as "Image: caption".
	AudioEngine    string `json:",omitempty"`
	AudioVoice     string `json:",omitempty"`
	AudioHTTPURL   string `json:",omitempty"`
	AudioHTTPKey   string `json:",omitempty"`
	AudioHTTPModel string `json:",omitempty"`
	AudioCaptions  bool   `json:",omitempty"`
	// OfferPitch is the paragraph of the offer at the end of every article
	// for readers without a subscription; empty for DefaultOfferPitch.
	OfferPitch string `json:",omitempty"`
	// AdFreeLive says the ad-free benefit is delivered: until it is, the
	// offer calls it "coming soon".
	AdFreeLive bool `json:",omitempty"`
	// AdParagraph is the paragraph of an article after which its inline
	// ad slot comes; 0 for DefaultAdParagraph.
	AdParagraph int `json:",omitempty"`
	// AdOrigins are the origins (https://ads.example.com) third-party ad
	// tags may load from, separated by spaces: their frame's
	// Content-Security-Policy allows these and nothing else.
	AdOrigins string `json:",omitempty"`
}

// DefaultAdParagraph is where the inline ad slot comes until an editor
// chooses.
const DefaultAdParagraph = 3

// InlineAdParagraph is the paragraph after which an article's inline ad
// slot comes.
func (p Publication) InlineAdParagraph() int {
	if p.AdParagraph <= 0 {
		return DefaultAdParagraph
	}
	return p.AdParagraph
}

// DefaultOfferPitch is the offer's paragraph until an editor writes one.
const DefaultOfferPitch = "Reporting that takes its time, essays worth rereading and the whole magazine, twenty-four issues a year. Subscribe and read all of it."

// MaxOfferPitch bounds the offer's paragraph, in characters.
const MaxOfferPitch = 600

// Pitch is the offer's paragraph: the editor's, or the default.
func (p Publication) Pitch() string {
	if strings.TrimSpace(p.OfferPitch) == "" {
		return DefaultOfferPitch
	}
	return p.OfferPitch
}

// DefaultPublication is what a new database starts with.
func DefaultPublication() Publication {
	return Publication{
		Name:                "Masthead",
		Tagline:             "A magazine published with Masthead",
		Locale:              "en-US",
		TimeZone:            "UTC",
		PreviewParagraphs:   3,
		IssueSchedule:       DefaultIssueSchedule(),
		ArchiveWindowMonths: DefaultArchiveWindowMonths,
	}
}

// Location returns the publication's time zone, falling back to UTC.
func (p Publication) Location() *time.Location {
	if loc, err := time.LoadLocation(p.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

// Validate checks the settings an editor can change.
func (p Publication) Validate() error {
	if strings.TrimSpace(p.Name) == "" {
		return FieldError("name", "The publication needs a name.")
	}
	if _, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "" {
		return FieldError("time_zone", "%q is not a time zone name such as Europe/London.", p.TimeZone)
	}
	if p.PreviewParagraphs < 1 || p.PreviewParagraphs > 20 {
		return FieldError("preview_paragraphs", "Preview length must be between 1 and 20 paragraphs.")
	}
	if p.MeterArticles < 0 || p.MeterArticles > 100 {
		return FieldError("meter_articles", "Free articles a month must be between 0 (meter off) and 100.")
	}
	if p.ArchiveWindowMonths < 0 || p.ArchiveWindowMonths > 600 {
		return FieldError("archive_window_months", "The archive window is 0 (none) to 600 months.")
	}
	if n := len([]rune(p.OfferPitch)); n > MaxOfferPitch {
		return FieldError("offer_pitch", "The offer's paragraph is limited to %d characters; this one has %d.", MaxOfferPitch, n)
	}
	if p.AdParagraph < 0 || p.AdParagraph > 50 {
		return FieldError("ad_paragraph", "The inline ad comes after paragraph 1 to 50.")
	}
	if _, err := CheckAdOrigins(p.AdOrigins); err != nil {
		return err
	}
	switch p.AudioEngine {
	case "", "festival", "espeak-ng", "off":
	case "http":
		if !strings.HasPrefix(p.AudioHTTPURL, "http://") && !strings.HasPrefix(p.AudioHTTPURL, "https://") {
			return FieldError("audio_http_url", "The speech server's address starts with http:// or https://.")
		}
	default:
		return FieldError("audio_engine", "Choose Festival, espeak-ng, a speech server, or no narration.")
	}
	if len(p.AudioVoice) > 100 || len(p.AudioHTTPURL) > 500 || len(p.AudioHTTPKey) > 500 || len(p.AudioHTTPModel) > 100 {
		return FieldError("audio_voice", "The voice, model, address and key are limited to a few hundred characters.")
	}
	return p.IssueSchedule.OrDefault().Validate()
}

// Section is a department of the magazine: politics, finance, culture...
type Section struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	Position    int
}

// Author is a person who writes for the magazine.
type Author struct {
	ID       int64
	Slug     string
	Name     string
	Bio      string
	PhotoURL string
}

// Tag labels articles across sections.
type Tag struct {
	ID   int64
	Slug string
	Name string
}

// Status is where an article is in its life.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusScheduled Status = "scheduled"
	StatusPublished Status = "published"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	return s == StatusDraft || s == StatusScheduled || s == StatusPublished
}

// Visibility says who may read an article's whole body.
type Visibility string

const (
	VisibilityPublic      Visibility = "public"
	VisibilityRegistered  Visibility = "registered"
	VisibilitySubscribers Visibility = "subscribers"
)

// Valid reports whether v is one of the known visibilities.
func (v Visibility) Valid() bool {
	return v == VisibilityPublic || v == VisibilityRegistered || v == VisibilitySubscribers
}

// Article is one piece of writing. BodyHTML and PreviewHTML are rendered
// from BodyMarkdown when the article is saved, never per request.
type Article struct {
	ID           int64
	Slug         string
	Headline     string
	Dek          string
	Section      Section
	Authors      []Author
	Tags         []Tag
	Status       Status
	Visibility   Visibility
	PublishedAt  time.Time // zero until scheduled or published
	FeaturedURL  string    // featured image, a media URL
	FeaturedAlt  string
	BodyMarkdown string
	// Pages is the sanitised HTML of the body, one entry per page.
	Pages []string
	// PreviewHTML is what a reader who may not read the whole article
	// sees: the body up to the paywall marker, or its first paragraphs.
	PreviewHTML string
	// Description is plain text for meta tags: the dek, or the start of
	// the preview.
	Description string
	WordCount   int
	IssueID     int64 // 0 when the article belongs to no issue
	// IssueDate is the cover date of the article's issue, zero outside
	// an issue: the archive window counts from it.
	IssueDate      time.Time
	IssuePosition  int
	SEOTitle       string
	SEODescription string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ArticleInput is what an editor (or an import, or the demo) submits to
// create or change an article.
type ArticleInput struct {
	Slug         string
	Headline     string
	Dek          string
	SectionID    int64
	AuthorIDs    []int64
	Tags         []string // tag names; unknown ones are created
	Status       Status
	Visibility   Visibility
	PublishedAt  time.Time
	FeaturedURL  string
	FeaturedAlt  string
	BodyMarkdown string
	IssueID      int64
	// IssuePosition orders the article in its issue's table of contents.
	IssuePosition  int
	SEOTitle       string
	SEODescription string
}

// Limits on article fields, so that a hostile form cannot fill the disk.
const (
	MaxHeadline = 300
	MaxDek      = 1000
	MaxSlug     = 120
	MaxBody     = 2 << 20 // 2 MiB of Markdown is a very long book chapter
	MaxTags     = 30
	MaxAuthors  = 10
)

// Normalize trims the input, fills the slug from the headline when it is
// empty, and checks every rule that does not need the database.
func (in *ArticleInput) Normalize() error {
	if err := in.cleanText(); err != nil {
		return err
	}
	in.Headline = strings.TrimSpace(in.Headline)
	in.Dek = strings.TrimSpace(in.Dek)
	in.Slug = strings.TrimSpace(in.Slug)
	if in.Headline == "" {
		return FieldError("headline", "An article needs a headline.")
	}
	if len(in.Headline) > MaxHeadline {
		return FieldError("headline", "Headlines are limited to %d characters.", MaxHeadline)
	}
	if len(in.Dek) > MaxDek {
		return FieldError("dek", "The dek is limited to %d characters.", MaxDek)
	}
	if in.Slug == "" {
		in.Slug = Slugify(in.Headline)
	}
	if !ValidSlug(in.Slug) {
		return FieldError("slug", "A slug uses lower-case letters, digits and hyphens, up to %d characters.", MaxSlug)
	}
	if len(in.BodyMarkdown) > MaxBody {
		return &Error{Code: ETOOLARGE, Field: "body", Message: "The body is larger than 2 MiB."}
	}
	if in.Status == "" {
		in.Status = StatusDraft
	}
	if !in.Status.Valid() {
		return FieldError("status", "Unknown status %q.", in.Status)
	}
	if in.Visibility == "" {
		in.Visibility = VisibilityPublic
	}
	if !in.Visibility.Valid() {
		return FieldError("visibility", "Unknown visibility %q.", in.Visibility)
	}
	if in.SectionID == 0 {
		return FieldError("section", "Choose a section.")
	}
	if len(in.AuthorIDs) == 0 {
		return FieldError("authors", "An article needs at least one author.")
	}
	if len(in.AuthorIDs) > MaxAuthors {
		return FieldError("authors", "An article can have at most %d authors.", MaxAuthors)
	}
	seen := map[int64]bool{}
	for _, id := range in.AuthorIDs {
		if seen[id] {
			return FieldError("authors", "An author is listed twice.")
		}
		seen[id] = true
	}
	if len(in.Tags) > MaxTags {
		return FieldError("tags", "An article can have at most %d tags.", MaxTags)
	}
	in.FeaturedURL = strings.TrimSpace(in.FeaturedURL)
	if err := CheckImageURL("featured_url", "The featured image", in.FeaturedURL); err != nil {
		return err
	}
	if in.Status != StatusDraft && in.PublishedAt.IsZero() {
		return FieldError("published_at", "A scheduled or published article needs a publish time.")
	}
	return nil
}

// cleanText puts every text field in NFC and refuses invalid UTF-8, for
// articles from any source: the editor, the API, imports.
func (in *ArticleInput) cleanText() error {
	fields := []struct {
		name string
		p    *string
	}{{"headline", &in.Headline}, {"dek", &in.Dek}, {"slug", &in.Slug}, {"featured_url", &in.FeaturedURL},
		{"featured_alt", &in.FeaturedAlt}, {"body", &in.BodyMarkdown}, {"seo_title", &in.SEOTitle}, {"seo_description", &in.SEODescription}}
	for _, f := range fields {
		v, err := CleanText(f.name, *f.p)
		if err != nil {
			return err
		}
		*f.p = v
	}
	for i, t := range in.Tags {
		v, err := CleanText("tags", t)
		if err != nil {
			return err
		}
		in.Tags[i] = v
	}
	return nil
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ValidSlug reports whether s is usable in a URL as-is.
func ValidSlug(s string) bool {
	return len(s) > 0 && len(s) <= MaxSlug && slugPattern.MatchString(s)
}

// Slugify turns a title into a slug: accents dropped, lower case, words
// joined by hyphens, cut at a word boundary to MaxSlug.
func Slugify(title string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFKD.String(title) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // combining accent
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’':
			// "Europe's" becomes "europes", not "europe-s"
		default:
			hyphen = true
		}
	}
	s := b.String()
	for len(s) > MaxSlug {
		i := strings.LastIndexByte(s[:MaxSlug], '-')
		if i <= 0 {
			s = s[:MaxSlug]
			break
		}
		s = s[:i]
	}
	if s == "" {
		s = "untitled"
	}
	return s
}

// Issue is one number of the printed and digital magazine.
type Issue struct {
	ID        int64
	Volume    int
	Number    int
	CoverDate time.Time // a date; the time of day is not used
	Title     string
	CoverURL  string
	Published bool
	// PublishAt is when a scheduled issue goes live with its drafts; zero
	// when it is not scheduled.
	PublishAt time.Time
	// Articles is the table of contents, in order. Filled only where a
	// page needs it.
	Articles []Article
}

// Label is how the magazine names an issue in print: "Vol. 12, No. 5".
func (i Issue) Label() string {
	return "Vol. " + strconv.Itoa(i.Volume) + ", No. " + strconv.Itoa(i.Number)
}

// IssueInput creates or changes an issue.
type IssueInput struct {
	Volume    int
	Number    int
	CoverDate time.Time
	Title     string
	CoverURL  string
	Published bool
}

// Validate checks an issue's fields.
func (in *IssueInput) Validate() error {
	in.Title = strings.TrimSpace(in.Title)
	if in.Volume < 1 || in.Volume > 10000 {
		return FieldError("volume", "The volume is a number from 1.")
	}
	if in.Number < 1 || in.Number > 1000 {
		return FieldError("number", "The issue number is a number from 1.")
	}
	if in.CoverDate.IsZero() {
		return FieldError("cover_date", "An issue needs a cover date.")
	}
	if len(in.Title) > MaxHeadline {
		return FieldError("title", "Titles are limited to %d characters.", MaxHeadline)
	}
	return nil
}

// Input is the saved state of an article as an input: what an edit
// starts from.
func (a Article) Input() ArticleInput {
	in := ArticleInput{Slug: a.Slug, Headline: a.Headline, Dek: a.Dek, SectionID: a.Section.ID, Status: a.Status,
		Visibility: a.Visibility, PublishedAt: a.PublishedAt, FeaturedURL: a.FeaturedURL, FeaturedAlt: a.FeaturedAlt,
		BodyMarkdown: a.BodyMarkdown, SEOTitle: a.SEOTitle, SEODescription: a.SEODescription}
	for _, u := range a.Authors {
		in.AuthorIDs = append(in.AuthorIDs, u.ID)
	}
	for _, t := range a.Tags {
		in.Tags = append(in.Tags, t.Name)
	}
	return in
}
