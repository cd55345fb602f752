package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// RecordPodcastHit notes that an address (its keyed hash) used a reader's
// feed today.
func (s *Store) RecordPodcastHit(ctx context.Context, readerID int64, ipHash string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO podcast_hits (reader_id, day, ip_hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			readerID, s.Now().UTC().Format("2006-01-02"), ipHash)
		if err != nil {
			return fmt.Errorf("record podcast use: %w", err)
		}
		return nil
	})
}

// FeedUse is how widely one private feed was used.
type FeedUse struct {
	ReaderID int64
	Email    string
	IPs      int // distinct addresses in the period
}

// PodcastFeedUse lists the feeds used since the day, most addresses first:
// a feed used from dozens of addresses has been shared around.
func (s *Store) PodcastFeedUse(ctx context.Context, since time.Time) ([]FeedUse, error) {
	rows, err := s.query(ctx, `SELECT h.reader_id, r.email, COUNT(DISTINCT h.ip_hash) FROM podcast_hits h JOIN readers r ON r.id = h.reader_id
		WHERE h.day >= ? GROUP BY h.reader_id, r.email ORDER BY COUNT(DISTINCT h.ip_hash) DESC, h.reader_id LIMIT 200`, since.UTC().Format("2006-01-02"))
	if err != nil {
		return nil, fmt.Errorf("read podcast use: %w", err)
	}
	defer rows.Close()
	var out []FeedUse
	for rows.Next() {
		var u FeedUse
		if err := rows.Scan(&u.ReaderID, &u.Email, &u.IPs); err != nil {
			return nil, fmt.Errorf("read podcast use: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// NarratedArticles returns the newest published articles that have a
// finished narration, with it: a podcast feed's items.
func (s *Store) NarratedArticles(ctx context.Context, limit int) ([]ArticleAudio, error) {
	rows, err := s.query(ctx, `SELECT `+prefixed("au.", articleAudioColumns)+` FROM article_audio au JOIN articles a ON a.id = au.article_id
		WHERE a.status = 'published' AND au.file_key <> '' ORDER BY a.published_at DESC, a.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list narrated articles: %w", err)
	}
	defer rows.Close()
	var out []ArticleAudio
	for rows.Next() {
		a, err := scanArticleAudio(rows)
		if err != nil {
			return nil, fmt.Errorf("list narrated articles: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// prefixed puts a table alias before each column of a list.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ", ")
	for i, c := range cols {
		cols[i] = alias + c
	}
	return strings.Join(cols, ", ")
}
