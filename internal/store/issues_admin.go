package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// IssueRow is an issue as the newsroom's list shows it: published or not,
// with how many articles it holds and how many of those are drafts.
type IssueRow struct {
	magazine.Issue
	Articles int
	Drafts   int
}

// AllIssues returns every issue, published or in preparation, newest cover
// date first.
func (s *Store) AllIssues(ctx context.Context) ([]IssueRow, error) {
	rows, err := s.query(ctx, `SELECT i.id, i.volume, i.number, i.cover_date, i.title, i.cover_url, i.published,
		(SELECT count(*) FROM articles a WHERE a.issue_id = i.id),
		(SELECT count(*) FROM articles a WHERE a.issue_id = i.id AND a.status = 'draft')
		FROM issues i ORDER BY i.cover_date DESC, i.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list all issues: %w", err)
	}
	defer rows.Close()
	var list []IssueRow
	for rows.Next() {
		var r IssueRow
		var date string
		if err := rows.Scan(&r.ID, &r.Volume, &r.Number, &date, &r.Title, &r.CoverURL, &r.Published, &r.Articles, &r.Drafts); err != nil {
			return nil, fmt.Errorf("scan issue: %w", err)
		}
		if r.CoverDate, err = time.Parse(dateLayout, date); err != nil {
			return nil, fmt.Errorf("issue %d cover date %q: %w", r.ID, date, err)
		}
		list = append(list, r)
	}
	return list, rows.Err()
}

// IssueContents returns every article of an issue, whatever its status, in
// table-of-contents order.
func (s *Store) IssueContents(ctx context.Context, issueID int64) ([]magazine.Article, error) {
	list, err := s.articleList(ctx, "SELECT "+articleSummaryCols+` FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.issue_id = ? ORDER BY a.issue_position, a.id`, issueID)
	if err != nil {
		return nil, err
	}
	return list, s.fillAuthors(ctx, list)
}

// UpdateIssue changes an issue's volume, number, cover date and title; the
// cover and the published flag have actions of their own.
func (s *Store) UpdateIssue(ctx context.Context, id int64, in magazine.IssueInput) (magazine.Issue, error) {
	if err := in.Validate(); err != nil {
		return magazine.Issue{}, err
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "UPDATE issues SET volume = ?, number = ?, cover_date = ?, title = ?, updated_at = ? WHERE id = ?",
			in.Volume, in.Number, in.CoverDate.Format(dateLayout), in.Title, s.Now().Unix(), id)
		if isUniqueViolation(err) {
			return magazine.FieldError("number", "Vol. %d, No. %d already exists.", in.Volume, in.Number)
		} else if err != nil {
			return fmt.Errorf("update issue %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Issue")
		}
		return s.touch(ctx, tx)
	})
	if err != nil {
		return magazine.Issue{}, err
	}
	return s.IssueByID(ctx, id)
}

// SetIssueCover sets the cover image of an issue to a media URL.
func (s *Store) SetIssueCover(ctx context.Context, id int64, coverURL string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "UPDATE issues SET cover_url = ?, updated_at = ? WHERE id = ?", coverURL, s.Now().Unix(), id)
		if err != nil {
			return fmt.Errorf("set cover of issue %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Issue")
		}
		return s.touch(ctx, tx)
	})
}

// CoverImages returns the most recent uploaded images (originals, not
// their smaller copies), newest first, to choose a cover from.
func (s *Store) CoverImages(ctx context.Context, limit int) ([]Media, error) {
	limit = min(max(limit, 1), MaxListLimit)
	rows, err := s.query(ctx, `SELECT id, key, name, content_type, size, width, height, variant_of FROM media
		WHERE variant_of = '' AND width > 0 ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	defer rows.Close()
	var list []Media
	for rows.Next() {
		var m Media
		if err := rows.Scan(&m.ID, &m.Key, &m.Name, &m.ContentType, &m.Size, &m.Width, &m.Height, &m.VariantOf); err != nil {
			return nil, fmt.Errorf("scan image: %w", err)
		}
		list = append(list, m)
	}
	return list, rows.Err()
}

// FindArticlesForIssue returns up to limit articles whose headline contains
// q, any status, that belong to no issue: the candidates an editor adds.
func (s *Store) FindArticlesForIssue(ctx context.Context, q string, limit int) ([]magazine.Article, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, nil
	}
	limit = min(max(limit, 1), MaxListLimit)
	escaped := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
	list, err := s.articleList(ctx, "SELECT "+articleSummaryCols+` FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.issue_id IS NULL AND a.headline `+s.d.caseInsensitiveLike()+` ? ESCAPE '\'
		ORDER BY a.updated_at DESC, a.id DESC LIMIT ?`, "%"+escaped+"%", limit)
	if err != nil {
		return nil, err
	}
	return list, s.fillAuthors(ctx, list)
}

// AddToIssue puts an article at the end of an issue's table of contents.
// An article belongs to one issue at most: one in another issue is refused
// with the issue's name, so nothing moves without the editor knowing.
func (s *Store) AddToIssue(ctx context.Context, issueID, articleID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockIssue(ctx, tx, issueID); err != nil {
			return err
		}
		var current sql.NullInt64
		var headline string
		err := tx.QueryRowContext(ctx, s.d.q("SELECT issue_id, headline FROM articles WHERE id = ?"), articleID).Scan(&current, &headline)
		if errors.Is(err, sql.ErrNoRows) {
			return magazine.FieldError("article", "That article no longer exists.")
		} else if err != nil {
			return fmt.Errorf("read article %d: %w", articleID, err)
		}
		switch {
		case current.Valid && current.Int64 == issueID:
			return magazine.FieldError("article", "%q is already in this issue.", headline)
		case current.Valid:
			var vol, num int
			if err := tx.QueryRowContext(ctx, s.d.q("SELECT volume, number FROM issues WHERE id = ?"), current.Int64).Scan(&vol, &num); err != nil {
				return fmt.Errorf("read issue %d: %w", current.Int64, err)
			}
			return magazine.FieldError("article", "%q is in Vol. %d, No. %d. Remove it from that issue first.", headline, vol, num)
		}
		_, err = s.exec(ctx, tx, `UPDATE articles SET issue_id = ?,
			issue_position = (SELECT COALESCE(max(issue_position), 0) + 1 FROM articles WHERE issue_id = ?) WHERE id = ?`,
			issueID, issueID, articleID)
		if err != nil {
			return fmt.Errorf("add article %d to issue %d: %w", articleID, issueID, err)
		}
		return s.touch(ctx, tx)
	})
}

// RemoveFromIssue takes an article out of an issue; the article itself
// stays as it is (a published one stays on the web under its own date).
func (s *Store) RemoveFromIssue(ctx context.Context, issueID, articleID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockIssue(ctx, tx, issueID); err != nil {
			return err
		}
		res, err := s.exec(ctx, tx, "UPDATE articles SET issue_id = NULL, issue_position = 0 WHERE id = ? AND issue_id = ?", articleID, issueID)
		if err != nil {
			return fmt.Errorf("remove article %d from issue %d: %w", articleID, issueID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return magazine.Errorf(magazine.ENOTFOUND, "That article is not in this issue any more.")
		}
		return s.touch(ctx, tx)
	})
}

// ReorderIssue sets the table of contents to ids, in that order. ids must
// be exactly the issue's articles: a list made from a page that is out of
// date (someone added or removed an article since) is refused rather than
// half applied.
func (s *Store) ReorderIssue(ctx context.Context, issueID int64, ids []int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockIssue(ctx, tx, issueID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.d.q("SELECT id FROM articles WHERE issue_id = ?"), issueID)
		if err != nil {
			return fmt.Errorf("read contents of issue %d: %w", issueID, err)
		}
		var have []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("scan article id: %w", err)
			}
			have = append(have, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read contents of issue %d: %w", issueID, err)
		}
		want := slices.Clone(ids)
		slices.Sort(have)
		slices.Sort(want)
		if !slices.Equal(have, want) {
			return magazine.Errorf(magazine.ECONFLICT, "The contents of this issue changed since the page was loaded. Reload the page and move the article again.")
		}
		for i, id := range ids {
			if _, err := s.exec(ctx, tx, "UPDATE articles SET issue_position = ? WHERE id = ?", i+1, id); err != nil {
				return fmt.Errorf("place article %d in issue %d: %w", id, issueID, err)
			}
		}
		return s.touch(ctx, tx)
	})
}

// lockIssue checks that an issue exists and, on PostgreSQL, holds its row
// so that two editors changing the same table of contents take turns.
func (s *Store) lockIssue(ctx context.Context, tx *sql.Tx, issueID int64) error {
	var one int
	err := tx.QueryRowContext(ctx, s.d.q("SELECT 1 FROM issues WHERE id = ?"+s.d.forUpdate()), issueID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("Issue")
	} else if err != nil {
		return fmt.Errorf("lock issue %d: %w", issueID, err)
	}
	return nil
}

// PublishIssue publishes an issue together with its drafts, in one
// transaction: the issue and the articles it promises appear at the same
// moment. Drafts go live now; scheduled articles keep their own time (an
// article can come out on the web on a date of its own). It returns how
// many drafts it published. Publishing an issue that is already out
// publishes the drafts added to it since.
func (s *Store) PublishIssue(ctx context.Context, actor Actor, issueID int64) (int, error) {
	var n int
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.publishIssue(ctx, tx, actor, issueID)
		if err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
	return n, err
}

// publishIssue is PublishIssue inside tx, without the touch. It clears a
// schedule: the issue is out.
func (s *Store) publishIssue(ctx context.Context, tx *sql.Tx, actor Actor, issueID int64) (int, error) {
	if err := s.lockIssue(ctx, tx, issueID); err != nil {
		return 0, err
	}
	var count, vol, num int
	if err := tx.QueryRowContext(ctx, s.d.q("SELECT volume, number FROM issues WHERE id = ?"), issueID).Scan(&vol, &num); err != nil {
		return 0, fmt.Errorf("read issue %d: %w", issueID, err)
	}
	label := magazine.Issue{Volume: vol, Number: num}.Label()
	if err := tx.QueryRowContext(ctx, s.d.q("SELECT count(*) FROM articles WHERE issue_id = ?"), issueID).Scan(&count); err != nil {
		return 0, fmt.Errorf("count articles of issue %d: %w", issueID, err)
	}
	if count == 0 {
		return 0, magazine.Errorf(magazine.EINVALID, "%s has no articles yet. Add its articles, then publish it.", label)
	}
	now := s.Now().Unix()
	res, err := s.exec(ctx, tx, "UPDATE articles SET status = 'published', published_at = ?, updated_at = ? WHERE issue_id = ? AND status = 'draft'",
		now, now, issueID)
	if err != nil {
		return 0, fmt.Errorf("publish the drafts of issue %d: %w", issueID, err)
	}
	n, _ := res.RowsAffected()
	if _, err := s.exec(ctx, tx, "UPDATE issues SET published = ?, publish_at = 0, updated_at = ? WHERE id = ?", true, now, issueID); err != nil {
		return 0, fmt.Errorf("publish issue %d: %w", issueID, err)
	}
	if err := s.audit(ctx, tx, actor, "issue.publish", label, fmt.Sprintf("%d drafts published with it", n)); err != nil {
		return 0, err
	}
	return int(n), nil
}
