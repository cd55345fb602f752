// Package demo fills an empty database with a believable magazine: six
// sections, writers with portraits, two years of issues with covers, and
// articles with figures, pull quotes, paywalls and several pages, all
// generated from word lists and drawn in Go. The same options give the
// same magazine, so a demo, a screenshot or a benchmark can be repeated.
package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// Options shape the generated magazine. Zero fields take the defaults of
// Small.
type Options struct {
	// Now dates the magazine: the newest issue's cover date is the latest
	// 1st or 15th on or before Now, in the publication's time zone. Zero
	// means the current time.
	Now      time.Time
	Seed     uint64 // default 1
	Issues   int    // default 48: two years, on the 1st and the 15th
	PerIssue int    // articles per issue, default 25
	WebOnly  int    // articles outside any issue, default 200; negative for none
	Authors  int    // default 15
	// Progress receives a line now and then ("articles 1000/1400"); nil
	// for none.
	Progress io.Writer
}

// Small returns the default options: the demo magazine of 48 issues and
// 1,400 articles.
func Small() Options {
	return Options{Seed: 1, Issues: 48, PerIssue: 25, WebOnly: 200, Authors: 15}
}

// Large returns options for a magazine of about total articles, to measure
// the site on a big archive: issues of 40 articles (720 of them for
// 150,000, thirty years' worth), the rest web-only, and 200 authors.
func Large(total int) Options {
	total = max(1, total)
	per := min(40, total)
	issues := max(1, min((total*720+75_000)/150_000, total/per))
	web := total - issues*per
	if web == 0 {
		web = -1
	}
	return Options{Seed: 1, Issues: issues, PerIssue: per, WebOnly: web, Authors: 200}
}

func (o Options) withDefaults() Options {
	d := Small()
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Seed == 0 {
		o.Seed = d.Seed
	}
	if o.Issues <= 0 {
		o.Issues = d.Issues
	}
	if o.PerIssue <= 0 {
		o.PerIssue = d.PerIssue
	}
	switch {
	case o.WebOnly == 0:
		o.WebOnly = d.WebOnly
	case o.WebOnly < 0:
		o.WebOnly = 0
	}
	if o.Authors <= 0 {
		o.Authors = d.Authors
	}
	return o
}

// Summary counts what Seed created.
type Summary struct {
	Sections, Authors, Issues, Articles, Images int
}

// The random streams, one per kind of thing, so that a change to how
// covers are drawn does not change the articles.
const (
	streamFigures = iota + 1
	streamCovers
	streamPortraits
	streamAuthors
	streamIssues
	streamArticles
	streamTimes
)

// newRand returns the generator for item i of a stream. The two PCG seeds
// are mixed so that neighbouring items do not start from neighbouring
// states.
func newRand(seed uint64, stream, i int) *rand.Rand {
	return rand.New(rand.NewPCG(splitmix(seed^uint64(stream)<<56), splitmix(uint64(i)+uint64(stream)<<40)))
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// publication is the demo magazine's settings.
func publication() magazine.Publication {
	return magazine.Publication{
		Name:                magazineName,
		Tagline:             "Politics, money and ideas, twice a month",
		Locale:              "en-US",
		TimeZone:            "America/New_York",
		PreviewParagraphs:   3,
		IssueSchedule:       magazine.DefaultIssueSchedule(),
		ArchiveWindowMonths: magazine.DefaultArchiveWindowMonths,
	}
}

// Seed fills an empty database with the demo magazine. It refuses a
// database that already has sections or authors, before writing anything.
func Seed(ctx context.Context, st *store.Store, files media.Storage, opts Options) (Summary, error) {
	opts = opts.withDefaults()
	var sum Summary
	if most := len(firstNames) * len(lastNames); opts.Authors > most {
		return sum, magazine.Errorf(magazine.EINVALID, "The demo can invent at most %d authors; ask for fewer.", most)
	}
	sections, err := st.Sections(ctx)
	if err != nil {
		return sum, err
	}
	authors, err := st.Authors(ctx)
	if err != nil {
		return sum, err
	}
	if len(sections) > 0 || len(authors) > 0 {
		return sum, magazine.Errorf(magazine.EINVALID,
			"The database already has content (%d sections, %d authors); demo content goes only into an empty database. Start with a new data folder.",
			len(sections), len(authors))
	}
	s := &seeder{st: st, files: files, opts: opts, progress: progress{w: opts.Progress}, sum: &sum}
	pub := publication()
	s.loc = pub.Location()
	if err := st.SetPublication(ctx, pub); err != nil {
		return sum, fmt.Errorf("demo publication settings: %w", err)
	}
	steps := []func(context.Context) error{s.createSections, s.planIssues, s.createPictures, s.createAuthors, s.createIssues, s.createArticles}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// seeder holds what one Seed call has made so far.
type seeder struct {
	st       *store.Store
	files    media.Storage
	opts     Options
	loc      *time.Location
	progress progress
	sum      *Summary

	library
	covers    []string // cover URLs, one per issue or a shared pool
	portraits []string
	issues    []plannedIssue
}

func (s *seeder) createSections(ctx context.Context) error {
	for i, bt := range beats {
		sec, err := s.st.CreateSection(ctx, magazine.Section{Slug: bt.slug, Name: bt.name, Description: bt.description, Position: i + 1})
		if err != nil {
			return fmt.Errorf("demo section %s: %w", bt.slug, err)
		}
		s.sectionIDs = append(s.sectionIDs, sec.ID)
	}
	s.sum.Sections = len(beats)
	return nil
}

func (s *seeder) createAuthors(ctx context.Context) error {
	r := newRand(s.opts.Seed, streamAuthors, 0)
	taken := map[string]bool{}
	s.byBeat = make([][]int64, len(beats))
	for i := range s.opts.Authors {
		first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		for taken[first+" "+last] {
			first, last = firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		}
		name := first + " " + last
		taken[name] = true
		bt := beats[i%len(beats)]
		w := newWriter(r, bt, s.opts.Now.In(s.loc).Year())
		w.bio = bioFields{name: name, first: first, paper: newspapers[r.IntN(len(newspapers))]}
		w.sentence(bios[r.IntN(len(bios))])
		a, err := s.st.CreateAuthor(ctx, magazine.Author{Name: name, Bio: w.text(0), PhotoURL: s.portraits[i]})
		if err != nil {
			return fmt.Errorf("demo author %s: %w", name, err)
		}
		s.authorIDs = append(s.authorIDs, a.ID)
		s.byBeat[i%len(beats)] = append(s.byBeat[i%len(beats)], a.ID)
	}
	s.sum.Authors = len(s.authorIDs)
	return nil
}

// progress prints lines such as "articles 1000/1400".
type progress struct{ w io.Writer }

func (p progress) report(what string, done, total int) {
	if p.w != nil {
		fmt.Fprintf(p.w, "%s %d/%d\n", what, done, total)
	}
}

// every reports done when it is a tenth of the way further than the last
// line, or finished.
func (p progress) every(what string, done, total int) {
	if step := max(1, total/10); done%step == 0 || done == total {
		p.report(what, done, total)
	}
}
