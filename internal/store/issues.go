package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

const issueCols = "id, volume, number, cover_date, title, cover_url, published, publish_at"

const dateLayout = "2006-01-02"

func scanIssue(row scanner) (magazine.Issue, error) {
	var i magazine.Issue
	var date string
	var publishAt int64
	if err := row.Scan(&i.ID, &i.Volume, &i.Number, &date, &i.Title, &i.CoverURL, &i.Published, &publishAt); err != nil {
		return i, err
	}
	if publishAt > 0 {
		i.PublishAt = unixTime(publishAt)
	}
	d, err := time.Parse(dateLayout, date)
	if err != nil {
		return i, fmt.Errorf("issue %d cover date %q: %w", i.ID, date, err)
	}
	i.CoverDate = d
	return i, nil
}

// CreateIssue adds an issue.
func (s *Store) CreateIssue(ctx context.Context, in magazine.IssueInput) (magazine.Issue, error) {
	if err := in.Validate(); err != nil {
		return magazine.Issue{}, err
	}
	var id int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.Now().Unix()
		var err error
		id, err = s.insert(ctx, tx, `INSERT INTO issues (volume, number, cover_date, title, cover_url, published, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			in.Volume, in.Number, in.CoverDate.Format(dateLayout), in.Title, in.CoverURL, in.Published, now, now)
		if isUniqueViolation(err) {
			return magazine.FieldError("number", "Vol. %d, No. %d already exists.", in.Volume, in.Number)
		} else if err != nil {
			return fmt.Errorf("create issue %d/%d: %w", in.Volume, in.Number, err)
		}
		return s.touch(ctx, tx)
	})
	if err != nil {
		return magazine.Issue{}, err
	}
	return s.IssueByID(ctx, id)
}

// IssueByID returns an issue, published or not, without its contents.
func (s *Store) IssueByID(ctx context.Context, id int64) (magazine.Issue, error) {
	return s.oneIssue(ctx, "id = ?", id)
}

// IssueByNumber returns a published issue.
func (s *Store) IssueByNumber(ctx context.Context, volume, number int) (magazine.Issue, error) {
	return s.oneIssue(ctx, "volume = ? AND number = ? AND published", volume, number)
}

// CurrentIssue returns the published issue with the latest cover date.
func (s *Store) CurrentIssue(ctx context.Context) (magazine.Issue, error) {
	return s.oneIssue(ctx, "published ORDER BY cover_date DESC, id DESC LIMIT 1")
}

func (s *Store) oneIssue(ctx context.Context, where string, args ...any) (magazine.Issue, error) {
	i, err := scanIssue(s.queryRow(ctx, "SELECT "+issueCols+" FROM issues WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return i, notFound("Issue")
	} else if err != nil {
		return i, fmt.Errorf("read issue: %w", err)
	}
	return i, nil
}

// IssueFilter selects published issues.
type IssueFilter struct {
	Year   int // cover-date year; 0 for all
	Offset int
	Limit  int
}

// Issues returns published issues, newest cover date first, and whether
// more follow.
func (s *Store) Issues(ctx context.Context, f IssueFilter) ([]magazine.Issue, bool, error) {
	if f.Limit <= 0 {
		f.Limit = 24
	}
	f.Limit = min(f.Limit, MaxListLimit)
	where, args := "published", []any{}
	if f.Year != 0 {
		// Text bounds use the (published, cover_date) index.
		where += " AND cover_date >= ? AND cover_date < ?"
		args = append(args, strconv.Itoa(f.Year)+"-01-01", strconv.Itoa(f.Year+1)+"-01-01")
	}
	args = append(args, f.Limit+1, f.Offset)
	rows, err := s.query(ctx, "SELECT "+issueCols+" FROM issues WHERE "+where+" ORDER BY cover_date DESC, id DESC LIMIT ? OFFSET ?", args...)
	if err != nil {
		return nil, false, fmt.Errorf("list issues: %w", err)
	}
	defer rows.Close()
	var list []magazine.Issue
	for rows.Next() {
		i, err := scanIssue(rows)
		if err != nil {
			return nil, false, fmt.Errorf("scan issue: %w", err)
		}
		list = append(list, i)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list issues: %w", err)
	}
	more := len(list) > f.Limit
	if more {
		list = list[:f.Limit]
	}
	return list, more, nil
}

// IssueYears returns the years that have published issues, newest first.
func (s *Store) IssueYears(ctx context.Context) ([]int, error) {
	rows, err := s.query(ctx, "SELECT DISTINCT substr(cover_date, 1, 4) FROM issues WHERE published ORDER BY 1 DESC")
	if err != nil {
		return nil, fmt.Errorf("list issue years: %w", err)
	}
	defer rows.Close()
	var years []int
	for rows.Next() {
		var y string
		if err := rows.Scan(&y); err != nil {
			return nil, fmt.Errorf("scan year: %w", err)
		}
		n, err := strconv.Atoi(y)
		if err != nil {
			return nil, fmt.Errorf("issue year %q: %w", y, err)
		}
		years = append(years, n)
	}
	return years, rows.Err()
}

// IssuesByID returns the published issues among ids, keyed by id.
func (s *Store) IssuesByID(ctx context.Context, ids []int64) (map[int64]magazine.Issue, error) {
	out := map[int64]magazine.Issue{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.query(ctx, "SELECT "+issueCols+" FROM issues WHERE published AND id IN ("+placeholders(len(ids))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("read issues: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		i, err := scanIssue(rows)
		if err != nil {
			return nil, fmt.Errorf("scan issue: %w", err)
		}
		out[i.ID] = i
	}
	return out, rows.Err()
}
