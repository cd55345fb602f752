package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

// ArticleFilter selects published articles for a list. Lists are newest
// first; ties on the publish time are broken by id, so the order is total
// and pagination stable.
type ArticleFilter struct {
	SectionID  int64
	AuthorID   int64
	TagID      int64
	IssueID    int64
	Visibility magazine.Visibility
	ExcludeID  int64
	// Before, when set, continues a list after the article with this
	// publish time and id (keyset pagination, used by the API).
	Before *Cursor
	Offset int
	Limit  int
	// WithBody reads each article's pages and preview too (feeds).
	WithBody bool
}

// Cursor is a position in a list ordered by (published_at, id) descending.
type Cursor struct {
	PublishedAt int64
	ID          int64
}

// CursorOf returns the cursor just after a.
func CursorOf(a magazine.Article) Cursor {
	return Cursor{PublishedAt: a.PublishedAt.Unix(), ID: a.ID}
}

// MaxListLimit caps how many articles one list query returns.
const MaxListLimit = 100

// Articles returns published articles matching f, without bodies, and
// whether more follow.
func (s *Store) Articles(ctx context.Context, f ArticleFilter) ([]magazine.Article, bool, error) {
	if f.Limit <= 0 {
		f.Limit = 20
	}
	f.Limit = min(f.Limit, MaxListLimit)
	where := []string{"a.status = 'published'"}
	var args []any
	from := "articles a"
	switch {
	case f.AuthorID != 0:
		from = "article_authors x JOIN articles a ON a.id = x.article_id"
		where = append(where, "x.author_id = ?")
		args = append(args, f.AuthorID)
	case f.TagID != 0:
		from = "article_tags x JOIN articles a ON a.id = x.article_id"
		where = append(where, "x.tag_id = ?")
		args = append(args, f.TagID)
	}
	if f.AuthorID != 0 && f.TagID != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag_id = ?)")
		args = append(args, f.TagID)
	}
	if f.SectionID != 0 {
		where = append(where, "a.section_id = ?")
		args = append(args, f.SectionID)
	}
	if f.IssueID != 0 {
		where = append(where, "a.issue_id = ?")
		args = append(args, f.IssueID)
	}
	if f.Visibility != "" {
		where = append(where, "a.visibility = ?")
		args = append(args, string(f.Visibility))
	}
	if f.ExcludeID != 0 {
		where = append(where, "a.id <> ?")
		args = append(args, f.ExcludeID)
	}
	if f.Before != nil {
		where = append(where, "(a.published_at < ? OR (a.published_at = ? AND a.id < ?))")
		args = append(args, f.Before.PublishedAt, f.Before.PublishedAt, f.Before.ID)
	}
	cols := articleSummaryCols
	if f.WithBody {
		cols = articleFullCols
	}
	q := "SELECT " + cols + " FROM " + from + " JOIN sections s ON s.id = a.section_id WHERE " +
		strings.Join(where, " AND ") + " ORDER BY a.published_at DESC, a.id DESC LIMIT ? OFFSET ?"
	args = append(args, f.Limit+1, f.Offset)
	list, err := s.articleRows(ctx, q, f.WithBody, args...)
	if err != nil {
		return nil, false, err
	}
	more := len(list) > f.Limit
	if more {
		list = list[:f.Limit]
	}
	return list, more, s.fillAuthors(ctx, list)
}

func (s *Store) articleList(ctx context.Context, q string, args ...any) ([]magazine.Article, error) {
	return s.articleRows(ctx, q, false, args...)
}

// articleRows reads the articles a query selects, with their bodies
// when full (the query selects articleFullCols).
func (s *Store) articleRows(ctx context.Context, q string, full bool, args ...any) ([]magazine.Article, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	defer rows.Close()
	var list []magazine.Article
	for rows.Next() {
		a, err := scanArticle(rows, full)
		if err != nil {
			return nil, fmt.Errorf("scan article: %w", err)
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

// IssueArticles returns the published articles of an issue in table-of-
// contents order.
func (s *Store) IssueArticles(ctx context.Context, issueID int64) ([]magazine.Article, error) {
	list, err := s.articleList(ctx, "SELECT "+articleSummaryCols+` FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.issue_id = ? AND a.status = 'published' ORDER BY a.issue_position, a.id`, issueID)
	if err != nil {
		return nil, err
	}
	return list, s.fillAuthors(ctx, list)
}

// ids returns the ids a query selects, in its order.
func (s *Store) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list articles: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan article id: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// articlesByID returns the summaries of the articles ids names, with
// their authors, in the order of ids.
func (s *Store) articlesByID(ctx context.Context, ids []int64) ([]magazine.Article, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	list, err := s.articleList(ctx, "SELECT "+articleSummaryCols+` FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		at[id] = i
	}
	slices.SortFunc(list, func(x, y magazine.Article) int { return at[x.ID] - at[y.ID] })
	return list, s.fillAuthors(ctx, list)
}

// RelatedArticles returns up to n published articles that share a tag with
// a, newest first, topped up from its section.
func (s *Store) RelatedArticles(ctx context.Context, a magazine.Article, n int) ([]magazine.Article, error) {
	var list []magazine.Article
	if len(a.Tags) > 0 {
		// The newest few ids per tag, read from the tag index, keep this
		// cheap however large the archive grows: n+8 a tag leaves room for
		// drafts and this article among them. (50 a tag made the seeks
		// and temporary B-trees of this query a fifth of an uncached
		// article page's CPU at 150,000 articles.)
		per := n + 8
		var parts []string
		var args []any
		for _, t := range a.Tags {
			parts = append(parts, "SELECT article_id FROM (SELECT article_id FROM article_tags WHERE tag_id = ? ORDER BY article_id DESC LIMIT ?) t")
			args = append(args, t.ID, per)
		}
		args = append(args, a.ID, n)
		// Two steps: the ids first, from the columns at the start of each
		// row; then the summaries of only the n chosen. A summary's later
		// columns (description, word count...) sit after the bodies in
		// the row, behind their overflow pages: reading them for every
		// candidate (up to 50 a tag) was half the CPU of an uncached
		// article page.
		// The ids are read through the articles_search index, which holds
		// status and published_at: a row lookup per candidate read the
		// table's fat leaf pages, mostly not in SQLite's cache (a third of
		// an uncached page's CPU, most of it in B-tree seeks and reads).
		q := `SELECT a.id FROM ` + s.d.searchArticles() + ` WHERE a.id IN (` + strings.Join(parts, " UNION ") + `)
			AND a.status = 'published' AND a.id <> ? ORDER BY a.published_at DESC, a.id DESC LIMIT ?`
		ids, err := s.ids(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		if list, err = s.articlesByID(ctx, ids); err != nil {
			return nil, err
		}
	}
	if len(list) < n {
		more, _, err := s.Articles(ctx, ArticleFilter{SectionID: a.Section.ID, ExcludeID: a.ID, Limit: n + len(list)})
		if err != nil {
			return nil, err
		}
		have := map[int64]bool{}
		for _, x := range list {
			have[x.ID] = true
		}
		for _, x := range more {
			if len(list) < n && !have[x.ID] {
				list = append(list, x)
			}
		}
	}
	return list, nil
}
