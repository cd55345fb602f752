package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

// LexiconEntry is one line of the pronunciation dictionary.
type LexiconEntry struct {
	ID            int64
	Word          string
	Say           string
	CaseSensitive bool
}

// Validate checks an entry as staff type it.
func (e *LexiconEntry) Validate() error {
	e.Word, e.Say = strings.Join(strings.Fields(e.Word), " "), strings.Join(strings.Fields(e.Say), " ")
	switch {
	case e.Word == "":
		return magazine.FieldError("word", "Type the word or phrase to pronounce.")
	case e.Say == "":
		return magazine.FieldError("say", "Type how to say it: a respelling such as MAST-hed.")
	case len(e.Word) > 100 || len(e.Say) > 200:
		return magazine.FieldError("word", "Words are limited to 100 characters and how to say them to 200.")
	}
	return nil
}

// Lexicon returns the pronunciation dictionary, by word.
func (s *Store) Lexicon(ctx context.Context) ([]LexiconEntry, error) {
	rows, err := s.query(ctx, "SELECT id, word, say, case_sensitive FROM audio_lexicon ORDER BY word")
	if err != nil {
		return nil, fmt.Errorf("read the pronunciation dictionary: %w", err)
	}
	defer rows.Close()
	var out []LexiconEntry
	for rows.Next() {
		var e LexiconEntry
		if err := rows.Scan(&e.ID, &e.Word, &e.Say, &e.CaseSensitive); err != nil {
			return nil, fmt.Errorf("read the pronunciation dictionary: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SaveLexicon adds entries, or changes those whose word is already there,
// in one transaction: a CSV import lands whole or not at all.
func (s *Store) SaveLexicon(ctx context.Context, entries []LexiconEntry) error {
	for i := range entries {
		if err := entries[i].Validate(); err != nil {
			return err
		}
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			_, err := s.exec(ctx, tx, `INSERT INTO audio_lexicon (word, say, case_sensitive, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (word) DO UPDATE SET say = excluded.say, case_sensitive = excluded.case_sensitive, updated_at = excluded.updated_at`,
				e.Word, e.Say, e.CaseSensitive, s.Now().Unix())
			if err != nil {
				return fmt.Errorf("save pronunciation of %q: %w", e.Word, err)
			}
		}
		return nil
	})
}

// DeleteLexiconEntry removes an entry.
func (s *Store) DeleteLexiconEntry(ctx context.Context, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "DELETE FROM audio_lexicon WHERE id = ?", id)
		if err != nil {
			return fmt.Errorf("delete pronunciation %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Pronunciation")
		}
		return nil
	})
}

// ArticlesMentioning returns the published articles whose text contains
// word (ignoring case): the ones a changed pronunciation re-narrates.
func (s *Store) ArticlesMentioning(ctx context.Context, word string) ([]int64, error) {
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(word) + "%"
	op := s.d.caseInsensitiveLike()
	rows, err := s.query(ctx, `SELECT a.id FROM articles a JOIN article_audio au ON au.article_id = a.id
		WHERE a.status = 'published' AND (a.body_text `+op+` ? ESCAPE '\' OR a.headline `+op+` ? ESCAPE '\' OR a.dek `+op+` ? ESCAPE '\')`, like, like, like)
	if err != nil {
		return nil, fmt.Errorf("find articles mentioning %q: %w", word, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
