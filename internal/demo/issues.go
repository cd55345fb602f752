package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// foundingYear is when the magazine's first volume appeared, unless the
// archive asked for reaches further back.
const foundingYear = 1987

// plannedIssue is an issue decided before anything is written: its cover
// needs its title and date, and its cover story needs its headline.
type plannedIssue struct {
	date           time.Time // the cover date, midnight UTC
	volume, number int
	title, slug    string // the cover story's, which names the issue
	beat           int
	id             int64
}

// coverDates returns n cover dates on the 1st and 15th of the month,
// oldest first, the newest being the latest on or before now.
func coverDates(now time.Time, n int) []time.Time {
	y, m, d := now.Date()
	day := 1
	if d >= 15 {
		day = 15
	}
	cur := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	dates := make([]time.Time, n)
	for i := n - 1; i >= 0; i-- {
		dates[i] = cur
		if cur.Day() == 15 {
			cur = cur.AddDate(0, 0, -14)
		} else {
			cur = time.Date(cur.Year(), cur.Month()-1, 15, 0, 0, 0, 0, time.UTC)
		}
	}
	return dates
}

// planIssues dates and numbers the issues and writes their cover stories'
// headlines. Volume 1 is the founding year; numbers run 1 to 24 within a
// year.
func (s *seeder) planIssues(context.Context) error {
	s.slugs = map[string]bool{}
	dates := coverDates(s.opts.Now.In(s.loc), s.opts.Issues)
	founded := min(foundingYear, dates[0].Year())
	for i, d := range dates {
		r := newRand(s.opts.Seed, streamIssues, i)
		b := r.IntN(len(beats))
		title := headline(newWriter(r, beats[b], d.Year()))
		number := int(d.Month()-1)*2 + 1
		if d.Day() == 15 {
			number++
		}
		s.issues = append(s.issues, plannedIssue{date: d, volume: d.Year() - founded + 1, number: number,
			title: title, slug: uniqueSlug(s.slugs, title), beat: b})
	}
	return nil
}

func (s *seeder) createIssues(ctx context.Context) error {
	for i := range s.issues {
		is := &s.issues[i]
		created, err := s.st.CreateIssue(ctx, magazine.IssueInput{Volume: is.volume, Number: is.number, CoverDate: is.date,
			Title: is.title, CoverURL: s.covers[i%len(s.covers)], Published: true})
		if err != nil {
			return fmt.Errorf("demo issue %d/%d: %w", is.volume, is.number, err)
		}
		is.id = created.ID
		s.progress.every("issues", i+1, len(s.issues))
	}
	s.sum.Issues = len(s.issues)
	return nil
}
