package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// PublishDue publishes every scheduled article whose time has come (its
// published_at is at or before now) and returns their ids, oldest first.
// The background job calls it every few seconds, so when nothing is due it
// only reads: no write lock, no new content version to empty the caches.
func (s *Store) PublishDue(ctx context.Context, now time.Time) ([]int64, error) {
	var one int
	err := s.queryRow(ctx, "SELECT 1 FROM articles WHERE status = 'scheduled' AND published_at <= ? LIMIT 1", now.Unix()).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("look for due articles: %w", err)
	}
	var ids []int64
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		// Read again inside the transaction: another process may have
		// published them, or an editor moved one back to draft.
		rows, err := tx.QueryContext(ctx, s.d.q(`UPDATE articles SET status = 'published'
			WHERE status = 'scheduled' AND published_at <= ? RETURNING id, published_at`), now.Unix())
		if err != nil {
			return fmt.Errorf("publish articles due by %s: %w", now.UTC().Format(time.RFC3339), err)
		}
		defer rows.Close()
		type due struct{ id, at int64 }
		var list []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.at); err != nil {
				return fmt.Errorf("scan published article: %w", err)
			}
			list = append(list, d)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("publish articles due by %s: %w", now.UTC().Format(time.RFC3339), err)
		}
		if len(list) == 0 {
			return nil
		}
		slices.SortFunc(list, func(a, b due) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.id, b.id)) })
		for _, d := range list {
			ids = append(ids, d.id)
		}
		return s.touch(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// NextScheduled returns the publish time of the next scheduled article or
// issue, or an ENOTFOUND error when none is scheduled.
func (s *Store) NextScheduled(ctx context.Context) (time.Time, error) {
	var at sql.NullInt64
	err := s.queryRow(ctx, "SELECT min(published_at) FROM articles WHERE status = 'scheduled'").Scan(&at)
	if err != nil {
		return time.Time{}, fmt.Errorf("read the next scheduled time: %w", err)
	}
	issueAt, err := s.nextScheduledIssue(ctx)
	if err != nil {
		return time.Time{}, err
	}
	switch {
	case !at.Valid && issueAt.IsZero():
		return time.Time{}, notFound("Scheduled article")
	case !at.Valid || (!issueAt.IsZero() && issueAt.Before(unixTime(at.Int64))):
		return issueAt, nil
	}
	return unixTime(at.Int64), nil
}
