package demo

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// shape is the kind of piece an article is, which sets its length and
// furniture.
type shape int

const (
	brief    shape = iota // a short web piece
	standard              // a regular article
	feature               // a long article with subheads
	longRead              // a cover story over several pages
)

// spec is everything chosen about one article before it is written.
type spec struct {
	bt         *beat
	shape      shape
	headline   string // set for cover stories, whose headline names the issue
	slug       string // set with headline
	published  time.Time
	issueID    int64
	position   int
	visibility magazine.Visibility
	paywallAt  int // 0: no marker; else the marker follows this paragraph
	figures    bool
	pullQuote  bool
	blockQuote bool
	featured   bool
	coAuthor   bool
	formatTag  bool
	sectionID  int64
}

// library is what every article draws on: the sections, the writers, the
// pictures, and the slugs taken so far.
type library struct {
	sectionIDs []int64
	authorIDs  []int64
	byBeat     [][]int64 // the writers of each section
	figures    []picture
	figureURLs []string
	slugs      map[string]bool
}

// furniture is how likely each shape is to carry figures; pull quotes and
// block quotes follow in proportion.
var furniture = [...]float64{brief: 0.25, standard: 0.6, feature: 0.8, longRead: 1}

// chooseSpec decides the furniture of an article from its shape.
func chooseSpec(r *rand.Rand, sp *spec) {
	switch v := r.Float64(); {
	case v < 0.33:
		sp.visibility = magazine.VisibilitySubscribers
		if r.IntN(2) == 0 {
			sp.paywallAt = 2 + r.IntN(3)
		}
	case v < 0.40:
		sp.visibility = magazine.VisibilityRegistered
	default:
		sp.visibility = magazine.VisibilityPublic
	}
	chance := furniture[sp.shape]
	sp.figures = r.Float64() < chance
	sp.pullQuote = r.Float64() < chance*0.7
	sp.blockQuote = r.Float64() < chance*0.5
	sp.featured = r.Float64() < 0.85
	sp.coAuthor = r.IntN(6) == 0
	sp.formatTag = r.IntN(4) == 0
}

// paragraphsPerPage returns how many paragraphs each page of the article
// holds.
func paragraphsPerPage(r *rand.Rand, s shape) []int {
	switch s {
	case brief:
		return []int{3 + r.IntN(3)}
	case standard:
		return []int{6 + r.IntN(4)}
	case feature:
		return []int{9 + r.IntN(4)}
	}
	pages := make([]int, 3+r.IntN(2))
	for i := range pages {
		pages[i] = 5 + r.IntN(3)
	}
	return pages
}

// body writes the Markdown of an article: a lede, paragraphs with subheads,
// figures, a pull quote and a block quote as its spec asks, the paywall
// marker, page breaks, and a closing line.
func body(w *writer, sp *spec, lib *library) string {
	r := w.r
	mark := len(w.buf)
	pages := paragraphsPerPage(r, sp.shape)
	total, written := 0, 0
	for _, n := range pages {
		total += n
	}
	// Furniture goes after a paragraph, never after the last one.
	paywallAt := min(sp.paywallAt, total-1)
	pullAt, blockAt := -1, -1
	if sp.pullQuote {
		pullAt = min(2+r.IntN(max(1, total-3)), total-1)
	}
	if sp.blockQuote {
		blockAt = min(3+r.IntN(max(1, total-4)), total-1)
	}
	for p, n := range pages {
		if p > 0 {
			w.str("::pagebreak\n\n")
			w.subhead()
		}
		for j := range n {
			written++
			switch {
			case written == 1:
				w.sentence(ledes[r.IntN(len(ledes))])
				w.put(' ')
				w.paragraph(2 + r.IntN(2))
			case written == total:
				w.paragraph(1 + r.IntN(2))
				w.put(' ')
				w.sentence(closers[r.IntN(len(closers))])
			default:
				w.paragraph(3 + r.IntN(3))
			}
			w.str("\n\n")
			if written == paywallAt {
				w.str("::paywall\n\n")
			}
			if sp.figures && j == min(n-1, 1+p%2) {
				w.figure(lib)
			}
			if written == pullAt {
				w.pullQuote()
			}
			if written == blockAt {
				w.blockQuote()
			}
			if sp.shape >= feature && p == 0 && j == n/2 && j > 0 {
				w.subhead()
			}
		}
	}
	return w.text(mark)
}

func (w *writer) subhead() {
	w.str("## ")
	w.sentence(subheads[w.r.IntN(len(subheads))])
	w.str("\n\n")
}

func (w *writer) figure(lib *library) {
	i := w.r.IntN(len(lib.figures))
	pic := lib.figures[i]
	w.str("::: figure\n![")
	w.str(pic.alt)
	w.str("](")
	w.str(lib.figureURLs[i])
	w.str(")\n")
	if pic.abstract {
		w.sentence(abstractCaptions[w.r.IntN(len(abstractCaptions))])
		w.str("\nCredit: Illustration by ")
		w.personName()
		w.str(" for " + magazineName)
	} else {
		w.sentence(captions[w.r.IntN(len(captions))])
		w.str("\nCredit: ")
		if w.r.IntN(3) == 0 {
			w.personName()
			w.str(" / ")
		}
		w.str(agencies[w.r.IntN(len(agencies))])
	}
	w.str("\n:::\n\n")
}

func (w *writer) pullQuote() {
	w.str("::: pullquote\n")
	if len(w.quotes) > 0 {
		w.str(w.quotes[len(w.quotes)-1])
	} else {
		w.sentence("{F}.")
	}
	w.str("\n:::\n\n")
}

func (w *writer) blockQuote() {
	w.sentence(blockQuoteIntros[w.r.IntN(len(blockQuoteIntros))])
	w.str("\n\n> ")
	w.sentence(blockQuotes[w.r.IntN(len(blockQuotes))])
	w.str("\n\n")
}

// headline writes a title from the shared headline templates.
func headline(w *writer) string {
	mark := len(w.buf)
	w.title = true
	w.sentence(headlines[w.r.IntN(len(headlines))])
	w.title = false
	return w.text(mark)
}

func dek(w *writer) string {
	mark := len(w.buf)
	w.sentence(deks[w.r.IntN(len(deks))])
	return w.text(mark)
}

// uniqueSlug returns the slug of headline, with a counter appended when an
// earlier article took it.
func uniqueSlug(slugs map[string]bool, headline string) string {
	base := magazine.Slugify(headline)
	slug := base
	for n := 2; slugs[slug]; n++ {
		slug = base + "-" + strconv.Itoa(n)
	}
	slugs[slug] = true
	return slug
}

// article writes one article from its spec.
func article(r *rand.Rand, sp *spec, lib *library) magazine.ArticleInput {
	chooseSpec(r, sp)
	w := newWriter(r, sp.bt, sp.published.Year())
	in := magazine.ArticleInput{
		SectionID:     sp.sectionID,
		Status:        magazine.StatusPublished,
		Visibility:    sp.visibility,
		PublishedAt:   sp.published,
		IssueID:       sp.issueID,
		IssuePosition: sp.position,
	}
	in.Headline, in.Slug = sp.headline, sp.slug
	if in.Headline == "" {
		in.Headline = headline(w)
		in.Slug = uniqueSlug(lib.slugs, in.Headline)
	}
	in.Dek = dek(w)
	in.AuthorIDs = pickAuthors(r, sp, lib)
	in.Tags = pickTags(r, sp)
	if sp.featured {
		i := r.IntN(len(lib.figures))
		in.FeaturedURL, in.FeaturedAlt = lib.figureURLs[i], lib.figures[i].alt
	}
	in.BodyMarkdown = body(w, sp, lib)
	return in
}

// pickAuthors returns a writer of the article's section (now and then
// another), and sometimes a second writer from anywhere.
func pickAuthors(r *rand.Rand, sp *spec, lib *library) []int64 {
	all := lib.authorIDs
	pool := lib.byBeat[slices.Index(beats, sp.bt)]
	if len(pool) == 0 || r.IntN(7) == 0 {
		pool = all
	}
	first := pool[r.IntN(len(pool))]
	ids := []int64{first}
	if sp.coAuthor && len(all) > 1 {
		// Any other writer: draw from all but one place, and skip the first
		// author's.
		i := r.IntN(len(all) - 1)
		if i >= slices.Index(all, first) {
			i++
		}
		ids = append(ids, all[i])
	}
	return ids
}

// pickTags returns two tags of the section, and a tag for the form of the
// piece when it has one.
func pickTags(r *rand.Rand, sp *spec) []string {
	tags := sp.bt.tags
	first := r.IntN(len(tags))
	second := (first + 1 + r.IntN(len(tags)-1)) % len(tags)
	out := []string{tags[first], tags[second]}
	switch {
	case sp.shape == longRead:
		out = append(out, "Long Read")
	case sp.formatTag:
		out = append(out, formatTags[r.IntN(len(formatTags))])
	}
	return out
}
