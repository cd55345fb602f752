package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/masthead-press/masthead/internal/magazine"
)

// The kinds of things an import records the source ids of.
const (
	ImportSection = "section"
	ImportAuthor  = "author"
	ImportArticle = "article"
	ImportReader  = "reader"
	ImportComp    = "comp"
)

// Imported is one thing read from another system: its id there, a digest
// of what it said (a second run skips it when the digest is the same) and,
// once written, the id it has here.
type Imported struct {
	SourceID string
	Hash     string
}

// ImportedTerm is a section or an author from another system.
type ImportedTerm struct {
	Imported
	Slug, Name, Description string
}

// ImportedArticle is an article from another system, its section and
// authors already given as ids here, and the paths it had there.
type ImportedArticle struct {
	Imported
	Input    magazine.ArticleInput
	OldPaths []string
}

// ImportCounts says what one write of an import did.
type ImportCounts struct {
	Created, Updated, Unchanged int
	// Warnings are what a person should know: a slug that was taken and
	// got a suffix, a path that already redirected elsewhere.
	Warnings []string
}

// Add adds o to c.
func (c *ImportCounts) Add(o ImportCounts) {
	c.Created += o.Created
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
	c.Warnings = append(c.Warnings, o.Warnings...)
}

// ImportedState is what an earlier run recorded of a source id.
type ImportedState struct {
	TargetID int64
	Hash     string
}

// ImportState returns what earlier runs of the import named source
// recorded for those source ids of kind; ids never imported are absent.
func (s *Store) ImportState(ctx context.Context, source, kind string, ids []string) (map[string]ImportedState, error) {
	out := make(map[string]ImportedState, len(ids))
	for chunk := range slices.Chunk(ids, 500) {
		args := []any{source, kind}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := s.query(ctx, "SELECT source_id, target_id, hash FROM import_sources WHERE source = ? AND kind = ? AND source_id IN ("+
			placeholders(len(chunk))+")", args...)
		if err != nil {
			return nil, fmt.Errorf("read import state: %w", err)
		}
		for rows.Next() {
			var id string
			var st ImportedState
			if err := rows.Scan(&id, &st.TargetID, &st.Hash); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read import state: %w", err)
			}
			out[id] = st
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("read import state: %w", err)
		}
	}
	return out, nil
}

// recordSource notes, in tx, that source id of kind is target here.
func (s *Store) recordSource(ctx context.Context, tx *sql.Tx, source, kind string, im Imported, target int64) error {
	_, err := s.exec(ctx, tx, `INSERT INTO import_sources (source, kind, source_id, target_id, hash, imported_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (source, kind, source_id) DO UPDATE SET target_id = excluded.target_id, hash = excluded.hash, imported_at = excluded.imported_at`,
		source, kind, im.SourceID, target, im.Hash, s.Now().Unix())
	if err != nil {
		return fmt.Errorf("record %s %s of %s: %w", kind, im.SourceID, source, err)
	}
	return nil
}

// ImportTerms writes the sections (kind ImportSection) or authors
// (ImportAuthor) of an import in one transaction and returns the id here
// of every source id. A term seen before is updated when its digest
// changed; a new one takes over an existing section or author with the
// same slug, so that importing into a magazine that already has
// "Politics" does not make a second one.
func (s *Store) ImportTerms(ctx context.Context, source, kind string, terms []ImportedTerm) (map[string]int64, ImportCounts, error) {
	table, extra := "sections", "description"
	if kind == ImportAuthor {
		table, extra = "authors", "bio"
	} else if kind != ImportSection {
		return nil, ImportCounts{}, fmt.Errorf("import terms: unknown kind %q", kind)
	}
	ids := make([]string, len(terms))
	for i, t := range terms {
		ids[i] = t.SourceID
	}
	state, err := s.ImportState(ctx, source, kind, ids)
	if err != nil {
		return nil, ImportCounts{}, err
	}
	out := make(map[string]int64, len(terms))
	var counts ImportCounts
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		changed := false
		for _, t := range terms {
			old, seen := state[t.SourceID]
			switch {
			case seen && old.Hash == t.Hash:
				out[t.SourceID] = old.TargetID
				counts.Unchanged++
				continue
			case seen:
				if _, err := s.exec(ctx, tx, "UPDATE "+table+" SET name = ?, "+extra+" = ? WHERE id = ?", t.Name, t.Description, old.TargetID); err != nil {
					return fmt.Errorf("update %s %q: %w", kind, t.Slug, err)
				}
				out[t.SourceID] = old.TargetID
				counts.Updated++
			default:
				var id int64
				err := tx.QueryRowContext(ctx, s.d.q("SELECT id FROM "+table+" WHERE slug = ?"), t.Slug).Scan(&id)
				if errors.Is(err, sql.ErrNoRows) {
					id, err = s.insert(ctx, tx, "INSERT INTO "+table+" (slug, name, "+extra+") VALUES (?, ?, ?)", t.Slug, t.Name, t.Description)
					counts.Created++
				} else {
					counts.Unchanged++
				}
				if err != nil {
					return fmt.Errorf("import %s %q: %w", kind, t.Slug, err)
				}
				out[t.SourceID] = id
			}
			changed = true
			if err := s.recordSource(ctx, tx, source, kind, t.Imported, out[t.SourceID]); err != nil {
				return err
			}
		}
		if !changed {
			return nil
		}
		return s.touch(ctx, tx)
	})
	return out, counts, err
}
