package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/markdown"
)

// What an editor's save does, recorded as the revision's action.
const (
	ActionCreate    = "created"
	ActionSave      = "saved"
	ActionAutosave  = "autosaved"
	ActionPublish   = "published"
	ActionSchedule  = "scheduled"
	ActionUnpublish = "unpublished"
	ActionRestore   = "restored"
)

// Revision is one saved state of an article: every field the editor can
// change, who saved it and why.
type Revision struct {
	ArticleID int64
	Number    int
	StaffID   int64
	StaffName string
	Action    string
	// Applied is false for an autosave of a scheduled or published
	// article: it was kept aside and the article did not change.
	Applied      bool
	RestoredFrom int
	Input        magazine.ArticleInput
	CreatedAt    time.Time
}

// ArticleSave is one save from the editor.
type ArticleSave struct {
	// ArticleID is 0 to create the article.
	ArticleID int64
	// Base is the revision the form was based on (0 for an article that
	// has none yet). A save based on an older revision is refused.
	Base int
	// Action is one of the Action constants other than ActionCreate.
	Action string
	// Input holds the editable fields. Its Status is ignored: the action
	// decides it. PublishedAt is read only by ActionSchedule.
	Input        magazine.ArticleInput
	RestoredFrom int
	StaffName    string
}

// ConflictError refuses a save based on an older revision than the
// latest: someone else saved in between.
type ConflictError struct {
	Latest Revision
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s: the article changed since the form was opened (revision %d)", magazine.ECONFLICT, e.Latest.Number)
}

// Unwrap lets the error carry the ECONFLICT code and its message.
func (e *ConflictError) Unwrap() error {
	who := e.Latest.StaffName
	if who == "" {
		who = "Someone else"
	}
	return magazine.Errorf(magazine.ECONFLICT, "%s saved this article (revision %d, %s) after you opened it, so your save was refused and nothing was overwritten.",
		who, e.Latest.Number, e.Latest.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"))
}

// SaveArticle records a revision and, unless it is an autosave of an
// article that is not a draft, writes it to the article, in one
// transaction. It returns the new revision (or the latest one, when an
// autosave changed nothing).
func (s *Store) SaveArticle(ctx context.Context, actor Actor, sv ArticleSave) (Revision, error) {
	in := sv.Input
	in.Status, in.PublishedAt = magazine.StatusDraft, time.Time{}
	if err := in.Normalize(); err != nil {
		return Revision{}, err
	}
	if sv.Action == ActionSchedule {
		if sv.Input.PublishedAt.IsZero() {
			return Revision{}, magazine.FieldError("publish_at", "Choose the date and time to publish at.")
		}
		if !sv.Input.PublishedAt.After(s.Now()) {
			return Revision{}, magazine.FieldError("publish_at", "That time is in the past. Choose a later time, or publish now.")
		}
	}
	pub, err := s.Publication(ctx)
	if err != nil {
		return Revision{}, err
	}
	r, err := s.render(in, pub.PreviewParagraphs)
	if err != nil {
		return Revision{}, err
	}
	var rev Revision
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		rev, err = s.saveArticle(ctx, tx, actor, sv, r)
		return err
	})
	if err != nil {
		if isUniqueViolation(err) {
			// Two saves from the same base raced; the other one won.
			if latest, lerr := s.LatestRevision(ctx, sv.ArticleID); lerr == nil {
				return Revision{}, &ConflictError{Latest: latest}
			}
		}
		return Revision{}, err
	}
	return rev, nil
}

func (s *Store) saveArticle(ctx context.Context, tx *sql.Tx, actor Actor, sv ArticleSave, r rendered) (Revision, error) {
	in := &r.in
	now := s.Now()
	cur := struct {
		status    magazine.Status
		published int64
		issue     int64
		position  int
	}{status: magazine.StatusDraft}
	latest := Revision{}
	if sv.ArticleID != 0 {
		err := tx.QueryRowContext(ctx, s.d.q("SELECT status, published_at, COALESCE(issue_id, 0), issue_position FROM articles WHERE id = ?"+s.d.forUpdate()),
			sv.ArticleID).Scan(&cur.status, &cur.published, &cur.issue, &cur.position)
		if errors.Is(err, sql.ErrNoRows) {
			return Revision{}, notFound("Article")
		} else if err != nil {
			return Revision{}, fmt.Errorf("read article %d: %w", sv.ArticleID, err)
		}
		latest, err = s.latestRevision(ctx, tx, sv.ArticleID)
		if err != nil && !magazine.IsNotFound(err) {
			return Revision{}, err
		}
		if latest.Number != sv.Base {
			return Revision{}, &ConflictError{Latest: latest}
		}
	}
	in.IssueID, in.IssuePosition = cur.issue, cur.position
	in.Status, in.PublishedAt = cur.status, unixTime(cur.published)
	switch sv.Action {
	case ActionPublish:
		if cur.status != magazine.StatusPublished || cur.published == 0 {
			in.PublishedAt = now
		}
		in.Status = magazine.StatusPublished
	case ActionSchedule:
		in.Status, in.PublishedAt = magazine.StatusScheduled, sv.Input.PublishedAt.Truncate(time.Second)
	case ActionUnpublish:
		in.Status, in.PublishedAt = magazine.StatusDraft, time.Time{}
	case ActionSave, ActionAutosave, ActionRestore:
	default:
		return Revision{}, fmt.Errorf("unknown editor action %q", sv.Action)
	}
	apply := sv.Action != ActionAutosave || cur.status == magazine.StatusDraft
	if sv.Action == ActionAutosave && latest.Number > 0 && sameContent(latest.Input, *in) {
		return latest, nil // nothing typed since the last save
	}

	id, action := sv.ArticleID, sv.Action
	switch {
	case id == 0:
		var err error
		if id, err = s.createArticle(ctx, tx, r, map[string]int64{}); err != nil {
			return Revision{}, err
		}
		if _, err := s.exec(ctx, tx, "UPDATE articles SET created_by = ? WHERE id = ?", nullID(actor.ID), id); err != nil {
			return Revision{}, fmt.Errorf("record who started article %d: %w", id, err)
		}
		if action == ActionSave || action == ActionAutosave {
			action = ActionCreate
		}
	case apply:
		if err := s.updateArticle(ctx, tx, id, r); err != nil {
			return Revision{}, err
		}
	default:
		// Kept aside; its slug is checked now so that the save that
		// applies it does not fail later for a reason known today.
		if err := s.checkSlugFree(ctx, tx, in.Slug, id); err != nil {
			return Revision{}, err
		}
	}
	rev := Revision{ArticleID: id, Number: latest.Number + 1, StaffID: actor.ID, StaffName: sv.StaffName, Action: action,
		Applied: apply, RestoredFrom: sv.RestoredFrom, Input: *in, CreatedAt: now.UTC().Truncate(time.Second)}
	if err := s.insertRevision(ctx, tx, rev); err != nil {
		return Revision{}, err
	}
	if apply {
		if err := s.touch(ctx, tx); err != nil {
			return Revision{}, err
		}
	}
	if action == ActionAutosave {
		return rev, nil
	}
	return rev, s.audit(ctx, tx, actor, "article."+action, in.Slug, "revision "+strconv.Itoa(rev.Number))
}

func (s *Store) insertRevision(ctx context.Context, tx *sql.Tx, rev Revision) error {
	in := rev.Input
	ids := make([]string, len(in.AuthorIDs))
	for i, id := range in.AuthorIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	_, err := s.exec(ctx, tx, `INSERT INTO article_revisions (article_id, number, staff_id, staff_name, action, applied,
		headline, dek, slug, section_id, author_ids, tags, status, visibility, published_at, featured_url, featured_alt,
		seo_title, seo_description, body_md, restored_from, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rev.ArticleID, rev.Number, nullID(rev.StaffID), rev.StaffName, rev.Action, rev.Applied,
		in.Headline, in.Dek, in.Slug, in.SectionID, strings.Join(ids, ","), strings.Join(cleanTags(in.Tags), "\n"),
		in.Status, in.Visibility, unixOrZero(in.PublishedAt), in.FeaturedURL, in.FeaturedAlt,
		in.SEOTitle, in.SEODescription, in.BodyMarkdown, rev.RestoredFrom, rev.CreatedAt.Unix())
	if err != nil {
		return fmt.Errorf("record revision %d of article %d: %w", rev.Number, rev.ArticleID, err)
	}
	return nil
}

// cleanTags drops empty tag names and surrounding space.
func cleanTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// sameContent reports whether two inputs hold the same editable fields.
func sameContent(a, b magazine.ArticleInput) bool {
	return a.Headline == b.Headline && a.Dek == b.Dek && a.Slug == b.Slug && a.SectionID == b.SectionID &&
		slices.Equal(a.AuthorIDs, b.AuthorIDs) && slices.Equal(cleanTags(a.Tags), cleanTags(b.Tags)) &&
		a.Visibility == b.Visibility && a.FeaturedURL == b.FeaturedURL && a.FeaturedAlt == b.FeaturedAlt &&
		a.SEOTitle == b.SEOTitle && a.SEODescription == b.SEODescription && a.BodyMarkdown == b.BodyMarkdown &&
		a.Status == b.Status && a.PublishedAt.Equal(b.PublishedAt)
}

const revisionCols = `article_id, number, COALESCE(staff_id, 0), staff_name, action, applied, headline, dek, slug, section_id,
	author_ids, tags, status, visibility, published_at, featured_url, featured_alt, seo_title, seo_description, body_md,
	restored_from, created_at`

func scanRevision(row scanner) (Revision, error) {
	var rev Revision
	var authors, tags string
	var published, created int64
	in := &rev.Input
	err := row.Scan(&rev.ArticleID, &rev.Number, &rev.StaffID, &rev.StaffName, &rev.Action, &rev.Applied,
		&in.Headline, &in.Dek, &in.Slug, &in.SectionID, &authors, &tags, &in.Status, &in.Visibility, &published,
		&in.FeaturedURL, &in.FeaturedAlt, &in.SEOTitle, &in.SEODescription, &in.BodyMarkdown, &rev.RestoredFrom, &created)
	if err != nil {
		return rev, err
	}
	for f := range strings.SplitSeq(authors, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			in.AuthorIDs = append(in.AuthorIDs, id)
		}
	}
	if tags != "" {
		in.Tags = strings.Split(tags, "\n")
	}
	in.PublishedAt, rev.CreatedAt = unixTime(published), unixTime(created)
	return rev, nil
}

// LatestRevision returns the newest revision of an article; ENOTFOUND when
// it has none (it was imported or made before revisions were kept).
func (s *Store) LatestRevision(ctx context.Context, articleID int64) (Revision, error) {
	return s.oneRevision(ctx, s.db, "article_id = ? ORDER BY number DESC LIMIT 1", articleID)
}

func (s *Store) latestRevision(ctx context.Context, tx *sql.Tx, articleID int64) (Revision, error) {
	return s.oneRevision(ctx, tx, "article_id = ? ORDER BY number DESC LIMIT 1", articleID)
}

// RevisionByNumber returns one revision of an article.
func (s *Store) RevisionByNumber(ctx context.Context, articleID int64, number int) (Revision, error) {
	return s.oneRevision(ctx, s.db, "article_id = ? AND number = ?", articleID, number)
}

func (s *Store) oneRevision(ctx context.Context, q querier, where string, args ...any) (Revision, error) {
	rev, err := scanRevision(q.QueryRowContext(ctx, s.d.q("SELECT "+revisionCols+" FROM article_revisions WHERE "+where), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return rev, notFound("Revision")
	} else if err != nil {
		return rev, fmt.Errorf("read revision of article %v: %w", args[0], err)
	}
	return rev, nil
}

// Revisions returns every revision of an article, newest first.
func (s *Store) Revisions(ctx context.Context, articleID int64) ([]Revision, error) {
	rows, err := s.query(ctx, "SELECT "+revisionCols+" FROM article_revisions WHERE article_id = ? ORDER BY number DESC", articleID)
	if err != nil {
		return nil, fmt.Errorf("list revisions of article %d: %w", articleID, err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		rev, err := scanRevision(rows)
		if err != nil {
			return nil, fmt.Errorf("scan revision: %w", err)
		}
		out = append(out, rev)
	}
	return out, rows.Err()
}

// ArticleCreator returns the member of staff who started an article in the
// editor; 0 when it came from an import, the demo, or an account since
// removed.
func (s *Store) ArticleCreator(ctx context.Context, articleID int64) (int64, error) {
	var id int64
	err := s.queryRow(ctx, "SELECT COALESCE(created_by, 0) FROM articles WHERE id = ?", articleID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("Article")
	} else if err != nil {
		return 0, fmt.Errorf("read creator of article %d: %w", articleID, err)
	}
	return id, nil
}

// RenderBody renders Markdown exactly as saving an article would, for the
// editor's live preview.
func (s *Store) RenderBody(ctx context.Context, body string) (markdown.Result, error) {
	pub, err := s.Publication(ctx)
	if err != nil {
		return markdown.Result{}, err
	}
	if len(body) > magazine.MaxBody {
		return markdown.Result{}, &magazine.Error{Code: magazine.ETOOLARGE, Field: "body", Message: "The body is larger than 2 MiB."}
	}
	return s.md.Render(body, pub.PreviewParagraphs)
}

// DraftArticle renders in as the article it would be once saved, with its
// section, authors and tags filled in, without saving anything: the
// editor's "preview as a reader".
func (s *Store) DraftArticle(ctx context.Context, in magazine.ArticleInput) (magazine.Article, error) {
	if err := in.Normalize(); err != nil {
		return magazine.Article{}, err
	}
	res, err := s.RenderBody(ctx, in.BodyMarkdown)
	if err != nil {
		return magazine.Article{}, err
	}
	a := magazine.Article{Slug: in.Slug, Headline: in.Headline, Dek: in.Dek, Status: in.Status, Visibility: in.Visibility,
		PublishedAt: in.PublishedAt, FeaturedURL: in.FeaturedURL, FeaturedAlt: in.FeaturedAlt, BodyMarkdown: in.BodyMarkdown,
		Pages: res.Pages, PreviewHTML: res.Preview, Description: description(in, res), WordCount: res.WordCount,
		SEOTitle: in.SEOTitle, SEODescription: in.SEODescription}
	sections, err := s.Sections(ctx)
	if err != nil {
		return a, err
	}
	for _, sec := range sections {
		if sec.ID == in.SectionID {
			a.Section = sec
		}
	}
	authors, err := s.Authors(ctx)
	if err != nil {
		return a, err
	}
	for _, id := range in.AuthorIDs {
		for _, u := range authors {
			if u.ID == id {
				a.Authors = append(a.Authors, u)
			}
		}
	}
	for _, name := range cleanTags(in.Tags) {
		a.Tags = append(a.Tags, magazine.Tag{Slug: magazine.Slugify(name), Name: name})
	}
	return a, nil
}

// FreeSlug returns base, or base followed by -2, -3, ... when another
// article uses or used it: the slug generated for a headline is unique.
func (s *Store) FreeSlug(ctx context.Context, base string, self int64) (string, error) {
	return s.freeSlug(ctx, s.db, base, self)
}

// freeSlug is FreeSlug through q: the read pool, or a write transaction.
func (s *Store) freeSlug(ctx context.Context, q querier, base string, self int64) (string, error) {
	for n := 1; n <= 100; n++ {
		slug := base
		if n > 1 {
			suffix := "-" + strconv.Itoa(n)
			slug = strings.TrimRight(base[:min(len(base), magazine.MaxSlug-len(suffix))], "-") + suffix
		}
		var owner int64
		err := q.QueryRowContext(ctx, s.d.q(`SELECT id FROM articles WHERE slug = ? UNION ALL SELECT article_id FROM article_slugs WHERE slug = ?`),
			slug, slug).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner == self) {
			return slug, nil
		} else if err != nil {
			return "", fmt.Errorf("check slug %q: %w", slug, err)
		}
	}
	return "", magazine.FieldError("slug", "Every slug like %q is taken; type one yourself.", base)
}
