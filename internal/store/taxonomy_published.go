package store

import (
	"context"
	"slices"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Readers see a section, an author or a tag once a published article uses
// it, never before: a tag typed on a draft, the writer of an embargoed
// piece or a section being prepared would otherwise be announced by its
// page, the lists, the API and the sitemap. The admin reads them all
// through Sections, Authors and TagBySlug.

const (
	sectionInUse = "EXISTS (SELECT 1 FROM articles a WHERE a.section_id = sections.id AND a.status = 'published')"
	authorInUse  = "EXISTS (SELECT 1 FROM article_authors x JOIN articles a ON a.id = x.article_id WHERE x.author_id = authors.id AND a.status = 'published')"
	tagInUse     = "EXISTS (SELECT 1 FROM article_tags x JOIN articles a ON a.id = x.article_id WHERE x.tag_id = tags.id AND a.status = 'published')"
)

// PublishedSections returns, in display order, the sections that have a
// published article.
func (s *Store) PublishedSections(ctx context.Context) ([]magazine.Section, error) {
	version := s.Version()
	if list, ok := s.published.get(version); ok {
		return slices.Clone(list), nil
	}
	list, err := s.sections(ctx, " WHERE "+sectionInUse)
	if err == nil {
		s.published.put(version, slices.Clone(list))
	}
	return list, err
}

// PublishedSectionBySlug returns a section that has a published article;
// any other is not found.
func (s *Store) PublishedSectionBySlug(ctx context.Context, slug string) (magazine.Section, error) {
	return s.sectionBySlug(ctx, slug, " AND "+sectionInUse)
}

// PublishedAuthors returns, by name, the authors of published articles.
func (s *Store) PublishedAuthors(ctx context.Context) ([]magazine.Author, error) {
	return s.authors(ctx, " WHERE "+authorInUse)
}

// PublishedAuthorBySlug returns an author of a published article; any
// other is not found.
func (s *Store) PublishedAuthorBySlug(ctx context.Context, slug string) (magazine.Author, error) {
	return s.authorBySlug(ctx, slug, " AND "+authorInUse)
}

// PublishedTagBySlug returns a tag of a published article; any other is
// not found.
func (s *Store) PublishedTagBySlug(ctx context.Context, slug string) (magazine.Tag, error) {
	return s.tagBySlug(ctx, slug, " AND "+tagInUse)
}
