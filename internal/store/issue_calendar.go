package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// scheduler is the actor the job queue publishes scheduled issues as.
func scheduler() Actor { return Actor{Email: "scheduler"} }

// ScheduleIssue sets the time an issue in preparation goes live with its
// drafts; a zero at clears the schedule. An issue with no articles cannot
// be scheduled: it would fail at its time with nobody watching.
func (s *Store) ScheduleIssue(ctx context.Context, actor Actor, issueID int64, at time.Time) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockIssue(ctx, tx, issueID); err != nil {
			return err
		}
		var published bool
		var vol, num, count int
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT published, volume, number, (SELECT count(*) FROM articles WHERE issue_id = issues.id)
			FROM issues WHERE id = ?`), issueID).Scan(&published, &vol, &num, &count); err != nil {
			return fmt.Errorf("read issue %d: %w", issueID, err)
		}
		label := magazine.Issue{Volume: vol, Number: num}.Label()
		detail := "schedule cleared"
		if !at.IsZero() {
			switch {
			case published:
				return magazine.FieldError("publish_at", "%s is already published.", label)
			case count == 0:
				return magazine.FieldError("publish_at", "%s has no articles yet. Add its articles, then schedule it.", label)
			case !at.After(s.Now()):
				return magazine.FieldError("publish_at", "Choose a time in the future, or publish the issue now.")
			}
			detail = "to publish at " + at.UTC().Format(time.RFC3339)
		}
		if _, err := s.exec(ctx, tx, "UPDATE issues SET publish_at = ?, updated_at = ? WHERE id = ?", unixOrZero(at), s.Now().Unix(), issueID); err != nil {
			return fmt.Errorf("schedule issue %d: %w", issueID, err)
		}
		return s.audit(ctx, tx, actor, "issue.schedule", label, detail)
	})
}

// UnpublishIssue takes a published issue off the site: its page, its
// editions and its place in the archive go; its articles keep their own
// status (an article also lives on the web on its own date).
func (s *Store) UnpublishIssue(ctx context.Context, actor Actor, issueID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockIssue(ctx, tx, issueID); err != nil {
			return err
		}
		var vol, num int
		if err := tx.QueryRowContext(ctx, s.d.q("SELECT volume, number FROM issues WHERE id = ?"), issueID).Scan(&vol, &num); err != nil {
			return fmt.Errorf("read issue %d: %w", issueID, err)
		}
		if _, err := s.exec(ctx, tx, "UPDATE issues SET published = ?, publish_at = 0, updated_at = ? WHERE id = ?", false, s.Now().Unix(), issueID); err != nil {
			return fmt.Errorf("unpublish issue %d: %w", issueID, err)
		}
		if err := s.audit(ctx, tx, actor, "issue.unpublish", magazine.Issue{Volume: vol, Number: num}.Label(), ""); err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
}

// PublishDueIssues publishes every scheduled issue whose time has come,
// with its drafts, and returns their ids. Like PublishDue it only reads
// when nothing is due, and publishing twice is harmless: the update
// only touches issues still scheduled and unpublished.
func (s *Store) PublishDueIssues(ctx context.Context, now time.Time) ([]int64, error) {
	var one int
	err := s.queryRow(ctx, "SELECT 1 FROM issues WHERE publish_at > 0 AND publish_at <= ? AND NOT published LIMIT 1", now.Unix()).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("look for due issues: %w", err)
	}
	var ids []int64
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.d.q("SELECT id FROM issues WHERE publish_at > 0 AND publish_at <= ? AND NOT published ORDER BY publish_at, id"), now.Unix())
		if err != nil {
			return fmt.Errorf("read due issues: %w", err)
		}
		var due []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("scan due issue: %w", err)
			}
			due = append(due, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read due issues: %w", err)
		}
		for _, id := range due {
			if _, err := s.publishIssue(ctx, tx, scheduler(), id); err != nil {
				if magazine.ErrorCode(err) == magazine.EINVALID {
					// Emptied since it was scheduled: it stays in
					// preparation, unscheduled, for an editor to see.
					if _, err := s.exec(ctx, tx, "UPDATE issues SET publish_at = 0 WHERE id = ?", id); err != nil {
						return fmt.Errorf("unschedule issue %d: %w", id, err)
					}
					continue
				}
				return err
			}
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			return nil
		}
		return s.touch(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// nextScheduledIssue returns the publish time of the next scheduled
// issue, or zero.
func (s *Store) nextScheduledIssue(ctx context.Context) (time.Time, error) {
	var at sql.NullInt64
	if err := s.queryRow(ctx, "SELECT min(publish_at) FROM issues WHERE publish_at > 0 AND NOT published").Scan(&at); err != nil {
		return time.Time{}, fmt.Errorf("read the next scheduled issue: %w", err)
	}
	if !at.Valid {
		return time.Time{}, nil
	}
	return unixTime(at.Int64), nil
}
