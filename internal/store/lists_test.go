package store_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestArticlesFilters(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		issue := mustIssue(t, s, magazine.IssueInput{Volume: 1, Number: 1, CoverDate: t0, Published: true})
		f.article(t, "p1", func(in *magazine.ArticleInput) {
			in.Tags, in.PublishedAt, in.IssueID = []string{"Trade"}, hours(1), issue.ID
		})
		f.article(t, "c2", func(in *magazine.ArticleInput) {
			in.SectionID, in.AuthorIDs, in.Tags = f.culture.ID, []int64{f.bo.ID}, []string{"Books"}
			in.Visibility, in.PublishedAt = magazine.VisibilitySubscribers, hours(2)
		})
		p3 := f.article(t, "p3", func(in *magazine.ArticleInput) {
			in.AuthorIDs, in.Tags = []int64{f.bo.ID, f.ada.ID}, []string{"Trade", "Books"}
			in.Visibility, in.PublishedAt, in.IssueID = magazine.VisibilityRegistered, hours(3), issue.ID
		})
		f.article(t, "c4", func(in *magazine.ArticleInput) { in.SectionID, in.PublishedAt = f.culture.ID, hours(4) })
		f.article(t, "draft", func(in *magazine.ArticleInput) {
			in.Status, in.Tags, in.IssueID = magazine.StatusDraft, []string{"Trade"}, issue.ID
		})
		trade, err := s.TagBySlug(ctx, "trade")
		if err != nil {
			t.Fatal(err)
		}
		books, err := s.TagBySlug(ctx, "books")
		if err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name   string
			filter store.ArticleFilter
			want   []string
		}{
			{"all, newest first", store.ArticleFilter{}, []string{"c4", "p3", "c2", "p1"}},
			{"section", store.ArticleFilter{SectionID: f.politics.ID}, []string{"p3", "p1"}},
			{"author", store.ArticleFilter{AuthorID: f.ada.ID}, []string{"c4", "p3", "p1"}},
			{"second author", store.ArticleFilter{AuthorID: f.bo.ID}, []string{"p3", "c2"}},
			{"author without articles", store.ArticleFilter{AuthorID: f.cy.ID}, []string{}},
			{"tag", store.ArticleFilter{TagID: trade.ID}, []string{"p3", "p1"}},
			{"author and tag", store.ArticleFilter{AuthorID: f.ada.ID, TagID: books.ID}, []string{"p3"}},
			{"issue", store.ArticleFilter{IssueID: issue.ID}, []string{"p3", "p1"}},
			{"visibility", store.ArticleFilter{Visibility: magazine.VisibilityPublic}, []string{"c4", "p1"}},
			{"exclude", store.ArticleFilter{ExcludeID: p3.ID}, []string{"c4", "c2", "p1"}},
			{"section and visibility", store.ArticleFilter{SectionID: f.culture.ID, Visibility: magazine.VisibilitySubscribers}, []string{"c2"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, more, err := s.Articles(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if d := diff(tt.want, slugs(list)); d != "" || more {
					t.Errorf("Articles(%+v) (more=%v):%s", tt.filter, more, d)
				}
			})
		}

		// List items carry their authors, in byline order, each once.
		list, _, err := s.Articles(ctx, store.ArticleFilter{TagID: books.ID})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, a := range list {
			got[a.Slug] = authorNames(a.Authors)
		}
		want := map[string][]string{"p3": {"Bo Marsh", "Ada Quill"}, "c2": {"Bo Marsh"}}
		if d := diff(want, got); d != "" {
			t.Errorf("authors in a list:%s", d)
		}
	})
}

func TestArticlesPaging(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		// Publish times repeat and are not in creation order, so only the
		// id tie-break makes the order total.
		at := []int{0, 0, 2, 1, 0, 2, 1, 0, 3, 1, 0}
		var created []magazine.Article
		for i, h := range at {
			created = append(created, f.article(t, fmt.Sprintf("story %02d", i), func(in *magazine.ArticleInput) {
				in.PublishedAt = hours(h)
			}))
		}
		sort.Slice(created, func(i, j int) bool {
			a, b := created[i], created[j]
			if !a.PublishedAt.Equal(b.PublishedAt) {
				return a.PublishedAt.After(b.PublishedAt)
			}
			return a.ID > b.ID
		})
		want := slugs(created)

		all, more, err := s.Articles(ctx, store.ArticleFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(want, slugs(all)); d != "" || more {
			t.Fatalf("newest first, ties by id (more=%v):%s", more, d)
		}

		for _, limit := range []int{1, 3, 4, 11} {
			t.Run(fmt.Sprintf("offset/limit %d", limit), func(t *testing.T) {
				var got []string
				for offset := 0; ; offset += limit {
					page, more, err := s.Articles(ctx, store.ArticleFilter{Offset: offset, Limit: limit})
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, slugs(page)...)
					if wantMore := offset+limit < len(want); more != wantMore {
						t.Fatalf("offset %d: more = %v, want %v", offset, more, wantMore)
					}
					if !more {
						break
					}
				}
				if d := diff(want, got); d != "" {
					t.Errorf("pages joined:%s", d)
				}
			})
			t.Run(fmt.Sprintf("keyset/limit %d", limit), func(t *testing.T) {
				var got []string
				var before *store.Cursor
				for pages := 0; pages <= len(want); pages++ {
					page, more, err := s.Articles(ctx, store.ArticleFilter{Before: before, Limit: limit})
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, slugs(page)...)
					if wantMore := len(got) < len(want); more != wantMore {
						t.Fatalf("after %d items: more = %v, want %v", len(got)-len(page), more, wantMore)
					}
					if !more {
						break
					}
					c := store.CursorOf(page[len(page)-1])
					before = &c
				}
				if d := diff(want, got); d != "" {
					t.Errorf("keyset pages joined (overlap or gap):%s", d)
				}
			})
		}

		// A cursor taken from the middle of a run of equal publish
		// times continues exactly after it.
		for i, a := range created {
			c := store.CursorOf(a)
			page, _, err := s.Articles(ctx, store.ArticleFilter{Before: &c, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(want[i+1:], slugs(page)); d != "" {
				t.Errorf("after %q:%s", a.Slug, d)
			}
		}
	})
}

func TestIssueArticles(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		issue := mustIssue(t, s, magazine.IssueInput{Volume: 1, Number: 1, CoverDate: t0, Published: true})
		other := mustIssue(t, s, magazine.IssueInput{Volume: 1, Number: 2, CoverDate: t0, Published: true})
		in := func(id int64, pos int, status magazine.Status) func(*magazine.ArticleInput) {
			return func(a *magazine.ArticleInput) {
				a.IssueID, a.IssuePosition, a.Status = id, pos, status
				a.PublishedAt = hours(pos) // the table of contents ignores publish times
				a.AuthorIDs = []int64{f.cy.ID, f.ada.ID}
			}
		}
		f.article(t, "third", in(issue.ID, 3, magazine.StatusPublished))
		f.article(t, "first", in(issue.ID, 1, magazine.StatusPublished))
		f.article(t, "unfinished", in(issue.ID, 2, magazine.StatusDraft))
		f.article(t, "second", in(issue.ID, 2, magazine.StatusPublished))
		f.article(t, "elsewhere", in(other.ID, 1, magazine.StatusPublished))
		f.article(t, "loose", nil)

		list, err := s.IssueArticles(ctx, issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff([]string{"first", "second", "third"}, slugs(list)); d != "" {
			t.Errorf("table of contents:%s", d)
		}
		for _, a := range list {
			if d := diff([]string{"Cy Ortega", "Ada Quill"}, authorNames(a.Authors)); d != "" {
				t.Errorf("%s authors:%s", a.Slug, d)
			}
		}
	})
}

func TestRelatedArticles(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		politics := func(h int, tags ...string) func(*magazine.ArticleInput) {
			return func(in *magazine.ArticleInput) { in.PublishedAt, in.Tags = hours(h), tags }
		}
		culture := func(h int, tags ...string) func(*magazine.ArticleInput) {
			return func(in *magazine.ArticleInput) {
				in.SectionID, in.PublishedAt, in.Tags = f.culture.ID, hours(h), tags
			}
		}
		x := f.article(t, "subject", politics(0, "Trade", "EU"))
		f.article(t, "tag-old", politics(1, "Trade"))                 // same tag and section
		f.article(t, "tag-new", culture(2, "EU", "Trade", "Farming")) // two shared tags
		f.article(t, "section-old", politics(3))
		f.article(t, "section-new", politics(4))
		f.article(t, "unrelated", culture(5, "Opera"))
		f.article(t, "tag-draft", func(in *magazine.ArticleInput) {
			in.Status, in.Tags = magazine.StatusDraft, []string{"Trade"}
		})
		if _, err := s.UpdateArticle(ctx, f.article(t, "two-authors", culture(6, "EU")).ID, f.input("two-authors", func(in *magazine.ArticleInput) {
			in.SectionID, in.PublishedAt, in.Tags = f.culture.ID, hours(6), []string{"EU"}
			in.AuthorIDs = []int64{f.bo.ID, f.cy.ID}
		})); err != nil {
			t.Fatal(err)
		}
		x, err := s.ArticleByID(ctx, x.ID) // with its tags, as pages pass it
		if err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			n    int
			want []string
		}{
			{1, []string{"two-authors"}},
			{3, []string{"two-authors", "tag-new", "tag-old"}},
			{4, []string{"two-authors", "tag-new", "tag-old", "section-new"}},
			{10, []string{"two-authors", "tag-new", "tag-old", "section-new", "section-old"}},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
				list, err := s.RelatedArticles(ctx, x, tt.n)
				if err != nil {
					t.Fatal(err)
				}
				if d := diff(tt.want, slugs(list)); d != "" {
					t.Errorf("RelatedArticles(n=%d): tag matches first, then the section, no duplicates, not itself:%s", tt.n, d)
				}
				for _, a := range list {
					want := []string{"Ada Quill"}
					if a.Slug == "two-authors" {
						want = []string{"Bo Marsh", "Cy Ortega"}
					}
					if d := diff(want, authorNames(a.Authors)); d != "" {
						t.Errorf("%s byline:%s", a.Slug, d)
					}
				}
			})
		}

		// Without tags, the section alone supplies related articles.
		untagged := f.article(t, "untagged", politics(7))
		list, err := s.RelatedArticles(ctx, untagged, 10)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff([]string{"section-new", "section-old", "tag-old", "subject"}, slugs(list)); d != "" {
			t.Errorf("related of an untagged article:%s", d)
		}
	})
}
