package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Rows per multi-row INSERT in an import: 22 columns × 200 rows stays far
// below both databases' limits on parameters.
const importRows = 200

// importBatch writes a batch of rendered articles with a few multi-row
// statements instead of four per article: on PostgreSQL each statement is
// a round trip, and an archive has hundreds of thousands of articles. When
// a statement fails, the caller retries the batch one article at a time,
// which names the article at fault.
func (s *Store) importBatch(ctx context.Context, tx *sql.Tx, rs []rendered, tags map[string]int64) error {
	// Slugs must be new: not taken by another article, not an old slug
	// that redirects, not twice in the batch.
	seen := make(map[string]bool, len(rs))
	for _, r := range rs {
		if seen[r.in.Slug] {
			return magazine.FieldError("slug", "Two articles use the slug %q.", r.in.Slug)
		}
		seen[r.in.Slug] = true
	}
	for chunk := range slices.Chunk(rs, importRows) {
		args := make([]any, 0, 2*len(chunk))
		for _, r := range chunk {
			args = append(args, r.in.Slug)
		}
		args = append(args, args...)
		marks := placeholders(len(chunk))
		var taken string
		err := tx.QueryRowContext(ctx, s.d.q("SELECT slug FROM articles WHERE slug IN ("+marks+
			") UNION ALL SELECT slug FROM article_slugs WHERE slug IN ("+marks+") LIMIT 1"), args...).Scan(&taken)
		if err == nil {
			return magazine.FieldError("slug", "Another article already uses the slug %q.", taken)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("check slugs: %w", err)
		}
	}

	ids := make(map[string]int64, len(rs))
	now := s.Now().Unix()
	for chunk := range slices.Chunk(rs, importRows) {
		args := make([]any, 0, articleInsertWidth*len(chunk))
		for _, r := range chunk {
			args = append(args, r.row(now)...)
		}
		rows, err := tx.QueryContext(ctx, s.d.q(articleInsert+rowPlaceholders(len(chunk), articleInsertWidth)+" RETURNING id, slug"), args...)
		if err != nil {
			return fmt.Errorf("insert articles: %w", err)
		}
		for rows.Next() {
			var id int64
			var slug string
			if err := rows.Scan(&id, &slug); err != nil {
				rows.Close()
				return fmt.Errorf("insert articles: %w", err)
			}
			ids[slug] = id
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("insert articles: %w", err)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("insert articles: %w", err)
		}
	}

	var authors, tagged []any
	for _, r := range rs {
		id := ids[r.in.Slug]
		for i, author := range r.in.AuthorIDs {
			authors = append(authors, id, author, i)
		}
		tagIDs, err := s.tagIDs(ctx, tx, r.in.Tags, tags)
		if err != nil {
			return err
		}
		for _, tag := range tagIDs {
			tagged = append(tagged, id, tag)
		}
	}
	for chunk := range slices.Chunk(authors, 3*1000) {
		if _, err := tx.ExecContext(ctx, s.d.q("INSERT INTO article_authors (article_id, author_id, position) VALUES "+
			rowPlaceholders(len(chunk)/3, 3)), chunk...); err != nil {
			return fmt.Errorf("link authors: %w", err)
		}
	}
	for chunk := range slices.Chunk(tagged, 2*1000) {
		if _, err := tx.ExecContext(ctx, s.d.q("INSERT INTO article_tags (article_id, tag_id) VALUES "+
			rowPlaceholders(len(chunk)/2, 2)), chunk...); err != nil {
			return fmt.Errorf("tag articles: %w", err)
		}
	}
	// The search index, in bulk: a few statements per 200 articles.
	docs := make([]searchDoc, len(rs))
	for i, r := range rs {
		docs[i] = searchDoc{id: ids[r.in.Slug], preview: r.res.PreviewText}
	}
	return s.indexArticles(ctx, tx, docs, true)
}
