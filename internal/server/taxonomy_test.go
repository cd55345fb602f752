package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// A tag, an author or a section that only drafts use is not shown to
// readers on any surface until an article using it is published (issue
// 9, finding 3).
func TestDraftOnlyTaxonomyIsNotPublic(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		sec, err := st.CreateSection(ctx, magazine.Section{Name: "Embargoed Desk", Position: 9})
		if err != nil {
			t.Fatal(err)
		}
		au, err := st.CreateAuthor(ctx, magazine.Author{Name: "Newly Hired Writer"})
		if err != nil {
			t.Fatal(err)
		}
		in := magazine.ArticleInput{Headline: "Merger talks", SectionID: sec.ID, AuthorIDs: []int64{au.ID},
			Tags: []string{"Secret Merger"}, BodyMarkdown: "Not yet."}
		draft, err := st.CreateArticle(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/tags/secret-merger", "/authors/newly-hired-writer", "/sections/embargoed-desk"} {
			if r := f.get(t, path); r.status != 404 {
				t.Errorf("GET %s = %d, want 404 while only a draft uses it", path, r.status)
			}
		}
		for _, path := range []string{"/", "/authors", "/sitemaps/pages.xml", "/api/v1/authors", "/api/v1/sections"} {
			r := f.get(t, path)
			lacks(t, r, "Newly Hired Writer", "newly-hired-writer", "Embargoed Desk", "embargoed-desk")
		}
		// The API answers a draft's tag as it answers a tag that does not
		// exist.
		for _, q := range []string{"tag=secret-merger", "author=newly-hired-writer", "section=embargoed-desk"} {
			if r := f.get(t, "/api/v1/articles?"+q); r.status != 400 {
				t.Errorf("GET /api/v1/articles?%s = %d, want 400 as for an unknown slug", q, r.status)
			}
		}

		// Published, they all appear: the check can find what it looks for.
		in.Slug, in.Status, in.PublishedAt = draft.Slug, magazine.StatusPublished, time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)
		if _, err := st.UpdateArticle(ctx, draft.ID, in); err != nil {
			t.Fatal(err)
		}
		contains(t, f.get(t, "/tags/secret-merger"), "Secret Merger", "Merger talks")
		contains(t, f.get(t, "/authors/newly-hired-writer"), "Newly Hired Writer")
		contains(t, f.get(t, "/sections/embargoed-desk"), "Embargoed Desk")
		contains(t, f.get(t, "/authors"), "Newly Hired Writer")
		contains(t, f.get(t, "/"), "Embargoed Desk")
		contains(t, f.get(t, "/sitemaps/pages.xml"), "newly-hired-writer", "embargoed-desk")
		contains(t, f.get(t, "/api/v1/authors"), "Newly Hired Writer")
		contains(t, f.get(t, "/api/v1/sections"), "Embargoed Desk")
	})
}
