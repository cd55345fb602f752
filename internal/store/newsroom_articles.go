package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

// NewsroomFilter selects articles of any status for the admin's list.
type NewsroomFilter struct {
	Status     magazine.Status // "" for every status
	SectionID  int64
	AuthorID   int64
	IssueID    int64
	Visibility magazine.Visibility
	// Query matches headlines containing it, ignoring case, and articles
	// whose text (drafts' too) has its words (see magazine.ParseSearch).
	Query  string
	Offset int
	Limit  int
}

// NewsroomArticles returns the articles the filter selects, most recently
// changed first, without bodies, and whether more follow.
func (s *Store) NewsroomArticles(ctx context.Context, f NewsroomFilter) ([]magazine.Article, bool, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, MaxListLimit)
	var where []string
	var args []any
	add := func(cond string, arg any) { where = append(where, cond); args = append(args, arg) }
	if f.Status != "" {
		add("a.status = ?", string(f.Status))
	}
	if f.SectionID != 0 {
		add("a.section_id = ?", f.SectionID)
	}
	if f.AuthorID != 0 {
		add("a.id IN (SELECT article_id FROM article_authors WHERE author_id = ?)", f.AuthorID)
	}
	if f.IssueID != 0 {
		add("a.issue_id = ?", f.IssueID)
	}
	if f.Visibility != "" {
		add("a.visibility = ?", string(f.Visibility))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// The words are matched literally: % and _ typed in the search box
		// are not wildcards.
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
		cond, arg := "a.headline "+s.d.caseInsensitiveLike()+` ? ESCAPE '\'`, any("%"+esc+"%")
		if words, err := magazine.ParseSearch(q); err == nil && !words.Empty() {
			doc := s.d.searchDoc()
			where = append(where, "("+cond+" OR a.id IN (SELECT "+doc+" / 2 FROM "+s.d.searchFrom()+" WHERE "+s.d.searchMatch()+
				" AND "+doc+" % 2 = 1))")
			args = append(args, arg, s.d.searchQuery(words))
		} else {
			add(cond, arg)
		}
	}
	q := "SELECT " + articleSummaryCols + " FROM articles a JOIN sections s ON s.id = a.section_id"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY a.updated_at DESC, a.id DESC LIMIT ? OFFSET ?"
	list, err := s.articleList(ctx, q, append(args, f.Limit+1, f.Offset)...)
	if err != nil {
		return nil, false, err
	}
	more := len(list) > f.Limit
	if more {
		list = list[:f.Limit]
	}
	return list, more, s.fillAuthors(ctx, list)
}

// IssueChoice names an issue, published or not, in the admin's menus.
type IssueChoice struct {
	ID     int64
	Volume int
	Number int
	Title  string
}

// IssueChoices returns every issue, newest first, for the admin's filters.
func (s *Store) IssueChoices(ctx context.Context) ([]IssueChoice, error) {
	rows, err := s.query(ctx, "SELECT id, volume, number, title FROM issues ORDER BY volume DESC, number DESC")
	if err != nil {
		return nil, fmt.Errorf("list issues: %w", err)
	}
	defer rows.Close()
	var out []IssueChoice
	for rows.Next() {
		var c IssueChoice
		if err := rows.Scan(&c.ID, &c.Volume, &c.Number, &c.Title); err != nil {
			return nil, fmt.Errorf("scan issue: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ArticleCreators returns who started each of the articles (see
// ArticleCreator), with one query; articles without one are left out.
func (s *Store) ArticleCreators(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.query(ctx, "SELECT id, created_by FROM articles WHERE created_by IS NOT NULL AND id IN ("+placeholders(len(ids))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("read creators of articles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, by int64
		if err := rows.Scan(&id, &by); err != nil {
			return nil, fmt.Errorf("scan creator: %w", err)
		}
		out[id] = by
	}
	return out, rows.Err()
}
