package store

import (
	"context"
	"fmt"

	"github.com/masthead-press/masthead/internal/magazine"
)

// ArticleCounts returns how many articles are in each status.
func (s *Store) ArticleCounts(ctx context.Context) (map[magazine.Status]int, error) {
	rows, err := s.query(ctx, "SELECT status, count(*) FROM articles GROUP BY status")
	if err != nil {
		return nil, fmt.Errorf("count articles: %w", err)
	}
	defer rows.Close()
	counts := map[magazine.Status]int{}
	for rows.Next() {
		var st magazine.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("scan article count: %w", err)
		}
		counts[st] = n
	}
	return counts, rows.Err()
}

// RecentArticles returns the articles of one status, any author, without
// bodies, in the order the newsroom dashboard lists them: drafts most
// recently changed first, scheduled ones soonest first, published ones
// newest first.
func (s *Store) RecentArticles(ctx context.Context, status magazine.Status, limit int) ([]magazine.Article, error) {
	limit = min(max(limit, 1), MaxListLimit)
	order := "a.published_at DESC, a.id DESC"
	switch status {
	case magazine.StatusDraft:
		order = "a.updated_at DESC, a.id DESC"
	case magazine.StatusScheduled:
		order = "a.published_at, a.id"
	}
	list, err := s.articleList(ctx, "SELECT "+articleSummaryCols+` FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.status = ? ORDER BY `+order+" LIMIT ?", string(status), limit)
	if err != nil {
		return nil, err
	}
	return list, s.fillAuthors(ctx, list)
}
