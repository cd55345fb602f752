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

// ImportArticleBatch writes a batch of imported articles in one
// transaction. An article whose source id was imported before with the
// same digest is left alone; one whose digest changed is written over
// (keeping the issue an editor placed it in); a new one is created, with
// a suffix on its slug when the slug is taken here. Each article's old
// paths redirect to it. Nothing is written, and the content version is
// not bumped, when every article is unchanged.
func (s *Store) ImportArticleBatch(ctx context.Context, source string, batch []ImportedArticle) (ImportCounts, error) {
	var counts ImportCounts
	ids := make([]string, len(batch))
	for i, a := range batch {
		ids[i] = a.SourceID
	}
	state, err := s.ImportState(ctx, source, ImportArticle, ids)
	if err != nil {
		return counts, err
	}
	var todo []ImportedArticle
	for _, a := range batch {
		if st, ok := state[a.SourceID]; ok && st.Hash == a.Hash {
			counts.Unchanged++
			continue
		}
		todo = append(todo, a)
	}
	if len(todo) == 0 {
		return counts, nil
	}
	pub, err := s.Publication(ctx)
	if err != nil {
		return counts, err
	}
	ins := make([]magazine.ArticleInput, len(todo))
	for i, a := range todo {
		ins[i] = a.Input
	}
	rs, err := s.renderAll(ctx, ins, pub.PreviewParagraphs)
	if err != nil {
		return counts, err
	}
	var written ImportCounts
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		written = ImportCounts{}
		tags := map[string]int64{}
		now := s.Now().Unix()
		for i, r := range rs {
			a := todo[i]
			id, created, err := s.importArticle(ctx, tx, r, state[a.SourceID].TargetID, tags, &written)
			if err != nil {
				return fmt.Errorf("%s: %w", a.SourceID, err)
			}
			if created {
				written.Created++
			} else {
				written.Updated++
			}
			if err := s.recordSource(ctx, tx, source, ImportArticle, a.Imported, id); err != nil {
				return err
			}
			for _, p := range a.OldPaths {
				if _, err := s.exec(ctx, tx, `INSERT INTO redirects (path, article_id, created_at) VALUES (?, ?, ?)
					ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id`, RedirectPath(p), id, now); err != nil {
					return fmt.Errorf("%s: redirect %s: %w", a.SourceID, p, err)
				}
			}
		}
		return s.touch(ctx, tx)
	})
	if err != nil {
		return counts, err
	}
	counts.Add(written)
	return counts, nil
}

// importArticle writes r over article target, or creates it when target
// is 0 or no longer exists.
func (s *Store) importArticle(ctx context.Context, tx *sql.Tx, r rendered, target int64, tags map[string]int64, c *ImportCounts) (id int64, created bool, err error) {
	if target != 0 {
		var issue int64
		var position int
		err := tx.QueryRowContext(ctx, s.d.q("SELECT COALESCE(issue_id, 0), issue_position FROM articles WHERE id = ?"), target).Scan(&issue, &position)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			target = 0 // deleted here since the last run: make it again
		case err != nil:
			return 0, false, fmt.Errorf("read article %d: %w", target, err)
		default:
			r.in.IssueID, r.in.IssuePosition = issue, position
		}
	}
	want := r.in.Slug
	if r.in.Slug, err = s.freeSlug(ctx, tx, want, target); err != nil {
		return 0, false, err
	}
	if r.in.Slug != want {
		c.Warnings = append(c.Warnings, fmt.Sprintf("The slug %q is taken here; %q was imported as %q.", want, r.in.Headline, r.in.Slug))
	}
	if target != 0 {
		return target, false, s.updateArticle(ctx, tx, target, r)
	}
	id, err = s.createArticle(ctx, tx, r, tags)
	return id, true, err
}

// RedirectPath is the form an old path is stored and looked up in: with
// a leading slash and without a trailing one.
func RedirectPath(p string) string {
	p = "/" + strings.Trim(strings.TrimSpace(p), "/")
	return p
}

// Redirect returns the slug of the published article an old path (from
// an import) now lives at.
func (s *Store) Redirect(ctx context.Context, path string) (string, error) {
	var slug string
	err := s.queryRow(ctx, `SELECT a.slug FROM redirects r JOIN articles a ON a.id = r.article_id
		WHERE r.path = ? AND a.status = 'published'`, RedirectPath(path)).Scan(&slug)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("Page")
	} else if err != nil {
		return "", fmt.Errorf("look up redirect %q: %w", path, err)
	}
	return slug, nil
}

// ImportedReader is a reader from another system's member or e-mail list:
// comped or paid members get a comp of plan CompPlan to the end of
// CompUntil.
type ImportedReader struct {
	Imported
	Email, Name string
	CompPlan    int64
	CompUntil   time.Time
	Note        string // in the comp's history, e.g. "Ghost member, paid"
}

// ImportReaders writes a batch of readers in one transaction: a reader
// with the same e-mail is found rather than made again; a comp is added
// once, and its end moved when the source's paid-through date changed.
func (s *Store) ImportReaders(ctx context.Context, actor Actor, source string, batch []ImportedReader) (ImportCounts, error) {
	var counts ImportCounts
	ids := make([]string, len(batch))
	for i, r := range batch {
		ids[i] = r.SourceID
	}
	state, err := s.ImportState(ctx, source, ImportReader, ids)
	if err != nil {
		return counts, err
	}
	comps, err := s.ImportState(ctx, source, ImportComp, ids)
	if err != nil {
		return counts, err
	}
	err = s.Billing(ctx, func(btx *BillingTx) error {
		counts = ImportCounts{}
		now := s.Now()
		for _, r := range batch {
			st, seen := state[r.SourceID]
			if seen && st.Hash == r.Hash {
				counts.Unchanged++
				continue
			}
			readerID := st.TargetID
			if !seen {
				err := btx.tx.QueryRowContext(ctx, s.d.q("SELECT id FROM readers WHERE email = ? AND deleted_at = 0"), r.Email).Scan(&readerID)
				if errors.Is(err, sql.ErrNoRows) {
					readerID, err = s.insert(ctx, btx.tx, "INSERT INTO readers (email, name, created_at) VALUES (?, ?, ?)", r.Email, r.Name, now.Unix())
				}
				if err != nil {
					return fmt.Errorf("%s: reader %s: %w", r.SourceID, r.Email, err)
				}
				counts.Created++
			} else {
				counts.Updated++
			}
			if err := s.recordSource(ctx, btx.tx, source, ImportReader, r.Imported, readerID); err != nil {
				return err
			}
			if r.CompPlan == 0 || r.CompUntil.IsZero() {
				continue
			}
			if comp, ok := comps[r.SourceID]; ok {
				if _, err := s.exec(ctx, btx.tx, "UPDATE subscriptions SET current_period_end = ?, updated_at = ? WHERE id = ? AND comp",
					r.CompUntil.Unix(), now.Unix(), comp.TargetID); err != nil {
					return fmt.Errorf("%s: move the comp's end: %w", r.SourceID, err)
				}
				continue
			}
			if !r.CompUntil.After(now) {
				continue // paid through a day already past: a reader, no comp
			}
			sub := Subscription{Provider: "import"}
			sub.ReaderID, sub.PlanID, sub.Status, sub.Comp, sub.CurrentPeriodEnd = readerID, r.CompPlan, magazine.SubActive, true, r.CompUntil
			subID, err := btx.InsertSubscription(sub, SubEvent{Kind: "comp", Actor: "staff:" + actor.Email,
				Detail: fmt.Sprintf("%s, to %s", r.Note, r.CompUntil.UTC().Format(magazine.DateLayout))})
			if err != nil {
				return fmt.Errorf("%s: comp: %w", r.SourceID, err)
			}
			if err := s.recordSource(ctx, btx.tx, source, ImportComp, r.Imported, subID); err != nil {
				return err
			}
		}
		return nil
	})
	return counts, err
}
