package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// MailingLabels is the labels PDF of an issue's mailing list on one paper
// size: asked for by circulation, made by a background job. Key is ""
// until a file exists; asking again keeps the last good file until the
// new one replaces it.
type MailingLabels struct {
	IssueID     int64
	Paper       string // "letter" or "a4"
	RequestedAt time.Time
	RequestedBy string
	Pending     bool // asked for, and the job has not made them or failed yet
	Key         string
	Size        int64
	Labels      int
	ListSHA256  string // the kept list they were made from; "" for a provisional list
	MadeAt      time.Time
	Seconds     float64
	Error       string // why the last attempt failed; "" after a success
	FailedAt    time.Time
}

// Ready reports whether there is a file to download.
func (l MailingLabels) Ready() bool { return l.Key != "" }

// MailingLabelsOf returns the issue's labels by paper.
func (s *Store) MailingLabelsOf(ctx context.Context, issueID int64) (map[string]MailingLabels, error) {
	rows, err := s.query(ctx, `SELECT issue_id, paper, requested_at, requested_by, pending, media_key, size, labels, list_sha256,
		made_at, seconds, error, failed_at FROM mailing_labels WHERE issue_id = ?`, issueID)
	if err != nil {
		return nil, fmt.Errorf("read the mailing labels of issue %d: %w", issueID, err)
	}
	defer rows.Close()
	out := map[string]MailingLabels{}
	for rows.Next() {
		var l MailingLabels
		var requested, made, failed int64
		if err := rows.Scan(&l.IssueID, &l.Paper, &requested, &l.RequestedBy, &l.Pending, &l.Key, &l.Size, &l.Labels, &l.ListSHA256,
			&made, &l.Seconds, &l.Error, &failed); err != nil {
			return nil, fmt.Errorf("scan mailing labels: %w", err)
		}
		l.RequestedAt, l.MadeAt, l.FailedAt = unixTime(requested), unixTime(made), unixTime(failed)
		out[l.Paper] = l
	}
	return out, rows.Err()
}

// RequestMailingLabels records that actor asked for the labels, audited;
// the caller queues the job that makes them.
func (s *Store) RequestMailingLabels(ctx context.Context, actor Actor, issueID int64, label, paper string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO mailing_labels (issue_id, paper, requested_at, requested_by, pending) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (issue_id, paper) DO UPDATE SET requested_at = excluded.requested_at, requested_by = excluded.requested_by,
				pending = excluded.pending`,
			issueID, paper, s.Now().Unix(), actor.Email, true)
		if err != nil {
			return fmt.Errorf("ask for the %s labels of issue %d: %w", paper, issueID, err)
		}
		return s.audit(ctx, tx, actor, "mailing_labels.request", label, paper)
	})
}

// SaveMailingLabels records a labels file that was made, clearing any
// failure.
func (s *Store) SaveMailingLabels(ctx context.Context, l MailingLabels) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `UPDATE mailing_labels SET pending = ?, media_key = ?, size = ?, labels = ?, list_sha256 = ?, made_at = ?,
			seconds = ?, error = '', failed_at = 0 WHERE issue_id = ? AND paper = ?`,
			false, l.Key, l.Size, l.Labels, l.ListSHA256, unixOrZero(l.MadeAt), l.Seconds, l.IssueID, l.Paper)
		if err != nil {
			return fmt.Errorf("save the %s labels of issue %d: %w", l.Paper, l.IssueID, err)
		}
		return nil
	})
}

// MailingLabelsFailed records why making the labels failed, keeping the
// last good file. reason is shown to staff: plain words, no internals.
func (s *Store) MailingLabelsFailed(ctx context.Context, issueID int64, paper, reason string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, "UPDATE mailing_labels SET pending = ?, error = ?, failed_at = ? WHERE issue_id = ? AND paper = ?",
			false, reason, s.Now().Unix(), issueID, paper)
		if err != nil {
			return fmt.Errorf("record the failure of the %s labels of issue %d: %w", paper, issueID, err)
		}
		return nil
	})
}
