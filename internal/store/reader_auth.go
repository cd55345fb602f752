package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Reader sign-in is by e-mailed link. A link carries a token the store
// keeps only as a hash; it works once and expires. Opening it shows a
// confirmation page, and only the POST from that page uses it, because
// mail scanners follow links.

// Link purposes.
const (
	LinkSignIn      = "sign_in"      // an existing account
	LinkSignUp      = "sign_up"      // an account to make on confirmation
	LinkEmailChange = "email_change" // sent to the new address
)

// ReaderLink is a sign-in, sign-up or e-mail-change link as stored.
type ReaderLink struct {
	TokenHash string
	Purpose   string
	Email     string // where the link was sent
	ReaderID  int64  // 0 for a sign-up
	Name      string // for a sign-up
	ReturnTo  string // a local path to go back to
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// ReaderSession is a signed-in reader's browser.
type ReaderSession struct {
	IDHash    string
	Reader    Reader
	Verified  bool // made by opening a link, not at checkout
	CreatedAt time.Time
	ExpiresAt time.Time
}

// NewReaderSession is what a sign-in stores.
type NewReaderSession struct {
	IDHash    string
	ExpiresAt time.Time
	IP        string
	UserAgent string
	// Replaces is the session the browser had before, ended in the same
	// transaction: the session id changes at every sign-in.
	Replaces string
}

// CreateReaderLink stores a link and queues the message that carries it,
// in one transaction: either both exist or neither. A Mail without a
// recipient queues nothing (the operator's command prints the link).
func (s *Store) CreateReaderLink(ctx context.Context, l ReaderLink, m Mail) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.Now().Unix()
		if _, err := s.exec(ctx, tx, `INSERT INTO reader_tokens (token_hash, purpose, email, reader_id, name, return_to, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, l.TokenHash, l.Purpose, l.Email, l.ReaderID, l.Name, l.ReturnTo, now, l.ExpiresAt.Unix()); err != nil {
			return fmt.Errorf("insert reader link: %w", err)
		}
		if m.To == "" {
			return nil
		}
		_, err := s.EnqueueMailTx(ctx, tx, m)
		return err
	})
}

// ReaderLinkByHash returns a link, used or not, expired or not: the
// confirmation page says which.
func (s *Store) ReaderLinkByHash(ctx context.Context, hash string) (ReaderLink, error) {
	l, err := scanReaderLink(s.queryRow(ctx, "SELECT "+linkCols+" FROM reader_tokens WHERE token_hash = ?", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return l, notFound("Link")
	} else if err != nil {
		return l, fmt.Errorf("read reader link: %w", err)
	}
	return l, nil
}

const linkCols = "token_hash, purpose, email, reader_id, name, return_to, created_at, expires_at, used_at"

func scanReaderLink(row scanner) (ReaderLink, error) {
	var l ReaderLink
	var created, expires, used int64
	err := row.Scan(&l.TokenHash, &l.Purpose, &l.Email, &l.ReaderID, &l.Name, &l.ReturnTo, &created, &expires, &used)
	l.CreatedAt, l.ExpiresAt, l.UsedAt = unixTime(created), unixTime(expires), unixTime(used)
	return l, err
}

// Usable says why a link cannot be used now, or nil.
func (l ReaderLink) Usable(now time.Time) error {
	if !l.UsedAt.IsZero() {
		return magazine.Errorf(magazine.EINVALID, "This link has already been used. Links work once: ask for a new one.")
	}
	if !now.Before(l.ExpiresAt) {
		return magazine.Errorf(magazine.EINVALID, "This link has expired. Ask for a new one.")
	}
	return nil
}

// UseReaderLink spends a link and signs its reader in with a new session,
// in one transaction. A sign-up link makes the account (or signs in to it,
// when the address got an account meanwhile); an e-mail change link moves
// the account to the new address. The first link a reader opens proves
// the address: the unverified sessions made at checkout end then.
func (s *Store) UseReaderLink(ctx context.Context, hash string, ns NewReaderSession) (Reader, ReaderLink, error) {
	defer s.readersChanged()
	var r Reader
	var l ReaderLink
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.Now().UTC().Truncate(time.Second)
		var err error
		l, err = scanReaderLink(tx.QueryRowContext(ctx, s.d.q("SELECT "+linkCols+" FROM reader_tokens WHERE token_hash = ?"+s.d.forUpdate()), hash))
		if errors.Is(err, sql.ErrNoRows) {
			return magazine.Errorf(magazine.EINVALID, "This link is not valid. Ask for a new one.")
		} else if err != nil {
			return fmt.Errorf("read reader link: %w", err)
		}
		if err := l.Usable(now); err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, "UPDATE reader_tokens SET used_at = ? WHERE token_hash = ?", now.Unix(), hash); err != nil {
			return fmt.Errorf("spend reader link: %w", err)
		}
		switch l.Purpose {
		case LinkSignUp:
			r, err = scanReader(tx.QueryRowContext(ctx, s.d.q("SELECT "+readerCols+" FROM readers WHERE email = ?"), l.Email))
			if errors.Is(err, sql.ErrNoRows) {
				r = Reader{Email: l.Email, Name: l.Name, CreatedAt: now}
				r.ID, err = s.insert(ctx, tx, "INSERT INTO readers (email, name, created_at) VALUES (?, ?, ?)", r.Email, r.Name, now.Unix())
			}
		case LinkSignIn:
			r, err = s.readerTx(ctx, tx, l.ReaderID)
			if err == nil && r.Email != l.Email {
				return magazine.Errorf(magazine.EINVALID, "This link was sent to an address the account no longer uses. Ask for a new one.")
			}
		case LinkEmailChange:
			r, err = s.readerTx(ctx, tx, l.ReaderID)
			if err == nil {
				_, err = s.exec(ctx, tx, "UPDATE readers SET email = ? WHERE id = ?", l.Email, r.ID)
				if isUniqueViolation(err) {
					return magazine.Errorf(magazine.ECONFLICT, "Another account uses %s now; the address was not changed.", l.Email)
				}
				r.Email = l.Email
			}
		default:
			return fmt.Errorf("reader link with purpose %q", l.Purpose)
		}
		if magazine.IsNotFound(err) || (err == nil && !r.DeletedAt.IsZero()) {
			return magazine.Errorf(magazine.EINVALID, "The account this link was for no longer exists.")
		} else if err != nil {
			return fmt.Errorf("use %s link: %w", l.Purpose, err)
		}
		if r.VerifiedAt.IsZero() {
			r.VerifiedAt = now
			// A password set before the address was proven was set by
			// whoever typed the address at checkout: it goes too.
			if _, err := s.exec(ctx, tx, "UPDATE readers SET verified_at = ?, password_hash = '' WHERE id = ?", now.Unix(), r.ID); err != nil {
				return fmt.Errorf("verify reader %d: %w", r.ID, err)
			}
			if _, err := s.exec(ctx, tx, "DELETE FROM reader_sessions WHERE reader_id = ? AND verified = 0", r.ID); err != nil {
				return fmt.Errorf("end unverified sessions of reader %d: %w", r.ID, err)
			}
		}
		return s.createReaderSession(ctx, tx, r.ID, true, ns)
	})
	return r, l, err
}

// CreateUnverifiedSession signs in a reader whose account was just made
// at checkout, before the address is proven. It works only while the
// account is unverified: nobody gets a session for someone else's proven
// account by typing its address.
func (s *Store) CreateUnverifiedSession(ctx context.Context, readerID int64, ns NewReaderSession) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		r, err := s.readerTx(ctx, tx, readerID)
		if err != nil {
			return err
		}
		if !r.VerifiedAt.IsZero() || !r.DeletedAt.IsZero() {
			return magazine.Errorf(magazine.EINVALID, "Sign in with the link we e-mail you.")
		}
		return s.createReaderSession(ctx, tx, readerID, false, ns)
	})
}

func (s *Store) createReaderSession(ctx context.Context, tx *sql.Tx, readerID int64, verified bool, ns NewReaderSession) error {
	now := s.Now().Unix()
	v := 0
	if verified {
		v = 1
	}
	if ns.Replaces != "" {
		if _, err := s.exec(ctx, tx, "DELETE FROM reader_sessions WHERE id_hash = ?", ns.Replaces); err != nil {
			return fmt.Errorf("delete replaced reader session: %w", err)
		}
	}
	_, err := s.exec(ctx, tx, `INSERT INTO reader_sessions (id_hash, reader_id, verified, created_at, expires_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, ns.IDHash, readerID, v, now, ns.ExpiresAt.Unix(), ns.IP, truncateRunes(ns.UserAgent, 300))
	if err != nil {
		return fmt.Errorf("insert session of reader %d: %w", readerID, err)
	}
	return nil
}

// ReaderSessionByHash returns an unexpired session of a reader whose
// account still exists.
func (s *Store) ReaderSessionByHash(ctx context.Context, hash string) (ReaderSession, error) {
	var rs ReaderSession
	var created, expires int64
	r, err := scanReader(scanFunc(func(dest ...any) error {
		return s.queryRow(ctx, `SELECT `+prefixCols("r.", readerCols)+`, s.verified, s.created_at, s.expires_at
			FROM reader_sessions s JOIN readers r ON r.id = s.reader_id
			WHERE s.id_hash = ? AND s.expires_at > ? AND r.deleted_at = 0`, hash, s.Now().Unix()).
			Scan(append(dest, &rs.Verified, &created, &expires)...)
	}))
	if errors.Is(err, sql.ErrNoRows) {
		return rs, notFound("Session")
	} else if err != nil {
		return rs, fmt.Errorf("read reader session: %w", err)
	}
	rs.IDHash, rs.Reader, rs.CreatedAt, rs.ExpiresAt = hash, r, unixTime(created), unixTime(expires)
	return rs, nil
}

// DeleteReaderSession ends one session (signing out).
func (s *Store) DeleteReaderSession(ctx context.Context, hash string) error {
	defer s.readersChanged()
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, "DELETE FROM reader_sessions WHERE id_hash = ?", hash)
		return err
	})
}

// DeleteReaderSessions ends every session of a reader (signing out
// everywhere) and returns how many there were.
func (s *Store) DeleteReaderSessions(ctx context.Context, readerID int64) (int, error) {
	defer s.readersChanged()
	var n int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "DELETE FROM reader_sessions WHERE reader_id = ?", readerID)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("end sessions of reader %d: %w", readerID, err)
	}
	return int(n), nil
}

// ReaderPassword returns the live reader with that address and their
// password hash ("" when they have none).
func (s *Store) ReaderPassword(ctx context.Context, email string) (Reader, string, error) {
	var hash string
	r, err := scanReader(scanFunc(func(dest ...any) error {
		return s.queryRow(ctx, "SELECT "+readerCols+", password_hash FROM readers WHERE email = ? AND deleted_at = 0",
			strings.ToLower(strings.TrimSpace(email))).Scan(append(dest, &hash)...)
	}))
	if errors.Is(err, sql.ErrNoRows) {
		return r, "", notFound("Reader")
	} else if err != nil {
		return r, "", fmt.Errorf("read reader password: %w", err)
	}
	return r, hash, nil
}

// SetReaderPassword sets a reader's password hash ("" removes it) and ends
// every other session of theirs, as a password change should, and forgets
// the devices that signed in before: a device trusted past a lockout must
// have signed in with the password in force.
func (s *Store) SetReaderPassword(ctx context.Context, readerID int64, hash, keepSession string) error {
	defer s.readersChanged()
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "UPDATE readers SET password_hash = ? WHERE id = ?", hash, readerID); err != nil {
			return fmt.Errorf("set password of reader %d: %w", readerID, err)
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM reader_sessions WHERE reader_id = ? AND id_hash <> ?", readerID, keepSession); err != nil {
			return fmt.Errorf("end other sessions of reader %d: %w", readerID, err)
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM trusted_devices WHERE reader_id = ?", readerID); err != nil {
			return fmt.Errorf("forget the devices of reader %d: %w", readerID, err)
		}
		return nil
	})
}

// SignInWithPassword starts a session for a reader whose password was
// checked; a hash made with weaker parameters is replaced by rehash.
func (s *Store) SignInWithPassword(ctx context.Context, r Reader, rehash string, ns NewReaderSession) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if rehash != "" {
			if _, err := s.exec(ctx, tx, "UPDATE readers SET password_hash = ? WHERE id = ?", rehash, r.ID); err != nil {
				return fmt.Errorf("upgrade password hash of reader %d: %w", r.ID, err)
			}
		}
		return s.createReaderSession(ctx, tx, r.ID, !r.VerifiedAt.IsZero(), ns)
	})
}
