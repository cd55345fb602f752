package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Edition formats: built from the issue (epub, pdf) or uploaded (replica).
const (
	FormatEPUB    = "epub"
	FormatPDF     = "pdf"
	FormatReplica = "replica"
)

// Edition is one built or uploaded file of an issue, or the record of
// why its build failed. Key is "" until a file exists; a failed rebuild
// keeps the last good file.
type Edition struct {
	IssueID  int64
	Format   string
	Key      string
	Size     int64
	Source   string // the fingerprint of the content it was built from
	BuiltAt  time.Time
	Seconds  float64 // how long the build took
	Error    string  // why the last build failed; "" after a success
	FailedAt time.Time
}

// Ready reports whether there is a file to offer.
func (e Edition) Ready() bool { return e.Key != "" }

// Editions returns the editions of an issue, by format.
func (s *Store) Editions(ctx context.Context, issueID int64) (map[string]Edition, error) {
	rows, err := s.query(ctx, `SELECT issue_id, format, media_key, size, source, built_at, seconds, error, failed_at
		FROM issue_editions WHERE issue_id = ?`, issueID)
	if err != nil {
		return nil, fmt.Errorf("read editions of issue %d: %w", issueID, err)
	}
	defer rows.Close()
	out := map[string]Edition{}
	for rows.Next() {
		var e Edition
		var built, failed int64
		if err := rows.Scan(&e.IssueID, &e.Format, &e.Key, &e.Size, &e.Source, &built, &e.Seconds, &e.Error, &failed); err != nil {
			return nil, fmt.Errorf("scan edition: %w", err)
		}
		e.BuiltAt, e.FailedAt = unixTime(built), unixTime(failed)
		out[e.Format] = e
	}
	return out, rows.Err()
}

// SaveEdition records a file that was built or uploaded, clearing any
// failure. It changes what issue pages offer, so page caches are emptied.
func (s *Store) SaveEdition(ctx context.Context, e Edition) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO issue_editions (issue_id, format, media_key, size, source, built_at, seconds, error, failed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, '', 0)
			ON CONFLICT (issue_id, format) DO UPDATE SET media_key = excluded.media_key, size = excluded.size, source = excluded.source,
				built_at = excluded.built_at, seconds = excluded.seconds, error = '', failed_at = 0`,
			e.IssueID, e.Format, e.Key, e.Size, e.Source, unixOrZero(e.BuiltAt), e.Seconds)
		if err != nil {
			return fmt.Errorf("save the %s of issue %d: %w", e.Format, e.IssueID, err)
		}
		return s.touch(ctx, tx)
	})
}

// EditionFailed records why a build failed, keeping the last good file.
// source is recorded so the same content is not rebuilt again and again:
// staff retry from the issue's page (RetryEdition), or a change to the
// content tries again.
func (s *Store) EditionFailed(ctx context.Context, issueID int64, format, source, reason string) error {
	if len(reason) > 2000 {
		reason = reason[:2000]
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO issue_editions (issue_id, format, source, error, failed_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (issue_id, format) DO UPDATE SET source = excluded.source, error = excluded.error, failed_at = excluded.failed_at`,
			issueID, format, source, reason, s.Now().Unix())
		if err != nil {
			return fmt.Errorf("record the failed %s of issue %d: %w", format, issueID, err)
		}
		return nil
	})
}

// RetryEdition forgets the fingerprint of an issue's format so that the
// next build run makes it again.
func (s *Store) RetryEdition(ctx context.Context, issueID int64, format string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, "UPDATE issue_editions SET source = '' WHERE issue_id = ? AND format = ?", issueID, format)
		if err != nil {
			return fmt.Errorf("retry the %s of issue %d: %w", format, issueID, err)
		}
		return nil
	})
}

// DeleteEdition removes an edition's record (a replica taken back). The
// file stays in storage: content-addressed, it may be shared.
func (s *Store) DeleteEdition(ctx context.Context, issueID int64, format string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "DELETE FROM issue_editions WHERE issue_id = ? AND format = ?", issueID, format); err != nil {
			return fmt.Errorf("delete the %s of issue %d: %w", format, issueID, err)
		}
		return s.touch(ctx, tx)
	})
}

// IssueSource is a published issue's content fingerprint: it changes
// whenever the issue or one of its published articles does (an edit, a
// reorder, an article added or taken out).
type IssueSource struct {
	IssueID    int64
	Source     string
	LastChange time.Time
}

// IssueSources returns the fingerprint of every published issue, newest
// cover date first (the order builds should go in).
func (s *Store) IssueSources(ctx context.Context) ([]IssueSource, error) {
	rows, err := s.query(ctx, `SELECT i.id, i.updated_at, COALESCE(MAX(a.updated_at), 0), COUNT(a.id), COALESCE(SUM(a.id * (a.issue_position + 1)), 0)
		FROM issues i LEFT JOIN articles a ON a.issue_id = i.id AND a.status = 'published'
		WHERE i.published GROUP BY i.id, i.updated_at, i.cover_date ORDER BY i.cover_date DESC, i.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("read issue fingerprints: %w", err)
	}
	defer rows.Close()
	var out []IssueSource
	for rows.Next() {
		var id, issueUpdated, articleUpdated, count, order int64
		if err := rows.Scan(&id, &issueUpdated, &articleUpdated, &count, &order); err != nil {
			return nil, fmt.Errorf("scan issue fingerprint: %w", err)
		}
		out = append(out, IssueSource{IssueID: id, LastChange: unixTime(max(issueUpdated, articleUpdated)),
			Source: strings.Join([]string{strconv.FormatInt(issueUpdated, 10), strconv.FormatInt(articleUpdated, 10),
				strconv.FormatInt(count, 10), strconv.FormatInt(order, 10)}, "-")})
	}
	return out, rows.Err()
}

// EditionArticles returns the published articles of an issue with their
// bodies and authors, in table-of-contents order: what an edition holds.
func (s *Store) EditionArticles(ctx context.Context, issueID int64) ([]magazine.Article, error) {
	rows, err := s.query(ctx, "SELECT "+articleFullCols+` FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.issue_id = ? AND a.status = 'published' ORDER BY a.issue_position, a.id`, issueID)
	if err != nil {
		return nil, fmt.Errorf("read the articles of issue %d: %w", issueID, err)
	}
	var list []magazine.Article
	for rows.Next() {
		a, err := scanArticle(rows, true)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan article: %w", err)
		}
		list = append(list, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the articles of issue %d: %w", issueID, err)
	}
	return list, s.fillAuthors(ctx, list)
}

// NeighbourIssues returns the published issues just before and after one
// by cover date; a missing one is nil.
func (s *Store) NeighbourIssues(ctx context.Context, i magazine.Issue) (prev, next *magazine.Issue, err error) {
	date := i.CoverDate.Format(dateLayout)
	p, err := s.oneIssue(ctx, "published AND (cover_date < ? OR (cover_date = ? AND id < ?)) ORDER BY cover_date DESC, id DESC LIMIT 1", date, date, i.ID)
	if err == nil {
		prev = &p
	} else if !magazine.IsNotFound(err) {
		return nil, nil, err
	}
	n, err := s.oneIssue(ctx, "published AND (cover_date > ? OR (cover_date = ? AND id > ?)) ORDER BY cover_date, id LIMIT 1", date, date, i.ID)
	if err == nil {
		next = &n
	} else if !magazine.IsNotFound(err) {
		return nil, nil, err
	}
	return prev, next, nil
}

// SetEditionPosition remembers the article a reader is at in an issue's
// web edition.
func (s *Store) SetEditionPosition(ctx context.Context, readerID, issueID, articleID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO edition_positions (reader_id, issue_id, article_id, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (reader_id, issue_id) DO UPDATE SET article_id = excluded.article_id, updated_at = excluded.updated_at`,
			readerID, issueID, articleID, s.Now().Unix())
		if err != nil {
			return fmt.Errorf("save the reading position of reader %d: %w", readerID, err)
		}
		return nil
	})
}

// EditionPosition returns the article a reader was last at in an issue,
// or 0.
func (s *Store) EditionPosition(ctx context.Context, readerID, issueID int64) (int64, error) {
	var id int64
	err := s.queryRow(ctx, "SELECT article_id FROM edition_positions WHERE reader_id = ? AND issue_id = ?", readerID, issueID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("read the reading position of reader %d: %w", readerID, err)
	}
	return id, nil
}

// EditionSecret returns this installation's key for signing edition
// download links, made on first use.
func (s *Store) EditionSecret(ctx context.Context) ([]byte, error) {
	return s.secret(ctx, "edition_secret")
}

// secret returns the random secret stored under key, made on first use;
// every process of the installation reads the same one.
func (s *Store) secret(ctx context.Context, key string) ([]byte, error) {
	var b [32]byte
	rand.Read(b[:])
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, hex.EncodeToString(b[:]))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("make secret %s: %w", key, err)
	}
	var v string
	if err := s.queryRow(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v); err != nil {
		return nil, fmt.Errorf("read secret %s: %w", key, err)
	}
	out, err := hex.DecodeString(v)
	if err != nil || len(out) < 16 {
		return nil, fmt.Errorf("secret %s is damaged", key)
	}
	return out, nil
}

// WebOnlyArticles returns the published articles of a year that belong to
// no issue, newest first, up to limit.
func (s *Store) WebOnlyArticles(ctx context.Context, year, limit int) ([]magazine.Article, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	list, err := s.articleList(ctx, "SELECT "+articleSummaryCols+` FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.issue_id IS NULL AND a.status = 'published' AND a.published_at >= ? AND a.published_at < ?
		ORDER BY a.published_at DESC, a.id DESC LIMIT ?`, from, to, min(limit, 2000))
	if err != nil {
		return nil, err
	}
	return list, s.fillAuthors(ctx, list)
}
