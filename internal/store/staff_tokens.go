package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Purposes of the one-use links sent to staff.
const (
	TokenReset  = "reset"  // forgotten password
	TokenInvite = "invite" // first password of an invited member of staff
)

// StaffToken is a one-use link, known to the store by the hash of the token
// in the link.
type StaffToken struct {
	IDHash    string
	Purpose   string
	ExpiresAt time.Time
}

// CreateStaffToken stores a link for a member of staff and puts the message
// that carries it in the outbox, in one transaction. Earlier links of the
// same purpose stop working: only the newest message is good.
func (s *Store) CreateStaffToken(ctx context.Context, staffID int64, tok StaffToken, m Mail) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		return s.createStaffToken(ctx, tx, staffID, tok, m)
	})
}

func (s *Store) createStaffToken(ctx context.Context, tx *sql.Tx, staffID int64, tok StaffToken, m Mail) error {
	if _, err := s.exec(ctx, tx, "DELETE FROM staff_tokens WHERE staff_id = ? AND purpose = ?", staffID, tok.Purpose); err != nil {
		return fmt.Errorf("delete earlier %s links of staff %d: %w", tok.Purpose, staffID, err)
	}
	if _, err := s.exec(ctx, tx, "INSERT INTO staff_tokens (id_hash, staff_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
		tok.IDHash, staffID, tok.Purpose, s.Now().Unix(), tok.ExpiresAt.Unix()); err != nil {
		return fmt.Errorf("insert %s link of staff %d: %w", tok.Purpose, staffID, err)
	}
	_, err := s.EnqueueMailTx(ctx, tx, m)
	return err
}

// StaffByToken returns the active member of staff an unexpired link is for.
func (s *Store) StaffByToken(ctx context.Context, idHash string) (magazine.Staff, string, error) {
	var purpose string
	st, err := scanStaff(s.queryRow(ctx, `SELECT s.id, s.email, s.name, s.role, s.active, s.totp_secret <> '', s.created_at, s.last_sign_in_at, t.purpose
		FROM staff_tokens t JOIN staff s ON s.id = t.staff_id WHERE t.id_hash = ? AND t.expires_at > ? AND s.active`,
		idHash, s.Now().Unix()), &purpose)
	if errors.Is(err, sql.ErrNoRows) {
		return st, "", notFound("Link")
	} else if err != nil {
		return st, "", fmt.Errorf("read staff link: %w", err)
	}
	return st, purpose, nil
}

// UseStaffToken sets a new password through a link, once: the link is
// deleted, and so is every session of the account, since whoever knew the
// old password may hold one.
func (s *Store) UseStaffToken(ctx context.Context, idHash, passwordHash, ip string) (magazine.Staff, error) {
	var st magazine.Staff
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var staffID int64
		var purpose, email string
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT t.staff_id, t.purpose, s.email FROM staff_tokens t JOIN staff s ON s.id = t.staff_id
			WHERE t.id_hash = ? AND t.expires_at > ? AND s.active`), idHash, s.Now().Unix()).Scan(&staffID, &purpose, &email)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Link")
		} else if err != nil {
			return fmt.Errorf("read staff link: %w", err)
		}
		// The DELETE decides which of two racing requests wins.
		res, err := s.exec(ctx, tx, "DELETE FROM staff_tokens WHERE id_hash = ?", idHash)
		if err != nil {
			return fmt.Errorf("use staff link: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return notFound("Link")
		}
		if _, err := s.exec(ctx, tx, "UPDATE staff SET password_hash = ?, updated_at = ? WHERE id = ?", passwordHash, s.Now().Unix(), staffID); err != nil {
			return fmt.Errorf("set password of staff %d: %w", staffID, err)
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM staff_sessions WHERE staff_id = ?", staffID); err != nil {
			return fmt.Errorf("end sessions of staff %d: %w", staffID, err)
		}
		st.ID = staffID
		return s.audit(ctx, tx, Actor{ID: staffID, Email: email, IP: ip}, "staff.password_"+purpose, email, "")
	})
	if err != nil {
		return st, err
	}
	return s.StaffByID(ctx, st.ID)
}
