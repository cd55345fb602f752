package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

const apiKeyColumns = "id, name, scopes, prefix, created_at, last_used_at, revoked_at"

func scanAPIKey(sc interface{ Scan(...any) error }, hash *string) (magazine.APIKey, error) {
	var k magazine.APIKey
	var scopes string
	var created, used, revoked int64
	dest := []any{&k.ID, &k.Name, &scopes, &k.Prefix, &created, &used, &revoked}
	if hash != nil {
		dest = append(dest, hash)
	}
	if err := sc.Scan(dest...); err != nil {
		return k, err
	}
	for _, s := range strings.Fields(scopes) {
		k.Scopes = append(k.Scopes, magazine.APIScope(s))
	}
	k.CreatedAt = unixTime(created)
	if used != 0 {
		k.LastUsedAt = unixTime(used)
	}
	if revoked != 0 {
		k.RevokedAt = unixTime(revoked)
	}
	return k, nil
}

// CreateAPIKey saves a new Admin API key, audited. The caller made the
// secret; the store keeps its hash and its prefix only.
func (s *Store) CreateAPIKey(ctx context.Context, actor Actor, name string, scopes []string, prefix, hash string) (magazine.APIKey, error) {
	name, clean, err := magazine.CleanAPIKey(name, scopes)
	if err != nil {
		return magazine.APIKey{}, err
	}
	if prefix == "" || hash == "" {
		return magazine.APIKey{}, fmt.Errorf("create API key %q: no secret", name)
	}
	var words []string
	for _, sc := range clean {
		words = append(words, string(sc))
	}
	k := magazine.APIKey{Name: name, Scopes: clean, Prefix: prefix}
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		id, err := s.insert(ctx, tx, "INSERT INTO api_keys (name, scopes, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)",
			name, strings.Join(words, " "), prefix, hash, now.Unix())
		if err != nil {
			return fmt.Errorf("create API key %q: %w", name, err)
		}
		k.ID, k.CreatedAt = id, now.UTC().Truncate(time.Second)
		return s.audit(ctx, tx, actor, "api_key.create", name, strings.Join(words, ", "))
	})
	return k, err
}

// APIKeys returns every key, revoked ones too, newest first.
func (s *Store) APIKeys(ctx context.Context) ([]magazine.APIKey, error) {
	rows, err := s.query(ctx, "SELECT "+apiKeyColumns+" FROM api_keys ORDER BY id DESC")
	if err != nil {
		return nil, fmt.Errorf("API keys: %w", err)
	}
	defer rows.Close()
	var out []magazine.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows, nil)
		if err != nil {
			return nil, fmt.Errorf("API keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// APIKeyBySecret returns the key whose secret starts with prefix and
// hashes to hash, comparing hashes in constant time. An unknown or revoked
// key is ENOTFOUND.
func (s *Store) APIKeyBySecret(ctx context.Context, prefix, hash string) (magazine.APIKey, error) {
	rows, err := s.query(ctx, "SELECT "+apiKeyColumns+", hash FROM api_keys WHERE prefix = ? AND revoked_at = 0", prefix)
	if err != nil {
		return magazine.APIKey{}, fmt.Errorf("API key: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kept string
		k, err := scanAPIKey(rows, &kept)
		if err != nil {
			return k, fmt.Errorf("API key: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(kept), []byte(hash)) == 1 {
			return k, nil
		}
	}
	if err := rows.Err(); err != nil {
		return magazine.APIKey{}, fmt.Errorf("API key: %w", err)
	}
	return magazine.APIKey{}, notFound("API key")
}

// apiKeyTouchEvery is how stale last_used_at may get: a busy key would
// otherwise write on every request.
const apiKeyTouchEvery = time.Minute

// TouchAPIKey records that the key was used now, at most once a minute.
func (s *Store) TouchAPIKey(ctx context.Context, id int64) error {
	now := s.Now().Unix()
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND last_used_at <= ?", now, id, now-int64(apiKeyTouchEvery/time.Second))
		if err != nil {
			return fmt.Errorf("touch API key %d: %w", id, err)
		}
		return nil
	})
}

// RevokeAPIKey stops a key from working, audited. Revoking it again
// changes nothing.
func (s *Store) RevokeAPIKey(ctx context.Context, actor Actor, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var name string
		var revoked int64
		err := tx.QueryRowContext(ctx, s.d.q("SELECT name, revoked_at FROM api_keys WHERE id = ?"), id).Scan(&name, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("API key")
		} else if err != nil {
			return fmt.Errorf("revoke API key %d: %w", id, err)
		}
		if revoked != 0 {
			return nil
		}
		if _, err := s.exec(ctx, tx, "UPDATE api_keys SET revoked_at = ? WHERE id = ?", s.Now().Unix(), id); err != nil {
			return fmt.Errorf("revoke API key %d: %w", id, err)
		}
		return s.audit(ctx, tx, actor, "api_key.revoke", name, "")
	})
}
