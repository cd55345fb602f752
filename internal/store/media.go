package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
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
	// VariantOf is the key of the original this is a smaller copy of.
	VariantOf string
}

// RecordMedia stores a file's description. Recording the same key twice is
// not an error: content-addressed keys mean the same bytes.
func (s *Store) RecordMedia(ctx context.Context, m Media) (Media, error) {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		return s.recordMedia(ctx, tx, &m)
	})
	s.images.Delete(m.Key)
	return m, err
}

func (s *Store) recordMedia(ctx context.Context, tx *sql.Tx, m *Media) error {
	_, err := s.exec(ctx, tx, `INSERT INTO media (key, name, content_type, size, width, height, variant_of, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
		m.Key, m.Name, m.ContentType, m.Size, m.Width, m.Height, m.VariantOf, s.Now().Unix())
	if err != nil {
		return fmt.Errorf("record media %s: %w", m.Key, err)
	}
	return tx.QueryRowContext(ctx, s.d.q("SELECT id FROM media WHERE key = ?"), m.Key).Scan(&m.ID)
}

// RecordImage stores the description of an image and of its smaller
// copies, in one transaction.
func (s *Store) RecordImage(ctx context.Context, original Media, variants []Media) (Media, error) {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.recordMedia(ctx, tx, &original); err != nil {
			return err
		}
		for i := range variants {
			variants[i].VariantOf = original.Key
			if err := s.recordMedia(ctx, tx, &variants[i]); err != nil {
				return err
			}
		}
		return nil
	})
	s.images.Delete(original.Key)
	return original, err
}

// ImageSources describes how to show a stored image: its size and the
// srcset of its copies. Files never change, so answers are kept.
type ImageSources struct {
	Width, Height int
	Srcset        string // "/media/a.jpg 480w, /media/b.jpg 960w, /media/orig.jpg 2400w"; empty without copies
}

// ImageSources returns how to show the image stored under key; ok is false
// for a key that is not a known image.
func (s *Store) ImageSources(ctx context.Context, key string) (ImageSources, bool) {
	if v, ok := s.images.Load(key); ok {
		src := v.(ImageSources)
		return src, src.Width > 0
	}
	var src ImageSources
	m, err := s.MediaByKey(ctx, key)
	if err != nil || m.Width == 0 {
		if magazine.IsNotFound(err) {
			s.images.Store(key, src)
		}
		return src, false
	}
	src.Width, src.Height = m.Width, m.Height
	rows, err := s.query(ctx, "SELECT key, width FROM media WHERE variant_of = ? ORDER BY width", key)
	if err != nil {
		return src, false
	}
	defer rows.Close()
	var parts []string
	for rows.Next() {
		var k string
		var w int
		if err := rows.Scan(&k, &w); err != nil {
			return src, false
		}
		parts = append(parts, "/media/"+k+" "+strconv.Itoa(w)+"w")
	}
	if rows.Err() != nil {
		return src, false
	}
	if len(parts) > 0 {
		parts = append(parts, "/media/"+key+" "+strconv.Itoa(m.Width)+"w")
		src.Srcset = strings.Join(parts, ", ")
	}
	s.images.Store(key, src)
	return src, true
}

// MediaByKey returns a file's description.
func (s *Store) MediaByKey(ctx context.Context, key string) (Media, error) {
	m := Media{Key: key}
	err := s.queryRow(ctx, "SELECT id, name, content_type, size, width, height, variant_of FROM media WHERE key = ?", key).
		Scan(&m.ID, &m.Name, &m.ContentType, &m.Size, &m.Width, &m.Height, &m.VariantOf)
	if errors.Is(err, sql.ErrNoRows) {
		return m, notFound("File")
	} else if err != nil {
		return m, fmt.Errorf("media %s: %w", key, err)
	}
	return m, nil
}

// RecordIngested records an image the media ingester stored, and its
// smaller copies, under the file name it came with.
func (s *Store) RecordIngested(ctx context.Context, name string, img media.Image) (Media, error) {
	variants := make([]Media, len(img.Variants))
	for i, v := range img.Variants {
		variants[i] = Media{Key: v.Key, Name: name, ContentType: img.ContentType, Size: int64(v.Size), Width: v.Width,
			Height: img.Height * v.Width / img.Width}
	}
	return s.RecordImage(ctx, Media{Key: img.Key, Name: name, ContentType: img.ContentType,
		Size: int64(img.Size), Width: img.Width, Height: img.Height}, variants)
}
