package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Reader is someone who reads the magazine with an account: the owner of
// subscriptions.
type Reader struct {
	ID        int64
	Email     string // lower case
	Name      string
	CreatedAt time.Time
	DeletedAt time.Time
	// VerifiedAt is when the reader first opened a link sent to the
	// address; zero for an account made at checkout and not yet proven.
	VerifiedAt time.Time
	// HasPassword: the reader may also sign in with a password.
	HasPassword bool
}

const readerCols = "id, email, name, created_at, deleted_at, verified_at, password_hash <> ''"

func scanReader(row scanner) (Reader, error) {
	var r Reader
	var created, deleted, verified int64
	err := row.Scan(&r.ID, &r.Email, &r.Name, &created, &deleted, &verified, &r.HasPassword)
	r.CreatedAt, r.DeletedAt, r.VerifiedAt = unixTime(created), unixTime(deleted), unixTime(verified)
	return r, err
}

// NormalizeEmail trims and lower-cases an address and checks that it is
// one address.
func NormalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		return "", magazine.FieldError("email", "Enter an e-mail address such as name@example.com.")
	}
	return email, nil
}

// CreateReader adds a reader. An address already in use is ECONFLICT.
func (s *Store) CreateReader(ctx context.Context, email, name string) (Reader, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return Reader{}, err
	}
	r := Reader{Email: email, Name: strings.TrimSpace(name), CreatedAt: s.Now().UTC().Truncate(time.Second)}
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		r.ID, err = s.insert(ctx, tx, "INSERT INTO readers (email, name, created_at) VALUES (?, ?, ?)", r.Email, r.Name, r.CreatedAt.Unix())
		if isUniqueViolation(err) {
			return magazine.Errorf(magazine.ECONFLICT, "There is already an account for %s.", email)
		} else if err != nil {
			return fmt.Errorf("create reader %s: %w", email, err)
		}
		return nil
	})
	return r, err
}

// Reader returns the reader with id.
func (s *Store) Reader(ctx context.Context, id int64) (Reader, error) {
	r, err := scanReader(s.queryRow(ctx, "SELECT "+readerCols+" FROM readers WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("Reader")
	} else if err != nil {
		return r, fmt.Errorf("read reader %d: %w", id, err)
	}
	return r, nil
}

// ReaderByEmail returns the reader with that address, in any case.
func (s *Store) ReaderByEmail(ctx context.Context, email string) (Reader, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	r, err := scanReader(s.queryRow(ctx, "SELECT "+readerCols+" FROM readers WHERE email = ?", email))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("Reader")
	} else if err != nil {
		return r, fmt.Errorf("read reader %s: %w", email, err)
	}
	return r, nil
}

func (s *Store) readerTx(ctx context.Context, tx *sql.Tx, id int64) (Reader, error) {
	r, err := scanReader(tx.QueryRowContext(ctx, s.d.q("SELECT "+readerCols+" FROM readers WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("Reader")
	} else if err != nil {
		return r, fmt.Errorf("read reader %d: %w", id, err)
	}
	return r, nil
}
