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
	"github.com/masthead-press/masthead/internal/markdown"
	"github.com/masthead-press/masthead/internal/parallel"
)

// pageSeparator joins the pages of a body in the body_html column. The
// sanitiser removes every comment from rendered HTML, so it cannot occur
// inside a page.
const pageSeparator = "\n<!--masthead:page-->\n"

// articleSummaryCols are the columns a list needs: no body.
const articleSummaryCols = `a.id, a.slug, a.headline, a.dek, a.status, a.visibility, a.published_at,
	a.featured_url, a.featured_alt, a.description, a.word_count, a.page_count,
	COALESCE(a.issue_id, 0), a.issue_position, a.seo_title, a.seo_description, a.created_at, a.updated_at,
	s.id, s.slug, s.name, s.description, s.position,
	COALESCE((SELECT i.cover_date FROM issues i WHERE i.id = a.issue_id), '')`

const articleFullCols = articleSummaryCols + `, a.body_md, a.body_html, a.preview_html`

type scanner interface{ Scan(dest ...any) error }

func scanArticle(row scanner, full bool) (magazine.Article, error) {
	var a magazine.Article
	var published, created, updated int64
	var issueDate string
	dest := []any{&a.ID, &a.Slug, &a.Headline, &a.Dek, &a.Status, &a.Visibility, &published,
		&a.FeaturedURL, &a.FeaturedAlt, &a.Description, &a.WordCount, new(int),
		&a.IssueID, &a.IssuePosition, &a.SEOTitle, &a.SEODescription, &created, &updated,
		&a.Section.ID, &a.Section.Slug, &a.Section.Name, &a.Section.Description, &a.Section.Position, &issueDate}
	var body string
	if full {
		dest = append(dest, &a.BodyMarkdown, &body, &a.PreviewHTML)
	}
	if err := row.Scan(dest...); err != nil {
		return a, err
	}
	a.PublishedAt, a.CreatedAt, a.UpdatedAt = unixTime(published), unixTime(created), unixTime(updated)
	if issueDate != "" {
		d, err := time.Parse(dateLayout, issueDate)
		if err != nil {
			return a, fmt.Errorf("article %d issue date %q: %w", a.ID, issueDate, err)
		}
		a.IssueDate = d
	}
	if full {
		a.Pages = strings.Split(body, pageSeparator)
	}
	return a, nil
}

// rendered is an article body after Markdown rendering.
type rendered struct {
	in  magazine.ArticleInput
	res markdown.Result
}

func (s *Store) render(in magazine.ArticleInput, previewParagraphs int) (rendered, error) {
	res, err := s.md.Render(in.BodyMarkdown, previewParagraphs)
	if err != nil {
		return rendered{}, fmt.Errorf("render %q: %w", in.Slug, err)
	}
	return rendered{in: in, res: res}, nil
}

func description(in magazine.ArticleInput, res markdown.Result) string {
	switch {
	case in.SEODescription != "":
		return markdown.Summary(in.SEODescription, 300)
	case in.Dek != "":
		return markdown.Summary(in.Dek, 300)
	}
	return markdown.Summary(res.PreviewText, 200)
}

// CreateArticle adds an article.
func (s *Store) CreateArticle(ctx context.Context, in magazine.ArticleInput) (magazine.Article, error) {
	if err := in.Normalize(); err != nil {
		return magazine.Article{}, err
	}
	pub, err := s.Publication(ctx)
	if err != nil {
		return magazine.Article{}, err
	}
	r, err := s.render(in, pub.PreviewParagraphs)
	if err != nil {
		return magazine.Article{}, err
	}
	var id int64
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		id, err = s.createArticle(ctx, tx, r, map[string]int64{})
		if err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
	if err != nil {
		return magazine.Article{}, err
	}
	return s.ArticleByID(ctx, id)
}

// articleInsert is the INSERT of new articles, to be followed by rows of
// articleInsertWidth placeholders filled by rendered.row.
const (
	articleInsert = `INSERT INTO articles (slug, headline, dek, section_id, status, visibility, published_at,
		featured_url, featured_alt, body_md, body_html, preview_html, description, body_text, word_count, page_count,
		issue_id, issue_position, seo_title, seo_description, created_at, updated_at) VALUES `
	articleInsertWidth = 22
)

// row is the values of articleInsert for r, created at now.
func (r rendered) row(now int64) []any {
	in := r.in
	return []any{in.Slug, in.Headline, in.Dek, in.SectionID, in.Status, in.Visibility, unixOrZero(in.PublishedAt),
		in.FeaturedURL, in.FeaturedAlt, in.BodyMarkdown, strings.Join(r.res.Pages, pageSeparator), r.res.Preview,
		description(in, r.res), r.res.Text, r.res.WordCount, len(r.res.Pages),
		nullID(in.IssueID), in.IssuePosition, in.SEOTitle, in.SEODescription, now, now}
}

func (s *Store) createArticle(ctx context.Context, tx *sql.Tx, r rendered, tags map[string]int64) (int64, error) {
	in, now := r.in, s.Now().Unix()
	if err := s.checkSlugFree(ctx, tx, in.Slug, 0); err != nil {
		return 0, err
	}
	id, err := s.insert(ctx, tx, articleInsert+rowPlaceholders(1, articleInsertWidth), r.row(now)...)
	if err != nil {
		return 0, s.articleWriteError(ctx, err, in)
	}
	if err := s.setArticleLinks(ctx, tx, id, in, tags); err != nil {
		return 0, err
	}
	if err := s.indexArticles(ctx, tx, []searchDoc{{id: id, preview: r.res.PreviewText}}, true); err != nil {
		return 0, err
	}
	return id, nil
}

// UpdateArticle replaces an article's fields. A changed slug leaves the old
// one redirecting to the new.
func (s *Store) UpdateArticle(ctx context.Context, id int64, in magazine.ArticleInput) (magazine.Article, error) {
	if err := in.Normalize(); err != nil {
		return magazine.Article{}, err
	}
	pub, err := s.Publication(ctx)
	if err != nil {
		return magazine.Article{}, err
	}
	r, err := s.render(in, pub.PreviewParagraphs)
	if err != nil {
		return magazine.Article{}, err
	}
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.updateArticle(ctx, tx, id, r); err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
	if err != nil {
		return magazine.Article{}, err
	}
	return s.ArticleByID(ctx, id)
}

// updateArticle writes r over article id in tx; the caller bumps the
// content version. The editor calls it inside the transaction that also
// records the revision.
func (s *Store) updateArticle(ctx context.Context, tx *sql.Tx, id int64, r rendered) error {
	in := r.in
	var oldSlug string
	err := tx.QueryRowContext(ctx, s.d.q("SELECT slug FROM articles WHERE id = ?"), id).Scan(&oldSlug)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("Article")
	} else if err != nil {
		return fmt.Errorf("read article %d: %w", id, err)
	}
	if err := s.checkSlugFree(ctx, tx, in.Slug, id); err != nil {
		return err
	}
	_, err = s.exec(ctx, tx, `UPDATE articles SET slug = ?, headline = ?, dek = ?, section_id = ?, status = ?, visibility = ?,
		published_at = ?, featured_url = ?, featured_alt = ?, body_md = ?, body_html = ?, preview_html = ?, description = ?,
		body_text = ?, word_count = ?, page_count = ?, issue_id = ?, issue_position = ?, seo_title = ?, seo_description = ?,
		updated_at = ? WHERE id = ?`,
		in.Slug, in.Headline, in.Dek, in.SectionID, in.Status, in.Visibility, unixOrZero(in.PublishedAt),
		in.FeaturedURL, in.FeaturedAlt, in.BodyMarkdown, strings.Join(r.res.Pages, pageSeparator), r.res.Preview,
		description(in, r.res), r.res.Text, r.res.WordCount, len(r.res.Pages),
		nullID(in.IssueID), in.IssuePosition, in.SEOTitle, in.SEODescription, s.Now().Unix(), id)
	if err != nil {
		return s.articleWriteError(ctx, err, in)
	}
	if oldSlug != in.Slug {
		// The old slug redirects here; the new one is no longer an alias.
		if _, err := s.exec(ctx, tx, "DELETE FROM article_slugs WHERE slug = ?", in.Slug); err != nil {
			return fmt.Errorf("drop alias %q: %w", in.Slug, err)
		}
		if _, err := s.exec(ctx, tx, "INSERT INTO article_slugs (slug, article_id) VALUES (?, ?)", oldSlug, id); err != nil {
			return fmt.Errorf("keep old slug %q: %w", oldSlug, err)
		}
	}
	for _, q := range []string{"DELETE FROM article_authors WHERE article_id = ?", "DELETE FROM article_tags WHERE article_id = ?"} {
		if _, err := s.exec(ctx, tx, q, id); err != nil {
			return fmt.Errorf("clear links of article %d: %w", id, err)
		}
	}
	if err := s.setArticleLinks(ctx, tx, id, in, map[string]int64{}); err != nil {
		return err
	}
	return s.indexArticles(ctx, tx, []searchDoc{{id: id, preview: r.res.PreviewText}}, false)
}

// checkSlugFree refuses a slug used by another article, now or in the past
// (an old slug keeps redirecting to its article).
func (s *Store) checkSlugFree(ctx context.Context, tx *sql.Tx, slug string, self int64) error {
	var owner int64
	err := tx.QueryRowContext(ctx, s.d.q(`SELECT id FROM articles WHERE slug = ?
		UNION ALL SELECT article_id FROM article_slugs WHERE slug = ?`), slug, slug).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && owner == self) {
		return nil
	} else if err != nil {
		return fmt.Errorf("check slug %q: %w", slug, err)
	}
	return magazine.FieldError("slug", "Another article already uses the slug %q.", slug)
}

func (s *Store) articleWriteError(ctx context.Context, err error, in magazine.ArticleInput) error {
	switch {
	case isUniqueViolation(err):
		return magazine.FieldError("slug", "Another article already uses the slug %q.", in.Slug)
	case isForeignKeyViolation(err):
		// The database does not say which reference failed: look.
		var n int
		if s.queryRow(ctx, "SELECT COUNT(*) FROM issues WHERE id = ?", in.IssueID).Scan(&n); in.IssueID != 0 && n == 0 {
			return magazine.FieldError("issue", "That issue no longer exists; choose another or none.")
		}
		if s.queryRow(ctx, "SELECT COUNT(*) FROM sections WHERE id = ?", in.SectionID).Scan(&n); n == 0 {
			return magazine.FieldError("section", "That section no longer exists; choose another.")
		}
		return magazine.FieldError("authors", "An author of this article no longer exists.")
	}
	return fmt.Errorf("save article %q: %w", in.Slug, err)
}

func (s *Store) setArticleLinks(ctx context.Context, tx *sql.Tx, id int64, in magazine.ArticleInput, tags map[string]int64) error {
	// One statement per kind of link: on PostgreSQL each statement is a
	// round trip, and imports write hundreds of thousands of articles.
	args := make([]any, 0, 3*len(in.AuthorIDs))
	for i, author := range in.AuthorIDs {
		args = append(args, id, author, i)
	}
	q := "INSERT INTO article_authors (article_id, author_id, position) VALUES " + rowPlaceholders(len(in.AuthorIDs), 3)
	if _, err := s.exec(ctx, tx, q, args...); err != nil {
		if isForeignKeyViolation(err) {
			return magazine.FieldError("authors", "An author of this article no longer exists.")
		}
		return fmt.Errorf("link authors to article %d: %w", id, err)
	}
	ids, err := s.tagIDs(ctx, tx, in.Tags, tags)
	if err != nil {
		return err
	}
	args = args[:0]
	for _, tag := range ids {
		args = append(args, id, tag)
	}
	if len(ids) > 0 {
		q := "INSERT INTO article_tags (article_id, tag_id) VALUES " + rowPlaceholders(len(ids), 2)
		if _, err := s.exec(ctx, tx, q, args...); err != nil {
			return fmt.Errorf("tag article %d: %w", id, err)
		}
	}
	return nil
}

// tagIDs returns the ids of the tags named, each once, creating new ones.
// New tags are created in slug order: on PostgreSQL two saves creating the
// same new tags in different orders would deadlock on the unique index.
// Stable, so the first spelling of a tag still names it.
func (s *Store) tagIDs(ctx context.Context, tx *sql.Tx, names []string, cache map[string]int64) ([]int64, error) {
	names = slices.Clone(names)
	slices.SortStableFunc(names, func(a, b string) int { return strings.Compare(magazine.Slugify(a), magazine.Slugify(b)) })
	var ids []int64
	for _, name := range names {
		if strings.TrimSpace(name) == "" {
			continue
		}
		tag, err := s.ensureTag(ctx, tx, name, cache)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ids, tag) {
			ids = append(ids, tag)
		}
	}
	return ids, nil
}

// rowPlaceholders returns "(?, ?), (?, ?)" for rows of width columns.
func rowPlaceholders(rows, width int) string {
	row := "(" + placeholders(width) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

// ImportArticles creates many articles quickly: bodies are rendered on every
// core, rows are written in transactions of a thousand, and the next
// thousand are rendered while the last are written (rendering wants every
// core, writing the one write connection). progress, if not nil, is called
// with the number written so far. On error, the articles of the failing
// batch are not written and the error names the article.
func (s *Store) ImportArticles(ctx context.Context, ins []magazine.ArticleInput, progress func(done int)) error {
	pub, err := s.Publication(ctx)
	if err != nil {
		return err
	}
	const batch = 1000
	type renderedBatch struct {
		start int
		rs    []rendered
		err   error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the renderer when a write fails
	batches := make(chan renderedBatch, 1)
	go func() {
		defer close(batches)
		for start := 0; start < len(ins); start += batch {
			rs, err := s.renderAll(ctx, ins[start:min(start+batch, len(ins))], pub.PreviewParagraphs)
			select {
			case batches <- renderedBatch{start: start, rs: rs, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	tags := map[string]int64{}
	for b := range batches {
		if b.err != nil {
			return b.err
		}
		err = s.withTx(ctx, func(tx *sql.Tx) error {
			if err := s.importBatch(ctx, tx, b.rs, tags); err != nil {
				return err
			}
			return s.touch(ctx, tx)
		})
		if err != nil {
			// Once more, an article at a time, to name the one at fault
			// (and write none of the batch).
			clear(tags) // tags created in the failed batch were rolled back
			err = s.withTx(ctx, func(tx *sql.Tx) error {
				for _, r := range b.rs {
					if _, err := s.createArticle(ctx, tx, r, tags); err != nil {
						return fmt.Errorf("article %q: %w", r.in.Slug, err)
					}
				}
				return s.touch(ctx, tx)
			})
			if err != nil {
				clear(tags)
				return err
			}
		}
		if progress != nil {
			progress(b.start + len(b.rs))
		}
	}
	return ctx.Err()
}

func (s *Store) renderAll(ctx context.Context, ins []magazine.ArticleInput, previewParagraphs int) ([]rendered, error) {
	return parallel.Map(ctx, len(ins), func(i int) (rendered, error) {
		in := ins[i]
		if err := in.Normalize(); err != nil {
			return rendered{}, fmt.Errorf("article %q: %w", in.Headline, err)
		}
		return s.render(in, previewParagraphs)
	})
}

// ArticleByID returns an article with its body, authors and tags, whatever
// its status.
func (s *Store) ArticleByID(ctx context.Context, id int64) (magazine.Article, error) {
	return s.oneArticle(ctx, "a.id = ?", id)
}

// ArticleBySlug returns a published article with its body, authors and
// tags. When slug is an article's former slug, the error is a *Moved
// naming the current one.
func (s *Store) ArticleBySlug(ctx context.Context, slug string) (magazine.Article, error) {
	a, err := s.oneArticle(ctx, "a.slug = ? AND a.status = 'published'", slug)
	if !magazine.IsNotFound(err) {
		return a, err
	}
	var current string
	err2 := s.queryRow(ctx, `SELECT a.slug FROM article_slugs o JOIN articles a ON a.id = o.article_id
		WHERE o.slug = ? AND a.status = 'published'`, slug).Scan(&current)
	if err2 == nil {
		return a, &Moved{Slug: current}
	} else if !errors.Is(err2, sql.ErrNoRows) {
		return a, fmt.Errorf("resolve old slug %q: %w", slug, err2)
	}
	return a, err
}

// Moved is returned for an article's former slug.
type Moved struct{ Slug string }

func (m *Moved) Error() string { return "article moved to " + m.Slug }

func (s *Store) oneArticle(ctx context.Context, where string, args ...any) (magazine.Article, error) {
	row := s.queryRow(ctx, "SELECT "+articleFullCols+" FROM articles a JOIN sections s ON s.id = a.section_id WHERE "+where, args...)
	a, err := scanArticle(row, true)
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("Article")
	} else if err != nil {
		return a, fmt.Errorf("read article: %w", err)
	}
	list := []magazine.Article{a}
	if err := s.fillAuthors(ctx, list); err != nil {
		return a, err
	}
	a = list[0]
	rows, err := s.query(ctx, `SELECT t.id, t.slug, t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id
		WHERE x.article_id = ? ORDER BY t.name`, a.ID)
	if err != nil {
		return a, fmt.Errorf("read tags of article %d: %w", a.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var t magazine.Tag
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name); err != nil {
			return a, fmt.Errorf("scan tag: %w", err)
		}
		a.Tags = append(a.Tags, t)
	}
	return a, rows.Err()
}

// fillAuthors loads the authors of every article in list with one query.
func (s *Store) fillAuthors(ctx context.Context, list []magazine.Article) error {
	if len(list) == 0 {
		return nil
	}
	index := make(map[int64]int, len(list))
	args := make([]any, len(list))
	for i, a := range list {
		index[a.ID] = i
		args[i] = a.ID
	}
	q := `SELECT x.article_id, u.id, u.slug, u.name, u.bio, u.photo_url FROM article_authors x JOIN authors u ON u.id = x.author_id
		WHERE x.article_id IN (` + placeholders(len(list)) + `) ORDER BY x.article_id, x.position`
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read authors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var articleID int64
		var u magazine.Author
		if err := rows.Scan(&articleID, &u.ID, &u.Slug, &u.Name, &u.Bio, &u.PhotoURL); err != nil {
			return fmt.Errorf("scan author: %w", err)
		}
		i := index[articleID]
		list[i].Authors = append(list[i].Authors, u)
	}
	return rows.Err()
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
