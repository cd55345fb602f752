// Package importer brings a magazine over from WordPress (a WXR export),
// Ghost (its JSON export) or Substack (its export folder): posts with
// their dates, authors, sections, tags, figures and page breaks; members
// and e-mail lists as readers, paid and comped ones with comps; the old
// addresses as permanent redirects. See docs/IMPORT.md.
//
// Every format is read and checked whole before anything is written, so a
// malformed file imports nothing and the error names the line or record.
// Writes go in batches, one transaction each. Each thing imported keeps
// its id at the source and a digest of what the source said: a second
// run updates what changed and leaves the rest alone.
package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// Export is a parsed export, in the terms every format shares.
type Export struct {
	// Format is "wordpress", "ghost" or "substack".
	Format string
	// Source names the site it came from (e.g. "wordpress:https://old.example"):
	// a second import of the same site finds what the first one made.
	Source   string
	Sections []Term
	Authors  []Term
	Posts    []Post
	Members  []Member
	// Attachments are image files of the site that no post uses inline;
	// they are kept in the media library.
	Attachments []string
	Warnings    []string
}

// Term is a section or an author at the source.
type Term struct {
	ID, Slug, Name, Description string
}

// Post is one article at the source, its body already in our Markdown.
type Post struct {
	ID          string
	Ref         string // where it is in the file, for messages: "item 12 (line 340)"
	Slug        string
	Title       string
	Dek         string
	Body        string // Markdown; images at their source addresses
	Status      magazine.Status
	PublishedAt time.Time
	Visibility  magazine.Visibility
	Section     string   // Term.ID
	Authors     []string // Term.IDs
	Tags        []string
	Featured    string // the featured image's source address
	FeaturedAlt string
	// Images are the source addresses the body's figures use.
	Images   []string
	OldPaths []string
}

// Member is a reader at the source. PaidThrough is set for paid and
// comped members: the moment their access ends, which their comp runs to.
type Member struct {
	ID, Ref     string
	Email, Name string
	Status      string // "free", "paid" or "comped"
	PaidThrough time.Time
}

// Options are how an import runs.
type Options struct {
	DryRun bool
	// Images finds and stores the posts' pictures; nil leaves every image
	// at its source address.
	Images *Images
	// CompPlan is the plan paid and comped members are comped on; 0 picks
	// the first plan with subscriber content and no print edition.
	CompPlan int64
	Actor    store.Actor
	// Progress, if set, is told how many posts and members are done of
	// how many.
	Progress func(done, total int)
}

// Report is what an import did, or (dry run) would do.
type Report struct {
	DryRun                bool
	Sections, Authors     Counts
	Posts, Readers        Counts
	Redirects             int
	Images, ImagesMissing int
	Warnings              []string
}

// Counts are things created, updated and left as they were.
type Counts struct{ Created, Updated, Unchanged int }

func (c *Counts) add(o store.ImportCounts) {
	c.Created += o.Created
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
}

// batch is how many posts or readers go in one transaction.
const batch = 500

// Run writes what e holds into st (or, dry run, says what it would write).
func Run(ctx context.Context, st *store.Store, e Export, opts Options) (Report, error) {
	rep := Report{DryRun: opts.DryRun, Warnings: slices.Clone(e.Warnings)}
	if err := check(e); err != nil {
		return rep, err
	}
	plan, err := compPlan(ctx, st, opts.CompPlan, e.Members, &rep)
	if err != nil {
		return rep, err
	}
	total, done := len(e.Posts)+len(e.Members), 0
	step := func(n int) {
		done += n
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
	}
	if opts.DryRun {
		return rep, dryRun(ctx, st, e, &rep, opts.Images, step)
	}
	sections, c, err := st.ImportTerms(ctx, e.Source, store.ImportSection, terms(e.Sections))
	if err != nil {
		return rep, err
	}
	rep.Sections.add(c)
	authors, c, err := st.ImportTerms(ctx, e.Source, store.ImportAuthor, terms(e.Authors))
	if err != nil {
		return rep, err
	}
	rep.Authors.add(c)
	for chunk := range slices.Chunk(e.Posts, batch) {
		if err := writePosts(ctx, st, e.Source, chunk, sections, authors, opts.Images, &rep); err != nil {
			return rep, err
		}
		step(len(chunk))
	}
	if opts.Images != nil {
		for _, src := range e.Attachments {
			if _, ok := opts.Images.Resolve(ctx, src); ok {
				rep.Images++
			}
		}
	}
	for chunk := range slices.Chunk(e.Members, batch) {
		list := make([]store.ImportedReader, len(chunk))
		for i, m := range chunk {
			list[i] = reader(m, plan)
		}
		c, err := st.ImportReaders(ctx, opts.Actor, e.Source, list)
		if err != nil {
			return rep, err
		}
		rep.Readers.add(c)
		step(len(chunk))
	}
	if opts.Images != nil {
		rep.ImagesMissing = len(opts.Images.Missing)
		for _, m := range opts.Images.Missing {
			rep.Warnings = append(rep.Warnings, "Image not imported: "+m)
		}
	}
	return rep, nil
}

// check refuses an export that would fail part-way: every post must make
// a valid article, every id be unique, every reference resolve.
func check(e Export) error {
	sections, authors := ids(e.Sections), ids(e.Authors)
	seen := map[string]bool{}
	for _, p := range e.Posts {
		if seen[p.ID] {
			return magazine.Errorf(magazine.EINVALID, "%s: the post id %q is used twice. Nothing was imported.", p.Ref, p.ID)
		}
		seen[p.ID] = true
		if !sections[p.Section] {
			return magazine.Errorf(magazine.EINVALID, "%s: the post's section %q is not in the file. Nothing was imported.", p.Ref, p.Section)
		}
		for _, a := range p.Authors {
			if !authors[a] {
				return magazine.Errorf(magazine.EINVALID, "%s: the post's author %q is not in the file. Nothing was imported.", p.Ref, a)
			}
		}
		in := input(p, map[string]int64{p.Section: 1}, map[string]int64{}, nil)
		in.AuthorIDs = make([]int64, len(p.Authors))
		for i := range in.AuthorIDs {
			in.AuthorIDs[i] = int64(i + 1)
		}
		if err := in.Normalize(); err != nil {
			return magazine.Errorf(magazine.EINVALID, "%s (%q): %s Nothing was imported.", p.Ref, p.Title, magazine.ErrorMessage(err))
		}
	}
	members := map[string]bool{}
	for _, m := range e.Members {
		if members[m.ID] {
			return magazine.Errorf(magazine.EINVALID, "%s: the member id %q is used twice. Nothing was imported.", m.Ref, m.ID)
		}
		members[m.ID] = true
		if _, err := store.NormalizeEmail(m.Email); err != nil {
			return magazine.Errorf(magazine.EINVALID, "%s: %q is not an e-mail address. Nothing was imported.", m.Ref, m.Email)
		}
	}
	return nil
}

func ids(ts []Term) map[string]bool {
	m := make(map[string]bool, len(ts))
	for _, t := range ts {
		m[t.ID] = true
	}
	return m
}

func terms(ts []Term) []store.ImportedTerm {
	out := make([]store.ImportedTerm, len(ts))
	for i, t := range ts {
		out[i] = store.ImportedTerm{Imported: store.Imported{SourceID: t.ID, Hash: digest(t)}, Slug: t.Slug, Name: t.Name, Description: t.Description}
	}
	return out
}

// digest is the hash a second run compares: of what the source said, so
// that an unchanged post is skipped before its images are looked at.
func digest(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain structs of strings and times always marshal
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// input is p as an article, its images at the addresses images gives.
func input(p Post, sections, authors map[string]int64, images map[string]string) magazine.ArticleInput {
	in := magazine.ArticleInput{Slug: p.Slug, Headline: p.Title, Dek: p.Dek, SectionID: sections[p.Section], Tags: p.Tags,
		Status: p.Status, Visibility: p.Visibility, PublishedAt: p.PublishedAt, BodyMarkdown: p.Body,
		FeaturedURL: p.Featured, FeaturedAlt: p.FeaturedAlt}
	for _, a := range p.Authors {
		in.AuthorIDs = append(in.AuthorIDs, authors[a])
	}
	for old, now := range images {
		in.BodyMarkdown = strings.ReplaceAll(in.BodyMarkdown, "]("+old+")", "]("+now+")")
		if in.FeaturedURL == old {
			in.FeaturedURL = now
		}
	}
	// A featured image still elsewhere must at least be an https address.
	if magazine.CheckImageURL("featured_url", "", in.FeaturedURL) != nil {
		in.FeaturedURL, in.FeaturedAlt = "", ""
	}
	return in
}

func writePosts(ctx context.Context, st *store.Store, source string, posts []Post, sections, authors map[string]int64, imgs *Images, rep *Report) error {
	ids := make([]string, len(posts))
	for i, p := range posts {
		ids[i] = p.ID
	}
	state, err := st.ImportState(ctx, source, store.ImportArticle, ids)
	if err != nil {
		return err
	}
	list := make([]store.ImportedArticle, 0, len(posts))
	for _, p := range posts {
		h := digest(p)
		resolved := map[string]string{}
		if old, ok := state[p.ID]; (!ok || old.Hash != h) && imgs != nil {
			// Only what is new or changed is fetched and stored.
			for _, src := range append(slices.Clone(p.Images), p.Featured) {
				if src == "" {
					continue
				}
				if url, ok := imgs.Resolve(ctx, src); ok {
					resolved[src] = url
				}
			}
		}
		list = append(list, store.ImportedArticle{Imported: store.Imported{SourceID: p.ID, Hash: h},
			Input: input(p, sections, authors, resolved), OldPaths: p.OldPaths})
		if !(state[p.ID].Hash == h) {
			rep.Redirects += len(p.OldPaths)
		}
	}
	c, err := st.ImportArticleBatch(ctx, source, list)
	if err != nil {
		return err
	}
	rep.Posts.add(c)
	rep.Warnings = append(rep.Warnings, c.Warnings...)
	return nil
}

// dryRun counts what a run would create, update and leave, writing
// nothing and fetching nothing.
func dryRun(ctx context.Context, st *store.Store, e Export, rep *Report, imgs *Images, step func(int)) error {
	count := func(kind string, n int, id func(int) string, hash func(int) string) (Counts, error) {
		keys := make([]string, n)
		for i := range n {
			keys[i] = id(i)
		}
		state, err := st.ImportState(ctx, e.Source, kind, keys)
		if err != nil {
			return Counts{}, err
		}
		var c Counts
		for i := range n {
			switch old, ok := state[id(i)]; {
			case !ok:
				c.Created++
			case old.Hash != hash(i):
				c.Updated++
			default:
				c.Unchanged++
			}
		}
		return c, nil
	}
	var err error
	termCount := func(kind string, ts []Term) (Counts, error) {
		return count(kind, len(ts), func(i int) string { return ts[i].ID }, func(i int) string { return digest(ts[i]) })
	}
	if rep.Sections, err = termCount(store.ImportSection, e.Sections); err != nil {
		return err
	}
	if rep.Authors, err = termCount(store.ImportAuthor, e.Authors); err != nil {
		return err
	}
	if rep.Posts, err = count(store.ImportArticle, len(e.Posts), func(i int) string { return e.Posts[i].ID }, func(i int) string { return digest(e.Posts[i]) }); err != nil {
		return err
	}
	step(len(e.Posts))
	if rep.Readers, err = count(store.ImportReader, len(e.Members), func(i int) string { return e.Members[i].ID }, func(i int) string { return digest(e.Members[i]) }); err != nil {
		return err
	}
	step(len(e.Members))
	seen := map[string]bool{}
	for _, p := range e.Posts {
		rep.Redirects += len(p.OldPaths)
		for _, src := range append(slices.Clone(p.Images), p.Featured) {
			if src != "" && !seen[src] {
				seen[src] = true
				if imgs != nil && imgs.Local(src) {
					rep.Images++
				} else if !strings.HasPrefix(src, media.URL("")) {
					rep.ImagesMissing++
				}
			}
		}
	}
	return nil
}

// compPlan is the plan comps are made on, when any member needs one.
func compPlan(ctx context.Context, st *store.Store, id int64, members []Member, rep *Report) (int64, error) {
	need := slices.ContainsFunc(members, func(m Member) bool { return !m.PaidThrough.IsZero() })
	if !need || id != 0 {
		return id, nil
	}
	plans, err := st.Plans(ctx, false)
	if err != nil {
		return 0, err
	}
	for _, p := range plans {
		if p.Grants(magazine.EntSubscriberContent) && !p.NeedsShipping() {
			return p.ID, nil
		}
	}
	rep.Warnings = append(rep.Warnings, "No plan grants subscriber content without print, so paid and comped members were imported as readers without a comp. Add a plan and import again.")
	return 0, nil
}

func reader(m Member, plan int64) store.ImportedReader {
	email, _ := store.NormalizeEmail(m.Email) // checked already
	r := store.ImportedReader{Imported: store.Imported{SourceID: m.ID, Hash: digest(m)}, Email: email, Name: strings.TrimSpace(m.Name)}
	if plan != 0 && !m.PaidThrough.IsZero() {
		r.CompPlan, r.CompUntil = plan, m.PaidThrough
		r.Note = fmt.Sprintf("imported %s member", m.Status)
	}
	return r
}

// Text is the report as the command prints it: what was (or, dry run,
// would be) created, updated and left alone, then any warnings.
func (r Report) Text() string {
	var b strings.Builder
	verb := "Imported"
	if r.DryRun {
		verb = "Dry run: nothing was written. Would import"
	}
	counts := func(name string, c Counts) {
		fmt.Fprintf(&b, "  %-9s %d new, %d updated, %d unchanged\n", name, c.Created, c.Updated, c.Unchanged)
	}
	fmt.Fprintf(&b, "%s:\n", verb)
	counts("sections", r.Sections)
	counts("authors", r.Authors)
	counts("articles", r.Posts)
	counts("readers", r.Readers)
	fmt.Fprintf(&b, "  %-9s %d old addresses redirect to the new ones\n", "redirects", r.Redirects)
	fmt.Fprintf(&b, "  %-9s %d in the media library besides the articles' own, %d left at their old address\n", "images", r.Images, r.ImagesMissing)
	if len(r.Warnings) > 0 {
		noun := "warnings"
		if len(r.Warnings) == 1 {
			noun = "warning"
		}
		fmt.Fprintf(&b, "%d %s:\n", len(r.Warnings), noun)
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "  - %s\n", w)
		}
	}
	return b.String()
}
