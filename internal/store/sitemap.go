package store

import (
	"context"
	"fmt"
	"time"
)

// Month is a calendar month with published articles.
type Month struct {
	YearMonth string // "2026-11"
	Count     int
	LastMod   time.Time // the latest change to an article of the month
}

// PublishedMonths returns every month with published articles, newest
// first: one sitemap each.
func (s *Store) PublishedMonths(ctx context.Context) ([]Month, error) {
	ym := s.d.yearMonth("published_at")
	rows, err := s.query(ctx, "SELECT "+ym+", count(*), max(updated_at) FROM articles WHERE status = 'published' GROUP BY "+ym+" ORDER BY 1 DESC")
	if err != nil {
		return nil, fmt.Errorf("list published months: %w", err)
	}
	defer rows.Close()
	var out []Month
	for rows.Next() {
		var m Month
		var last int64
		if err := rows.Scan(&m.YearMonth, &m.Count, &last); err != nil {
			return nil, fmt.Errorf("scan month: %w", err)
		}
		m.LastMod = unixTime(last)
		out = append(out, m)
	}
	return out, rows.Err()
}

// SitemapEntry is an article as a sitemap lists it: where and when, never
// what.
type SitemapEntry struct {
	Slug        string
	Headline    string
	PublishedAt time.Time
	UpdatedAt   time.Time
}

// PublishedBetween returns the articles published in [from, to) as a
// sitemap lists them, oldest first.
func (s *Store) PublishedBetween(ctx context.Context, from, to time.Time) ([]SitemapEntry, error) {
	rows, err := s.query(ctx, `SELECT slug, headline, published_at, updated_at FROM articles WHERE status = 'published'
		AND published_at >= ? AND published_at < ? ORDER BY published_at, id`, from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("list articles for a sitemap: %w", err)
	}
	defer rows.Close()
	var out []SitemapEntry
	for rows.Next() {
		var e SitemapEntry
		var published, updated int64
		if err := rows.Scan(&e.Slug, &e.Headline, &published, &updated); err != nil {
			return nil, fmt.Errorf("scan sitemap entry: %w", err)
		}
		e.PublishedAt, e.UpdatedAt = unixTime(published), unixTime(updated)
		out = append(out, e)
	}
	return out, rows.Err()
}
