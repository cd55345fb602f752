package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Media describes an uploaded file. The bytes live in a media.Storage under
// Key; the row is what the admin lists and what pages ask about.
type Media struct {
	ID          int64
	Key         string
	Name        string
	ContentType string
	Size        int64
	Width       int
	Height      int
}

// RecordMedia stores a file's description. Recording the same key twice is
// not an error: content-addressed keys mean the same bytes.
func (s *Store) RecordMedia(ctx context.Context, m Media) (Media, error) {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO media (key, name, content_type, size, width, height, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			m.Key, m.Name, m.ContentType, m.Size, m.Width, m.Height, s.Now().Unix())
		if err != nil {
			return fmt.Errorf("record media %s: %w", m.Key, err)
		}
		return tx.QueryRowContext(ctx, s.d.q("SELECT id FROM media WHERE key = ?"), m.Key).Scan(&m.ID)
	})
	return m, err
}

// MediaByKey returns a file's description.
func (s *Store) MediaByKey(ctx context.Context, key string) (Media, error) {
	m := Media{Key: key}
	err := s.queryRow(ctx, "SELECT id, name, content_type, size, width, height FROM media WHERE key = ?", key).
		Scan(&m.ID, &m.Name, &m.ContentType, &m.Size, &m.Width, &m.Height)
	if errors.Is(err, sql.ErrNoRows) {
		return m, notFound("File")
	} else if err != nil {
		return m, fmt.Errorf("media %s: %w", key, err)
	}
	return m, nil
}
