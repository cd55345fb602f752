package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Session stages: between the password and the second factor a session can
// do nothing but finish signing in.
const (
	StageTOTP = "totp"
	StageFull = "full"
)

// Session is a signed-in browser. The store knows it only by the hash of
// its id; the id itself lives in the cookie.
type Session struct {
	IDHash    string
	Staff     magazine.Staff
	Stage     string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// NewSession is what CreateSession stores.
type NewSession struct {
	IDHash    string
	StaffID   int64
	Stage     string
	ExpiresAt time.Time
	IP        string
	UserAgent string
	// Replaces is the hash of the session this one takes over from (the
	// one the browser had before signing in, or the half-signed-in one),
	// deleted in the same transaction.
	Replaces string
}

// CreateSession stores a session and, for a full one, records the sign-in.
func (s *Store) CreateSession(ctx context.Context, ns NewSession) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if ns.Replaces != "" {
			if _, err := s.exec(ctx, tx, "DELETE FROM staff_sessions WHERE id_hash = ?", ns.Replaces); err != nil {
				return fmt.Errorf("delete replaced session: %w", err)
			}
		}
		now := s.Now().Unix()
		if _, err := s.exec(ctx, tx, `INSERT INTO staff_sessions (id_hash, staff_id, stage, created_at, expires_at, ip, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, ns.IDHash, ns.StaffID, ns.Stage, now, ns.ExpiresAt.Unix(), ns.IP, truncateRunes(ns.UserAgent, 300)); err != nil {
			return fmt.Errorf("insert session of staff %d: %w", ns.StaffID, err)
		}
		if ns.Stage != StageFull {
			return nil
		}
		if _, err := s.exec(ctx, tx, "UPDATE staff SET last_sign_in_at = ? WHERE id = ?", now, ns.StaffID); err != nil {
			return fmt.Errorf("record sign-in of staff %d: %w", ns.StaffID, err)
		}
		var email string
		if err := tx.QueryRowContext(ctx, s.d.q("SELECT email FROM staff WHERE id = ?"), ns.StaffID).Scan(&email); err != nil {
			return fmt.Errorf("read staff %d: %w", ns.StaffID, err)
		}
		return s.audit(ctx, tx, Actor{ID: ns.StaffID, Email: email, IP: ns.IP}, "session.sign_in", email, "")
	})
}

// SessionByHash returns an unexpired session of an active member of staff.
func (s *Store) SessionByHash(ctx context.Context, idHash string) (Session, error) {
	var ses Session
	var created, expires int64
	st, err := scanStaff(s.queryRow(ctx, `SELECT s.id, s.email, s.name, s.role, s.active, s.totp_secret <> '', s.created_at, s.last_sign_in_at,
		x.id_hash, x.stage, x.created_at, x.expires_at
		FROM staff_sessions x JOIN staff s ON s.id = x.staff_id
		WHERE x.id_hash = ? AND x.expires_at > ? AND s.active`, idHash, s.Now().Unix()),
		&ses.IDHash, &ses.Stage, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ses, notFound("Session")
	} else if err != nil {
		return ses, fmt.Errorf("read session: %w", err)
	}
	ses.Staff, ses.CreatedAt, ses.ExpiresAt = st, unixTime(created), unixTime(expires)
	return ses, nil
}

// DeleteSession ends one session (sign-out).
func (s *Store) DeleteSession(ctx context.Context, actor Actor, idHash string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "DELETE FROM staff_sessions WHERE id_hash = ?", idHash); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return s.audit(ctx, tx, actor, "session.sign_out", actor.Email, "")
	})
}

// DeleteStaffSessions ends every session of a member of staff ("sign out
// everywhere") and returns how many there were.
func (s *Store) DeleteStaffSessions(ctx context.Context, actor Actor, staffID int64) (int, error) {
	var n int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "DELETE FROM staff_sessions WHERE staff_id = ?", staffID)
		if err != nil {
			return fmt.Errorf("delete sessions of staff %d: %w", staffID, err)
		}
		n, _ = res.RowsAffected()
		return s.audit(ctx, tx, actor, "session.sign_out_everywhere", actor.Email, fmt.Sprintf("%d sessions", n))
	})
	return int(n), err
}

// DeleteOtherSessions ends every session of a member of staff but the one
// given: after a password change, whoever knew the old one is signed out.
func (s *Store) DeleteOtherSessions(ctx context.Context, staffID int64, keep string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "DELETE FROM staff_sessions WHERE staff_id = ? AND id_hash <> ?", staffID, keep); err != nil {
			return fmt.Errorf("delete other sessions of staff %d: %w", staffID, err)
		}
		return nil
	})
}

// DeleteExpiredSessions deletes the expired sessions of staff and readers
// and the reader links that expired a day ago or more, and returns how
// many rows went. Nothing reads an expired one (the lookups check the
// expiry): this keeps the tables small, run by a periodic job instead of
// on every sign-in.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int, error) {
	var n int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.Now().Unix()
		for _, q := range []struct {
			sql    string
			before int64
		}{
			{"DELETE FROM staff_sessions WHERE expires_at <= ?", now},
			{"DELETE FROM reader_sessions WHERE expires_at <= ?", now},
			{"DELETE FROM trusted_devices WHERE expires_at <= ?", now},
			// A day's grace, so that a late click still finds its link
			// and is told it expired.
			{"DELETE FROM reader_tokens WHERE expires_at <= ?", now - 24*3600},
		} {
			res, err := s.exec(ctx, tx, q.sql, q.before)
			if err != nil {
				return fmt.Errorf("delete expired sessions: %w", err)
			}
			rows, _ := res.RowsAffected()
			n += rows
		}
		return nil
	})
	return int(n), err
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
