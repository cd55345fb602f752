package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// FeedKind is one of the private feeds a reader may have, one of each.
type FeedKind string

const (
	// FeedPodcast is the narrated articles as a podcast.
	FeedPodcast FeedKind = "podcast"
	// FeedArticles is the articles in full text, as far as the reader's
	// subscription reaches.
	FeedArticles FeedKind = "articles"
)

// SetFeedSecret gives a reader's private feed of a kind a new secret (its
// hash): the feed's old URL stops working at once.
func (s *Store) SetFeedSecret(ctx context.Context, readerID int64, kind FeedKind, secretHash string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO private_feeds (reader_id, kind, secret_hash, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (reader_id, kind) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at`,
			readerID, string(kind), secretHash, s.Now().Unix())
		if err != nil {
			return fmt.Errorf("save the %s feed of reader %d: %w", kind, readerID, err)
		}
		return nil
	})
}

// HasFeed reports whether the reader made a private feed of the kind.
func (s *Store) HasFeed(ctx context.Context, readerID int64, kind FeedKind) (bool, error) {
	var n int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM private_feeds WHERE reader_id = ? AND kind = ?", readerID, string(kind)).Scan(&n); err != nil {
		return false, fmt.Errorf("read the %s feed of reader %d: %w", kind, readerID, err)
	}
	return n > 0, nil
}

// FeedReader returns the reader whose private feed of the kind has that
// secret hash; not found for an unknown or reset secret, a secret of
// another kind of feed, or a deleted reader.
func (s *Store) FeedReader(ctx context.Context, kind FeedKind, secretHash string) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT f.reader_id FROM private_feeds f JOIN readers r ON r.id = f.reader_id
		WHERE f.secret_hash = ? AND f.kind = ? AND r.deleted_at = 0`, secretHash, string(kind)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("Feed")
	} else if err != nil {
		return 0, fmt.Errorf("read %s feed: %w", kind, err)
	}
	return id, nil
}
