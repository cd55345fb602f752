package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestCreateArticle(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		issue := mustIssue(t, s, magazine.IssueInput{Volume: 3, Number: 7, CoverDate: t0, Published: true})
		a := f.article(t, "  Crème brûlée à Zürich: l'Europe's dessert  ", func(in *magazine.ArticleInput) {
			in.Dek = "How a custard conquered a continent."
			in.SectionID = f.culture.ID
			in.AuthorIDs = []int64{f.cy.ID, f.ada.ID, f.bo.ID}
			in.Tags = []string{"Trade", "EU", "trade", " Trade ", ""}
			in.Visibility = magazine.VisibilitySubscribers
			in.PublishedAt = hours(5)
			in.FeaturedURL, in.FeaturedAlt = "/media/ab/creme.jpg", "A burnt sugar crust"
			in.IssueID, in.IssuePosition = issue.ID, 4
			in.SEOTitle = "Crème brûlée"
		})

		if a.ID == 0 || a.Slug != "creme-brulee-a-zurich-leuropes-dessert" {
			t.Errorf("id %d slug %q: want an id and the headline's slug without accents", a.ID, a.Slug)
		}
		if a.Headline != "Crème brûlée à Zürich: l'Europe's dessert" {
			t.Errorf("headline %q not trimmed", a.Headline)
		}
		if d := diff([]string{"Cy Ortega", "Ada Quill", "Bo Marsh"}, authorNames(a.Authors)); d != "" {
			t.Errorf("authors not in the order given:%s", d)
		}
		var tags []string
		for _, tg := range a.Tags {
			tags = append(tags, tg.Slug+"="+tg.Name)
		}
		if d := diff([]string{"eu=EU", "trade=Trade"}, tags); d != "" {
			t.Errorf("tags: duplicates must collapse into one tag each:%s", d)
		}
		if a.Section != f.culture || a.Visibility != magazine.VisibilitySubscribers || !a.PublishedAt.Equal(hours(5)) ||
			a.IssueID != issue.ID || a.IssuePosition != 4 || a.FeaturedURL != "/media/ab/creme.jpg" ||
			a.FeaturedAlt != "A burnt sugar crust" || a.SEOTitle != "Crème brûlée" || a.Status != magazine.StatusPublished {
			t.Errorf("fields not kept: %+v", a)
		}

		// Reading it back gives the same article.
		got, err := s.ArticleBySlug(ctx, a.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(a, got); d != "" {
			t.Errorf("ArticleBySlug differs from what CreateArticle returned:%s", d)
		}

		// A tag is created once and shared: a second article reuses it
		// whatever the case of its name.
		b := f.article(t, "Tariffs again", func(in *magazine.ArticleInput) { in.Tags = []string{"TRADE"} })
		trade, err := s.TagBySlug(ctx, "trade")
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Tags) != 1 || b.Tags[0].ID != trade.ID || trade.Name != "Trade" {
			t.Errorf("second article's tags %+v, want the existing tag %+v", b.Tags, trade)
		}
		if _, err := s.TagBySlug(ctx, "nothing"); !magazine.IsNotFound(err) {
			t.Errorf("unknown tag: error %v, want not found", err)
		}
	})
}

func TestArticleBody(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		tests := []struct {
			name        string
			dek         string
			body        string
			pages       [][]string // text each page must hold
			notInPages  []string
			preview     []string
			notPreview  []string
			words       int
			description string
		}{{
			name:        "page breaks",
			body:        "First page.\n\n::pagebreak\n\nSecond page.\n\n::pagebreak\n\nThird page, last.",
			pages:       [][]string{{"First page."}, {"Second page."}, {"Third page, last."}},
			notInPages:  []string{"pagebreak"},
			words:       7,
			description: "First page. Second page. Third page, last.", // no marker: the first three paragraphs
		}, {
			name:        "paywall marker ends the preview",
			body:        "Free one.\n\nFree two.\n\n::paywall\n\nPaid three.\n\n::pagebreak\n\nPaid four.",
			pages:       [][]string{{"Free one.", "Free two.", "Paid three."}, {"Paid four."}},
			notInPages:  []string{"paywall"},
			preview:     []string{"Free one.", "Free two."},
			notPreview:  []string{"Paid three.", "Paid four."},
			words:       8,
			description: "Free one. Free two.",
		}, {
			name:        "without a marker the preview is the first three paragraphs",
			body:        "P one.\n\nP two.\n\nP three.\n\nP four.\n\nP five.",
			pages:       [][]string{{"P one.", "P five."}},
			preview:     []string{"P one.", "P three."},
			notPreview:  []string{"P four."},
			words:       10,
			description: "P one. P two. P three.",
		}, {
			name:        "the dek is the description",
			dek:         "A short standfirst.",
			body:        "Body **text** here.",
			pages:       [][]string{{"<strong>text</strong>"}},
			preview:     []string{"Body"},
			words:       3,
			description: "A short standfirst.",
		}}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				a := f.article(t, tt.name, func(in *magazine.ArticleInput) {
					in.Dek, in.BodyMarkdown = tt.dek, tt.body
					in.Visibility = magazine.VisibilitySubscribers
				})
				if len(a.Pages) != len(tt.pages) {
					t.Fatalf("%d pages, want %d: %q", len(a.Pages), len(tt.pages), a.Pages)
				}
				for i, want := range tt.pages {
					for _, w := range want {
						if !strings.Contains(a.Pages[i], w) {
							t.Errorf("page %d %q lacks %q", i+1, a.Pages[i], w)
						}
					}
				}
				all := strings.Join(a.Pages, "")
				for _, w := range tt.notInPages {
					if strings.Contains(all, w) {
						t.Errorf("pages show the marker %q: %q", w, all)
					}
				}
				for _, w := range tt.preview {
					if !strings.Contains(a.PreviewHTML, w) {
						t.Errorf("preview %q lacks %q", a.PreviewHTML, w)
					}
				}
				for _, w := range tt.notPreview {
					if strings.Contains(a.PreviewHTML, w) {
						t.Errorf("preview %q gives away %q", a.PreviewHTML, w)
					}
				}
				if a.WordCount != tt.words {
					t.Errorf("WordCount = %d, want %d", a.WordCount, tt.words)
				}
				if a.Description != tt.description {
					t.Errorf("Description = %q, want %q", a.Description, tt.description)
				}
				if a.BodyMarkdown != tt.body {
					t.Errorf("BodyMarkdown not kept as written")
				}
			})
		}
	})
}

func TestCreateArticleRefusals(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		f.article(t, "Taken", nil)
		tooMany := make([]int64, magazine.MaxAuthors+1)
		for i := range tooMany {
			tooMany[i] = mustAuthor(t, s, magazine.Author{Name: "Writer " + string(rune('A'+i))}).ID
		}
		tests := []struct {
			name  string
			edit  func(in *magazine.ArticleInput)
			code  string
			field string
		}{
			{"missing headline", func(in *magazine.ArticleInput) { in.Headline = "  " }, magazine.EINVALID, "headline"},
			{"headline too long", func(in *magazine.ArticleInput) { in.Headline = strings.Repeat("x", magazine.MaxHeadline+1) }, magazine.EINVALID, "headline"},
			{"bad visibility", func(in *magazine.ArticleInput) { in.Visibility = "vip" }, magazine.EINVALID, "visibility"},
			{"bad status", func(in *magazine.ArticleInput) { in.Status = "archived" }, magazine.EINVALID, "status"},
			{"bad slug", func(in *magazine.ArticleInput) { in.Slug = "Not A Slug" }, magazine.EINVALID, "slug"},
			{"no authors", func(in *magazine.ArticleInput) { in.AuthorIDs = nil }, magazine.EINVALID, "authors"},
			{"too many authors", func(in *magazine.ArticleInput) { in.AuthorIDs = tooMany }, magazine.EINVALID, "authors"},
			{"author twice", func(in *magazine.ArticleInput) { in.AuthorIDs = []int64{f.ada.ID, f.ada.ID} }, magazine.EINVALID, "authors"},
			{"no section", func(in *magazine.ArticleInput) { in.SectionID = 0 }, magazine.EINVALID, "section"},
			{"scheduled without time", func(in *magazine.ArticleInput) {
				in.Status, in.PublishedAt = magazine.StatusScheduled, time.Time{}
			}, magazine.EINVALID, "published_at"},
			{"body over 2 MiB", func(in *magazine.ArticleInput) {
				in.BodyMarkdown = strings.Repeat("word ", magazine.MaxBody/5+1)
			}, magazine.ETOOLARGE, "body"},
			{"slug in use", func(in *magazine.ArticleInput) { in.Slug = "taken" }, magazine.EINVALID, "slug"},
			{"unknown section", func(in *magazine.ArticleInput) { in.SectionID = 987654 }, magazine.EINVALID, "section"},
			{"unknown author", func(in *magazine.ArticleInput) { in.AuthorIDs = []int64{f.ada.ID, 987654} }, magazine.EINVALID, "authors"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := f.input("Refused article", tt.edit)
				_, err := s.CreateArticle(ctx, in)
				checkError(t, err, tt.code, tt.field)
			})
		}
		// Nothing of the refused articles was saved: the slug they would
		// have had is still free, and only one article is listed.
		list, _, err := s.Articles(ctx, store.ArticleFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if d := diff([]string{"taken"}, slugs(list)); d != "" {
			t.Errorf("refused articles were saved:%s", d)
		}
		if _, err := s.CreateArticle(ctx, f.input("Refused article", nil)); err != nil {
			t.Errorf("slug of a refused article is not free: %v", err)
		}
	})
}

func TestArticleUnknownIssue(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		_, err := s.CreateArticle(context.Background(), f.input("Lost issue", func(in *magazine.ArticleInput) { in.IssueID = 987654 }))
		if code := magazine.ErrorCode(err); code != magazine.EINVALID {
			t.Fatalf("error %v has code %q, want %q: the editor chose a missing issue, not a server fault", err, code, magazine.EINVALID)
		}
		var me *magazine.Error
		if !errors.As(err, &me) || me.Field != "issue" {
			t.Errorf("the message is for field %q, want the issue: %v", me.Field, err)
		}
		_, err = s.CreateArticle(context.Background(), f.input("Lost section", func(in *magazine.ArticleInput) { in.SectionID = 987654 }))
		if !errors.As(err, &me) || me.Field != "section" {
			t.Errorf("a missing section: %v", err)
		}
	})
}

func TestArticleSlugChanges(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := f.article(t, "Old headline", nil)
		b := f.article(t, "Another story", nil)

		moved := func(t *testing.T, slug, want string) {
			t.Helper()
			_, err := s.ArticleBySlug(ctx, slug)
			var m *store.Moved
			if !errors.As(err, &m) || m.Slug != want {
				t.Fatalf("ArticleBySlug(%q) error = %v, want *store.Moved to %q", slug, err, want)
			}
		}
		current := func(t *testing.T, slug string, want magazine.Article) {
			t.Helper()
			got, err := s.ArticleBySlug(ctx, slug)
			if err != nil {
				t.Fatalf("ArticleBySlug(%q): %v", slug, err)
			}
			if got.ID != want.ID || got.Slug != slug {
				t.Fatalf("ArticleBySlug(%q) = article %d %q, want %d", slug, got.ID, got.Slug, want.ID)
			}
		}
		update := func(t *testing.T, id int64, headline, slug string, edit func(in *magazine.ArticleInput)) (magazine.Article, error) {
			t.Helper()
			return s.UpdateArticle(ctx, id, f.input(headline, func(in *magazine.ArticleInput) {
				in.Slug = slug
				if edit != nil {
					edit(in)
				}
			}))
		}

		// Creating with a slug in use is refused.
		_, err := s.CreateArticle(ctx, f.input("Old headline", nil))
		checkError(t, err, magazine.EINVALID, "slug")

		// Renaming leaves the old address redirecting, and changes the
		// rest of the article as asked.
		a2, err := update(t, a.ID, "New headline", "new-headline", func(in *magazine.ArticleInput) {
			in.AuthorIDs = []int64{f.bo.ID, f.ada.ID}
			in.Tags = []string{"Fresh"}
		})
		if err != nil {
			t.Fatal(err)
		}
		if a2.ID != a.ID || a2.Headline != "New headline" || a2.Slug != "new-headline" {
			t.Fatalf("updated article: %+v", a2)
		}
		if d := diff([]string{"Bo Marsh", "Ada Quill"}, authorNames(a2.Authors)); d != "" {
			t.Errorf("authors after update:%s", d)
		}
		if len(a2.Tags) != 1 || a2.Tags[0].Name != "Fresh" {
			t.Errorf("tags after update: %+v, want only Fresh", a2.Tags)
		}
		current(t, "new-headline", a)
		moved(t, "old-headline", "new-headline")

		// Nobody else can take the old slug while it redirects.
		_, err = s.CreateArticle(ctx, f.input("Third", func(in *magazine.ArticleInput) { in.Slug = "old-headline" }))
		checkError(t, err, magazine.EINVALID, "slug")
		_, err = update(t, b.ID, "Another story", "old-headline", nil)
		checkError(t, err, magazine.EINVALID, "slug")
		_, err = update(t, b.ID, "Another story", "new-headline", nil)
		checkError(t, err, magazine.EINVALID, "slug")
		current(t, "another-story", b)

		// Going back to the old slug works, and the newer one redirects.
		if _, err := update(t, a.ID, "Old headline", "old-headline", nil); err != nil {
			t.Fatalf("back to the old slug: %v", err)
		}
		current(t, "old-headline", a)
		moved(t, "new-headline", "old-headline")

		// A third name: both earlier ones lead to it.
		if _, err := update(t, a.ID, "Final headline", "final-headline", nil); err != nil {
			t.Fatal(err)
		}
		moved(t, "old-headline", "final-headline")
		moved(t, "new-headline", "final-headline")

		// Saving without changing the slug is not a conflict with itself.
		if _, err := update(t, a.ID, "Final headline, edited", "final-headline", nil); err != nil {
			t.Errorf("save with unchanged slug: %v", err)
		}

		if _, err := update(t, 987654, "Ghost", "ghost", nil); !magazine.IsNotFound(err) {
			t.Errorf("update of a missing article: error %v, want not found", err)
		}
		_, err = update(t, b.ID, "Another story", "another-story", func(in *magazine.ArticleInput) { in.AuthorIDs = []int64{987654} })
		checkError(t, err, magazine.EINVALID, "authors")
		got, err := s.ArticleByID(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff([]string{"Ada Quill"}, authorNames(got.Authors)); d != "" {
			t.Errorf("a refused update changed the authors:%s", d)
		}
	})
}

func TestUnpublishedArticlesAreHidden(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		draft := f.article(t, "Draft", func(in *magazine.ArticleInput) { in.Status = magazine.StatusDraft })
		scheduled := f.article(t, "Scheduled", func(in *magazine.ArticleInput) { in.Status = magazine.StatusScheduled })
		f.article(t, "Published", nil)

		for _, a := range []magazine.Article{draft, scheduled} {
			if _, err := s.ArticleBySlug(ctx, a.Slug); !magazine.IsNotFound(err) {
				t.Errorf("ArticleBySlug(%q) error = %v, want not found", a.Slug, err)
			}
			// The newsroom still reaches it by id.
			got, err := s.ArticleByID(ctx, a.ID)
			if err != nil || got.Status != a.Status {
				t.Errorf("ArticleByID(%d) = %v, %v", a.ID, got.Status, err)
			}
		}
		list, more, err := s.Articles(ctx, store.ArticleFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if d := diff([]string{"published"}, slugs(list)); d != "" || more {
			t.Errorf("Articles lists unpublished articles (more=%v):%s", more, d)
		}

		// A draft's former slug does not reveal it either.
		if _, err := s.UpdateArticle(ctx, draft.ID, f.input("Draft", func(in *magazine.ArticleInput) {
			in.Status, in.Slug = magazine.StatusDraft, "draft-renamed"
		})); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ArticleBySlug(ctx, "draft"); !magazine.IsNotFound(err) {
			t.Errorf("old slug of a draft: error %v, want not found", err)
		}
		if _, err := s.ArticleByID(ctx, 987654); !magazine.IsNotFound(err) {
			t.Errorf("ArticleByID of a missing article: error %v, want not found", err)
		}
	})
}
