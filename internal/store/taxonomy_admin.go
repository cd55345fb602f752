package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Limits on what the newsroom types into sections, tags and authors.
const (
	maxTaxonomyName = 100
	maxDescription  = 1000
	maxBio          = 5000
)

// checkSection trims a section and checks it; the slug comes from the name
// when left empty.
func checkSection(sec *magazine.Section) error {
	sec.Name, sec.Slug, sec.Description = strings.TrimSpace(sec.Name), strings.TrimSpace(sec.Slug), strings.TrimSpace(sec.Description)
	switch {
	case sec.Name == "":
		return magazine.FieldError("name", "A section needs a name.")
	case utf8.RuneCountInString(sec.Name) > maxTaxonomyName:
		return magazine.FieldError("name", "Names are limited to %d characters.", maxTaxonomyName)
	case utf8.RuneCountInString(sec.Description) > maxDescription:
		return magazine.FieldError("description", "The description is limited to %d characters.", maxDescription)
	}
	if sec.Slug == "" {
		sec.Slug = magazine.Slugify(sec.Name)
	}
	if !magazine.ValidSlug(sec.Slug) {
		return magazine.FieldError("slug", "A slug uses lower-case letters, digits and hyphens.")
	}
	return nil
}

// checkAuthor trims an author and checks it. A photo is a web address or a
// file uploaded to this site, never a javascript: or data: URL.
func checkAuthor(a *magazine.Author) error {
	a.Name, a.Slug, a.Bio, a.PhotoURL = strings.TrimSpace(a.Name), strings.TrimSpace(a.Slug), strings.TrimSpace(a.Bio), strings.TrimSpace(a.PhotoURL)
	switch {
	case a.Name == "":
		return magazine.FieldError("name", "An author needs a name.")
	case utf8.RuneCountInString(a.Name) > maxTaxonomyName:
		return magazine.FieldError("name", "Names are limited to %d characters.", maxTaxonomyName)
	case utf8.RuneCountInString(a.Bio) > maxBio:
		return magazine.FieldError("bio", "The biography is limited to %d characters.", maxBio)
	}
	if err := magazine.CheckImageURL("photo_url", "The photo", a.PhotoURL); err != nil {
		return err
	}
	if a.Slug == "" {
		a.Slug = magazine.Slugify(a.Name)
	}
	if !magazine.ValidSlug(a.Slug) {
		return magazine.FieldError("slug", "A slug uses lower-case letters, digits and hyphens.")
	}
	return nil
}

// SectionRow is a section with the number of its articles.
type SectionRow struct {
	magazine.Section
	Articles int
}

// SectionsWithCounts returns every section in display order with how many
// articles it holds, whatever their status.
func (s *Store) SectionsWithCounts(ctx context.Context) ([]SectionRow, error) {
	rows, err := s.query(ctx, `SELECT s.id, s.slug, s.name, s.description, s.position,
		(SELECT count(*) FROM articles a WHERE a.section_id = s.id) FROM sections s ORDER BY s.position, s.name`)
	if err != nil {
		return nil, fmt.Errorf("list sections: %w", err)
	}
	defer rows.Close()
	var out []SectionRow
	for rows.Next() {
		var r SectionRow
		if err := rows.Scan(&r.ID, &r.Slug, &r.Name, &r.Description, &r.Position, &r.Articles); err != nil {
			return nil, fmt.Errorf("scan section: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SectionByID returns one section.
func (s *Store) SectionByID(ctx context.Context, id int64) (magazine.Section, error) {
	var sec magazine.Section
	err := s.queryRow(ctx, "SELECT id, slug, name, description, position FROM sections WHERE id = ?", id).
		Scan(&sec.ID, &sec.Slug, &sec.Name, &sec.Description, &sec.Position)
	if errors.Is(err, sql.ErrNoRows) {
		return sec, notFound("Section")
	} else if err != nil {
		return sec, fmt.Errorf("section %d: %w", id, err)
	}
	return sec, nil
}

// UpdateSection renames, re-slugs and describes a section; its place in
// the order stays.
func (s *Store) UpdateSection(ctx context.Context, id int64, sec magazine.Section) (magazine.Section, error) {
	if err := checkSection(&sec); err != nil {
		return sec, err
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "UPDATE sections SET slug = ?, name = ?, description = ? WHERE id = ?", sec.Slug, sec.Name, sec.Description, id)
		if isUniqueViolation(err) {
			return magazine.FieldError("slug", "Another section already uses the slug %q.", sec.Slug)
		} else if err != nil {
			return fmt.Errorf("update section %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Section")
		}
		sec.ID = id
		return s.touch(ctx, tx)
	})
	return sec, err
}

// ReorderSections sets the display order to ids. Like ReorderIssue, a list
// that is not exactly the current sections is refused.
func (s *Store) ReorderSections(ctx context.Context, ids []int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sections").Scan(&n); err != nil {
			return fmt.Errorf("count sections: %w", err)
		}
		if n != len(ids) || len(ids) != len(slices.Compact(slices.Sorted(slices.Values(ids)))) {
			return magazine.Errorf(magazine.ECONFLICT, "The sections changed since the page was loaded. Reload the page and try again.")
		}
		for i, id := range ids {
			res, err := s.exec(ctx, tx, "UPDATE sections SET position = ? WHERE id = ?", i+1, id)
			if err != nil {
				return fmt.Errorf("place section %d: %w", id, err)
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return magazine.Errorf(magazine.ECONFLICT, "The sections changed since the page was loaded. Reload the page and try again.")
			}
		}
		return s.touch(ctx, tx)
	})
}

// DeleteSection removes a section that holds no articles. One that does is
// refused with how many, since deleting it would orphan them.
func (s *Store) DeleteSection(ctx context.Context, actor Actor, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var name string
		var articles int
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT name, (SELECT count(*) FROM articles WHERE section_id = ?) FROM sections WHERE id = ?`), id, id).
			Scan(&name, &articles)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Section")
		} else if err != nil {
			return fmt.Errorf("read section %d: %w", id, err)
		}
		if articles > 0 {
			return magazine.Errorf(magazine.ECONFLICT, "%s still has %d %s. Move them to another section first; only an empty section can be deleted.",
				name, articles, plural(articles, "article", "articles"))
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM sections WHERE id = ?", id); err != nil {
			return fmt.Errorf("delete section %d: %w", id, err)
		}
		if err := s.audit(ctx, tx, actor, "section.delete", name, ""); err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
}

// TagRow is a tag with the number of its articles.
type TagRow struct {
	magazine.Tag
	Articles int
}

// TagsWithCounts returns every tag by name with how many articles carry it.
func (s *Store) TagsWithCounts(ctx context.Context) ([]TagRow, error) {
	rows, err := s.query(ctx, `SELECT t.id, t.slug, t.name, (SELECT count(*) FROM article_tags x WHERE x.tag_id = t.id)
		FROM tags t ORDER BY t.name, t.id`)
	if err != nil {
		return nil, fmt.Errorf("list tags: %w", err)
	}
	defer rows.Close()
	var out []TagRow
	for rows.Next() {
		var r TagRow
		if err := rows.Scan(&r.ID, &r.Slug, &r.Name, &r.Articles); err != nil {
			return nil, fmt.Errorf("scan tag: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RenameTag gives a tag a new name. Its slug follows the name: articles
// name their tags as text and the store finds a tag by the slug of that
// text, so a slug chosen apart from the name would make the next article
// that uses the new name create a second tag. A name whose slug another
// tag has is refused, pointing to merging instead.
func (s *Store) RenameTag(ctx context.Context, actor Actor, id int64, name string) (magazine.Tag, error) {
	t := magazine.Tag{ID: id, Name: strings.TrimSpace(name)}
	switch {
	case t.Name == "":
		return t, magazine.FieldError("name", "A tag needs a name.")
	case utf8.RuneCountInString(t.Name) > maxTaxonomyName:
		return t, magazine.FieldError("name", "Names are limited to %d characters.", maxTaxonomyName)
	}
	t.Slug = magazine.Slugify(t.Name)
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, s.d.q("SELECT name FROM tags WHERE id = ?"), id).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Tag")
		} else if err != nil {
			return fmt.Errorf("read tag %d: %w", id, err)
		}
		_, err = s.exec(ctx, tx, "UPDATE tags SET slug = ?, name = ? WHERE id = ?", t.Slug, t.Name, id)
		if isUniqueViolation(err) {
			return magazine.FieldError("name", "Another tag already has the slug %q. Merge this tag into it instead.", t.Slug)
		} else if err != nil {
			return fmt.Errorf("rename tag %d: %w", id, err)
		}
		if err := s.refreshBylines(ctx, tx, "SELECT article_id FROM article_tags WHERE tag_id = ?", id); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "tag.rename", t.Name, "was "+old); err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
	return t, err
}

// MergeTags moves every article of tag from to tag into and deletes from.
func (s *Store) MergeTags(ctx context.Context, actor Actor, from, into int64) error {
	if from == into {
		return magazine.FieldError("into", "Choose another tag to merge into.")
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		names := map[int64]string{}
		for _, id := range []int64{from, into} {
			var name string
			err := tx.QueryRowContext(ctx, s.d.q("SELECT name FROM tags WHERE id = ?"), id).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				if id == into {
					return magazine.FieldError("into", "The tag to merge into no longer exists.")
				}
				return notFound("Tag")
			} else if err != nil {
				return fmt.Errorf("read tag %d: %w", id, err)
			}
			names[id] = name
		}
		if _, err := s.exec(ctx, tx, `INSERT INTO article_tags (article_id, tag_id)
			SELECT article_id, ? FROM article_tags WHERE tag_id = ? ON CONFLICT DO NOTHING`, into, from); err != nil {
			return fmt.Errorf("merge tag %d into %d: %w", from, into, err)
		}
		if err := s.deleteTag(ctx, tx, from); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "tag.merge", names[from], "into "+names[into]); err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
}

// DeleteTag removes a tag from every article and deletes it.
func (s *Store) DeleteTag(ctx context.Context, actor Actor, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, s.d.q("SELECT name FROM tags WHERE id = ?"), id).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Tag")
		} else if err != nil {
			return fmt.Errorf("read tag %d: %w", id, err)
		}
		if err := s.deleteTag(ctx, tx, id); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "tag.delete", name, ""); err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
}

func (s *Store) deleteTag(ctx context.Context, tx *sql.Tx, id int64) error {
	for _, q := range []string{"DELETE FROM article_tags WHERE tag_id = ?", "DELETE FROM tags WHERE id = ?"} {
		if _, err := s.exec(ctx, tx, q, id); err != nil {
			return fmt.Errorf("delete tag %d: %w", id, err)
		}
	}
	return nil
}

// AuthorRow is an author with the number of their articles.
type AuthorRow struct {
	magazine.Author
	Articles int
}

// AuthorsWithCounts returns every author by name with how many articles
// they wrote, whatever their status.
func (s *Store) AuthorsWithCounts(ctx context.Context) ([]AuthorRow, error) {
	rows, err := s.query(ctx, `SELECT u.id, u.slug, u.name, u.bio, u.photo_url,
		(SELECT count(*) FROM article_authors x WHERE x.author_id = u.id) FROM authors u ORDER BY u.name, u.id`)
	if err != nil {
		return nil, fmt.Errorf("list authors: %w", err)
	}
	defer rows.Close()
	var out []AuthorRow
	for rows.Next() {
		var r AuthorRow
		if err := rows.Scan(&r.ID, &r.Slug, &r.Name, &r.Bio, &r.PhotoURL, &r.Articles); err != nil {
			return nil, fmt.Errorf("scan author: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AuthorByID returns one author.
func (s *Store) AuthorByID(ctx context.Context, id int64) (magazine.Author, error) {
	var a magazine.Author
	err := s.queryRow(ctx, "SELECT id, slug, name, bio, photo_url FROM authors WHERE id = ?", id).
		Scan(&a.ID, &a.Slug, &a.Name, &a.Bio, &a.PhotoURL)
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("Author")
	} else if err != nil {
		return a, fmt.Errorf("author %d: %w", id, err)
	}
	return a, nil
}

// UpdateAuthor changes an author's name, slug, biography and photo.
func (s *Store) UpdateAuthor(ctx context.Context, id int64, a magazine.Author) (magazine.Author, error) {
	if err := checkAuthor(&a); err != nil {
		return a, err
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "UPDATE authors SET slug = ?, name = ?, bio = ?, photo_url = ? WHERE id = ?", a.Slug, a.Name, a.Bio, a.PhotoURL, id)
		if isUniqueViolation(err) {
			return magazine.FieldError("slug", "Another author already uses the slug %q.", a.Slug)
		} else if err != nil {
			return fmt.Errorf("update author %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Author")
		}
		if err := s.refreshBylines(ctx, tx, "SELECT article_id FROM article_authors WHERE author_id = ?", id); err != nil {
			return err
		}
		a.ID = id
		return s.touch(ctx, tx)
	})
	return a, err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
