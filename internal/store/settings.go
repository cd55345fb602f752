package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Publication returns the magazine's settings, or the defaults when none
// have been saved.
func (s *Store) Publication(ctx context.Context) (magazine.Publication, error) {
	version := s.Version()
	if p, ok := s.pub.get(version); ok {
		return p, nil
	}
	p, err := s.readPublication(ctx)
	if err == nil {
		s.pub.put(version, p)
	}
	return p, err
}

func (s *Store) readPublication(ctx context.Context) (magazine.Publication, error) {
	p := magazine.DefaultPublication()
	err := s.jsonSetting(ctx, "publication", &p)
	return p, err
}

// jsonSetting decodes the setting key into v; v is left as it is when
// the setting was never saved.
func (s *Store) jsonSetting(ctx context.Context, key string, v any) error {
	var raw string
	err := s.queryRow(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read %s settings: %w", key, err)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return fmt.Errorf("decode %s settings: %w", key, err)
	}
	return nil
}

// SetPublication saves the magazine's settings.
func (s *Store) SetPublication(ctx context.Context, p magazine.Publication) error {
	if err := p.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode publication settings: %w", err)
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.setSetting(ctx, tx, "publication", string(raw)); err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
}

func (s *Store) setSetting(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := s.exec(ctx, tx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	return nil
}

// touch records that published content changed, so that every process's
// page cache drops what it holds. withTx publishes the new version to this
// process only after the commit: a page rendered between the two would
// otherwise be cached as current while showing the old content. The version is a Unix time in
// nanoseconds and only grows; it doubles as Last-Modified.
//
// It is one statement, not a read then a write: on PostgreSQL two
// transactions that both read the old value would both write old+1, and
// the later commit could even lower the version. The upsert waits for the
// row and computes from the latest committed value.
func (s *Store) touch(ctx context.Context, tx *sql.Tx) error {
	_, err := s.exec(ctx, tx, `INSERT INTO settings (key, value) VALUES ('content_version', ?)
		ON CONFLICT (key) DO UPDATE SET value = CAST(CASE
			WHEN CAST(excluded.value AS BIGINT) > CAST(settings.value AS BIGINT) THEN CAST(excluded.value AS BIGINT)
			ELSE CAST(settings.value AS BIGINT) + 1 END AS TEXT)`,
		strconv.FormatInt(s.Now().UnixNano(), 10))
	if err != nil {
		return fmt.Errorf("save content version: %w", err)
	}
	return nil
}

// ContentVersion returns the version written by the latest change to
// published content, in any process.
func (s *Store) ContentVersion(ctx context.Context) (int64, error) {
	var raw string
	err := s.queryRow(ctx, "SELECT value FROM settings WHERE key = ?", "content_version").Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("read content version: %w", err)
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("content version %q: %w", raw, err)
	}
	return v, nil
}

// Version returns the content version this process last saw: its own
// writes at once, other processes' within a WatchVersion interval. Page
// caches compare it on every request, which costs no SQL.
func (s *Store) Version() int64 { return s.version.Load() }

// WatchVersion reads the content version every interval until ctx ends, so
// that writes by other processes (another app server, the CLI) reach this
// process's caches.
func (s *Store) WatchVersion(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if v, err := s.ContentVersion(ctx); err == nil {
			s.bumpVersion(v)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Store) bumpVersion(v int64) {
	for {
		old := s.version.Load()
		if v <= old || s.version.CompareAndSwap(old, v) {
			return
		}
	}
}

// InstallID returns this installation's random id, made on first use: a
// prefix for keys that must not repeat across databases.
func (s *Store) InstallID(ctx context.Context) (string, error) {
	var b [6]byte
	rand.Read(b[:])
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", "install_id", "m"+hex.EncodeToString(b[:]))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("make install id: %w", err)
	}
	var id string
	if err := s.queryRow(ctx, "SELECT value FROM settings WHERE key = ?", "install_id").Scan(&id); err != nil {
		return "", fmt.Errorf("read install id: %w", err)
	}
	return id, nil
}
