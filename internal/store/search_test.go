package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// searchFixture is a small archive to search: public and gated articles,
// one in an issue, one a draft.
func searchFixture(t *testing.T, s *store.Store) (*fixture, magazine.Issue) {
	t.Helper()
	f := newFixture(t, s)
	issue := mustIssue(t, s, magazine.IssueInput{Volume: 1, Number: 1, CoverDate: t0})
	f.article(t, "The Long Night of the Election", func(in *magazine.ArticleInput) {
		in.BodyMarkdown = "Voters queued for hours in Marrowby. The count ran late into the night."
	})
	f.article(t, "A Visit From Viktor Orbán", func(in *magazine.ArticleInput) {
		in.SectionID, in.AuthorIDs, in.IssueID, in.PublishedAt = f.culture.ID, []int64{f.bo.ID}, issue.ID, hours(24)
		in.BodyMarkdown = "The prime minister spoke about the budget at length."
	})
	f.article(t, "Inside the Treasury", func(in *magazine.ArticleInput) {
		in.Visibility, in.PublishedAt = magazine.VisibilitySubscribers, hours(12)
		in.BodyMarkdown = "An open paragraph about budgets.\n\n::paywall\n\nThe committee elected to hide the zanzibarite ledger."
	})
	f.article(t, "Unfinished Zephyr", func(in *magazine.ArticleInput) {
		in.Status, in.PublishedAt = magazine.StatusDraft, time.Time{}
		in.BodyMarkdown = "Zephyr notes, not yet fit to print."
	})
	f.article(t, "The Budget Debate", func(in *magazine.ArticleInput) {
		in.AuthorIDs, in.PublishedAt = []int64{f.cy.ID}, hours(48)
		in.Tags = []string{"Fiscal Policy"}
		in.BodyMarkdown = "Everyone spoke about the budget for hours. Elections loom."
	})
	return f, issue
}

func TestSearch(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f, issue := searchFixture(t, s)
		anonymous := magazine.ScopeOf(magazine.Viewer{})
		subscriber := magazine.ScopeOf(magazine.Viewer{Registered: true, Entitlements: map[magazine.Entitlement]bool{magazine.EntSubscriberContent: true}})
		staff := magazine.ScopeOf(magazine.Viewer{Staff: true})
		tests := []struct {
			name, query string
			scope       magazine.SearchScope
			edit        func(*store.SearchFilter)
			want        []string // slugs, in order
		}{
			{"headline ranks first", "budget", anonymous, func(sf *store.SearchFilter) { sf.PerPage = 1 }, []string{"the-budget-debate"}},
			{"stemming", "elections", anonymous, nil, []string{"the-long-night-of-the-election", "the-budget-debate"}},
			{"stemming reaches the whole text of the entitled", "elections", subscriber, nil,
				[]string{"the-long-night-of-the-election", "the-budget-debate", "inside-the-treasury"}},
			{"all words must match", "budget hours", anonymous, nil, []string{"the-budget-debate"}},
			{"phrase", `"budget debate"`, anonymous, nil, []string{"the-budget-debate"}},
			{"phrase in order only", `"debate budget"`, anonymous, nil, nil},
			{"exclusion", "budget -orbán", anonymous, nil, []string{"the-budget-debate", "inside-the-treasury"}},
			{"excluded phrase", `budget -"prime minister"`, anonymous, nil, []string{"the-budget-debate", "inside-the-treasury"}},
			{"prefix", "marr*", anonymous, nil, []string{"the-long-night-of-the-election"}},
			{"short prefix", "tr*", anonymous, nil, []string{"inside-the-treasury"}},
			{"accents folded", "orban", anonymous, nil, []string{"a-visit-from-viktor-orban"}},
			{"accents typed", "Orbán", anonymous, nil, []string{"a-visit-from-viktor-orban"}},
			{"authors", "quill marrowby", anonymous, nil, []string{"the-long-night-of-the-election"}},
			{"tags", "fiscal", anonymous, nil, []string{"the-budget-debate"}},
			{"gated text hidden", "zanzibarite", anonymous, nil, nil},
			{"gated text hidden from the registered", "zanzibarite", magazine.ScopeOf(magazine.Viewer{Registered: true, MeterLeft: 5}), nil, nil},
			{"gated text for subscribers", "zanzibarite", subscriber, nil, []string{"inside-the-treasury"}},
			{"drafts hidden", "zephyr", subscriber, nil, nil},
			{"drafts for staff", "zephyr", staff, nil, []string{"unfinished-zephyr"}},
			{"section", "budget", anonymous, func(sf *store.SearchFilter) { sf.SectionID = f.culture.ID }, []string{"a-visit-from-viktor-orban"}},
			{"author", "budget", anonymous, func(sf *store.SearchFilter) { sf.AuthorID = f.cy.ID }, []string{"the-budget-debate"}},
			{"issue", "budget", anonymous, func(sf *store.SearchFilter) { sf.IssueID = issue.ID }, []string{"a-visit-from-viktor-orban"}},
			{"in print", "budget", anonymous, func(sf *store.SearchFilter) { sf.Print = "print" }, []string{"a-visit-from-viktor-orban"}},
			{"web only", "budget", anonymous, func(sf *store.SearchFilter) { sf.Print = "web" }, []string{"the-budget-debate", "inside-the-treasury"}},
			{"date range", "budget", anonymous, func(sf *store.SearchFilter) { sf.From, sf.To, sf.ByDate = hours(1), hours(30), true },
				[]string{"a-visit-from-viktor-orban", "inside-the-treasury"}},
			{"by date", "budget", anonymous, func(sf *store.SearchFilter) { sf.ByDate = true },
				[]string{"the-budget-debate", "a-visit-from-viktor-orban", "inside-the-treasury"}},
			{"page two", "budget", anonymous, func(sf *store.SearchFilter) { sf.ByDate, sf.PerPage, sf.Page = true, 1, 2 },
				[]string{"a-visit-from-viktor-orban"}},
			{"past the last page", "budget", anonymous, func(sf *store.SearchFilter) { sf.ByDate, sf.PerPage, sf.Page = true, 2, 9 },
				[]string{"inside-the-treasury"}},
			{"lone quote read as words", `"budget debate`, anonymous, nil, []string{"the-budget-debate"}},
			{"only operators", `- * ""`, anonymous, nil, nil},
			{"only exclusions read as words", "-orban", anonymous, nil, []string{"a-visit-from-viktor-orban"}},
			{"punctuation", `(budget) debate! [hours] & | :* ~`, anonymous, nil, []string{"the-budget-debate"}},
			{"fts syntax is words", `budget NEAR debate`, anonymous, nil, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				q, err := magazine.ParseSearch(tt.query)
				if err != nil {
					t.Fatal(err)
				}
				sf := store.SearchFilter{Query: q, Scope: tt.scope}
				if tt.edit != nil {
					tt.edit(&sf)
				}
				res, err := s.Search(ctx, sf)
				if err != nil {
					t.Fatalf("search %q: %v", tt.query, err)
				}
				var got []string
				for _, h := range res.Hits {
					got = append(got, h.Article.Slug)
				}
				if d := diff(tt.want, got); d != "" {
					t.Errorf("search %q:%s", tt.query, d)
				}
			})
		}

		t.Run("snippets", func(t *testing.T) {
			q, _ := magazine.ParseSearch("zanzibarite")
			res, err := s.Search(ctx, store.SearchFilter{Query: q, Scope: subscriber})
			if err != nil || len(res.Hits) != 1 {
				t.Fatalf("search: %v, %d hits", err, len(res.Hits))
			}
			var marked []string
			for _, p := range res.Hits[0].Snippet {
				if p.Match {
					marked = append(marked, p.Text)
				}
			}
			if d := diff([]string{"zanzibarite"}, marked); d != "" {
				t.Errorf("highlighted words:%s", d)
			}
			if res.Total != 1 || res.Pages != 1 || res.Page != 1 {
				t.Errorf("total %d, page %d of %d; want 1, 1 of 1", res.Total, res.Page, res.Pages)
			}
		})

		t.Run("kept in step with edits", func(t *testing.T) {
			a := f.article(t, "Quarterly Figures", nil)
			in := f.input("Quarterly Figures", func(in *magazine.ArticleInput) { in.BodyMarkdown = "Now about xylophones." })
			if _, err := s.UpdateArticle(ctx, a.ID, in); err != nil {
				t.Fatal(err)
			}
			for query, want := range map[string]int{"xylophones": 1, `"paragraph about quarterly"`: 0} {
				q, _ := magazine.ParseSearch(query)
				res, err := s.Search(ctx, store.SearchFilter{Query: q, Scope: anonymous})
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Hits) != want {
					t.Errorf("after the edit, %q finds %d articles, want %d", query, len(res.Hits), want)
				}
			}
		})
	})
}

func TestSearchImportAndReindex(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		var ins []magazine.ArticleInput
		for i := range 450 {
			word := "common"
			if i == 321 {
				word = "quetzal"
			}
			ins = append(ins, f.input("Imported "+strings.Repeat("x", i%7+1), func(in *magazine.ArticleInput) {
				in.Slug = "imported-" + time.Duration(i).String()
				in.PublishedAt = hours(i)
				in.BodyMarkdown = "A " + word + " paragraph."
			}))
		}
		if err := s.ImportArticles(ctx, ins, nil); err != nil {
			t.Fatal(err)
		}
		check := func(when string) {
			t.Helper()
			for query, want := range map[string]int{"quetzal": 1, "common": 449, "imported": 450} {
				q, _ := magazine.ParseSearch(query)
				res, err := s.Search(ctx, store.SearchFilter{Query: q, Scope: magazine.ScopeOf(magazine.Viewer{})})
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != min(want, store.SearchCap) || res.Capped != (want > store.SearchCap) {
					t.Errorf("%s: %q matches %d articles (capped %v), want %d", when, query, res.Total, res.Capped, want)
				}
			}
		}
		check("after the import")
		var calls int
		if err := s.ReindexSearch(ctx, func(done, total int) { calls++ }); err != nil {
			t.Fatal(err)
		}
		if calls == 0 {
			t.Error("reindex reported no progress")
		}
		check("after a reindex")
	})
}

// The newsroom's list finds articles, drafts included, by the words of
// their text as well as by their headline.
func TestNewsroomSearchesText(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		searchFixture(t, s)
		for query, want := range map[string][]string{
			"zephyr notes": {"unfinished-zephyr"}, // a draft, by its body
			"zanzibarite":  {"inside-the-treasury"},
			"Long Night":   {"the-long-night-of-the-election"},
			"50% off":      {},
		} {
			list, _, err := s.NewsroomArticles(context.Background(), store.NewsroomFilter{Query: query})
			if err != nil {
				t.Fatal(err)
			}
			if d := diff(want, slugs(list)); d != "" {
				t.Errorf("newsroom search %q:%s", query, d)
			}
		}
	})
}

// Renaming a writer or a tag renames them in the index too.
func TestSearchFollowsRenames(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f, _ := searchFixture(t, s)
		cy := f.cy
		cy.Name = "Cyrille Vantongeren"
		if _, err := s.UpdateAuthor(ctx, cy.ID, cy); err != nil {
			t.Fatal(err)
		}
		tags, err := s.TagsWithCounts(ctx)
		if err != nil || len(tags) == 0 {
			t.Fatalf("tags: %v", err)
		}
		if _, err := s.RenameTag(ctx, store.Actor{}, tags[0].ID, "Exchequer Matters"); err != nil {
			t.Fatal(err)
		}
		for query, want := range map[string]int{"vantongeren": 1, "ortega": 0, "exchequer": 1, "fiscal": 0} {
			q, _ := magazine.ParseSearch(query)
			res, err := s.Search(ctx, store.SearchFilter{Query: q, Scope: magazine.ScopeOf(magazine.Viewer{})})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != want {
				t.Errorf("after the renames, %q finds %d articles, want %d", query, res.Total, want)
			}
		}
	})
}
