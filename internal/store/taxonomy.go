package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Sections returns every section in display order.
func (s *Store) Sections(ctx context.Context) ([]magazine.Section, error) {
	return s.sections(ctx, "")
}

// SectionBySlug returns one section.
func (s *Store) SectionBySlug(ctx context.Context, slug string) (magazine.Section, error) {
	return s.sectionBySlug(ctx, slug, "")
}

const sectionCols = "SELECT id, slug, name, description, position FROM sections"

func (s *Store) sections(ctx context.Context, where string) ([]magazine.Section, error) {
	rows, err := s.query(ctx, sectionCols+where+" ORDER BY position, name")
	if err != nil {
		return nil, fmt.Errorf("list sections: %w", err)
	}
	defer rows.Close()
	var out []magazine.Section
	for rows.Next() {
		var sec magazine.Section
		if err := rows.Scan(&sec.ID, &sec.Slug, &sec.Name, &sec.Description, &sec.Position); err != nil {
			return nil, fmt.Errorf("scan section: %w", err)
		}
		out = append(out, sec)
	}
	return out, rows.Err()
}

func (s *Store) sectionBySlug(ctx context.Context, slug, and string) (magazine.Section, error) {
	var sec magazine.Section
	err := s.queryRow(ctx, sectionCols+" WHERE slug = ?"+and, slug).
		Scan(&sec.ID, &sec.Slug, &sec.Name, &sec.Description, &sec.Position)
	if errors.Is(err, sql.ErrNoRows) {
		return sec, notFound("Section")
	} else if err != nil {
		return sec, fmt.Errorf("section %q: %w", slug, err)
	}
	return sec, nil
}

// CreateSection adds a section.
func (s *Store) CreateSection(ctx context.Context, sec magazine.Section) (magazine.Section, error) {
	if err := checkSection(&sec); err != nil {
		return sec, err
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		id, err := s.insert(ctx, tx, "INSERT INTO sections (slug, name, description, position) VALUES (?, ?, ?, ?)",
			sec.Slug, sec.Name, sec.Description, sec.Position)
		if isUniqueViolation(err) {
			return magazine.FieldError("slug", "Another section already uses the slug %q.", sec.Slug)
		} else if err != nil {
			return fmt.Errorf("create section %q: %w", sec.Slug, err)
		}
		sec.ID = id
		return s.touch(ctx, tx)
	})
	return sec, err
}

// Authors returns every author, by name.
func (s *Store) Authors(ctx context.Context) ([]magazine.Author, error) {
	return s.authors(ctx, "")
}

// AuthorBySlug returns one author.
func (s *Store) AuthorBySlug(ctx context.Context, slug string) (magazine.Author, error) {
	return s.authorBySlug(ctx, slug, "")
}

const authorCols = "SELECT id, slug, name, bio, photo_url FROM authors"

func (s *Store) authors(ctx context.Context, where string) ([]magazine.Author, error) {
	rows, err := s.query(ctx, authorCols+where+" ORDER BY name, id")
	if err != nil {
		return nil, fmt.Errorf("list authors: %w", err)
	}
	defer rows.Close()
	var out []magazine.Author
	for rows.Next() {
		var a magazine.Author
		if err := rows.Scan(&a.ID, &a.Slug, &a.Name, &a.Bio, &a.PhotoURL); err != nil {
			return nil, fmt.Errorf("scan author: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Store) authorBySlug(ctx context.Context, slug, and string) (magazine.Author, error) {
	var a magazine.Author
	err := s.queryRow(ctx, authorCols+" WHERE slug = ?"+and, slug).
		Scan(&a.ID, &a.Slug, &a.Name, &a.Bio, &a.PhotoURL)
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("Author")
	} else if err != nil {
		return a, fmt.Errorf("author %q: %w", slug, err)
	}
	return a, nil
}

// CreateAuthor adds an author.
func (s *Store) CreateAuthor(ctx context.Context, a magazine.Author) (magazine.Author, error) {
	if err := checkAuthor(&a); err != nil {
		return a, err
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		id, err := s.insert(ctx, tx, "INSERT INTO authors (slug, name, bio, photo_url) VALUES (?, ?, ?, ?)",
			a.Slug, a.Name, a.Bio, a.PhotoURL)
		if isUniqueViolation(err) {
			return magazine.FieldError("slug", "Another author already uses the slug %q.", a.Slug)
		} else if err != nil {
			return fmt.Errorf("create author %q: %w", a.Slug, err)
		}
		a.ID = id
		return s.touch(ctx, tx)
	})
	return a, err
}

// TagBySlug returns one tag.
func (s *Store) TagBySlug(ctx context.Context, slug string) (magazine.Tag, error) {
	return s.tagBySlug(ctx, slug, "")
}

func (s *Store) tagBySlug(ctx context.Context, slug, and string) (magazine.Tag, error) {
	var t magazine.Tag
	err := s.queryRow(ctx, "SELECT id, slug, name FROM tags WHERE slug = ?"+and, slug).Scan(&t.ID, &t.Slug, &t.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound("Tag")
	} else if err != nil {
		return t, fmt.Errorf("tag %q: %w", slug, err)
	}
	return t, nil
}

// ensureTag returns the id of the tag named name, creating it if needed.
func (s *Store) ensureTag(ctx context.Context, tx *sql.Tx, name string, cache map[string]int64) (int64, error) {
	slug := magazine.Slugify(name)
	if id, ok := cache[slug]; ok {
		return id, nil
	}
	if _, err := s.exec(ctx, tx, "INSERT INTO tags (slug, name) VALUES (?, ?) ON CONFLICT (slug) DO NOTHING", slug, strings.TrimSpace(name)); err != nil {
		return 0, fmt.Errorf("create tag %q: %w", slug, err)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, s.d.q("SELECT id FROM tags WHERE slug = ?"), slug).Scan(&id); err != nil {
		return 0, fmt.Errorf("find tag %q: %w", slug, err)
	}
	if cache != nil {
		cache[slug] = id
	}
	return id, nil
}
