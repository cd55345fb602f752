package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// benchStore is a magazine of 3,000 articles in three sections with ten
// tags, enough for the queries' plans to matter, with bodies of a real
// article's length.
func benchStore(b *testing.B) (*store.Store, magazine.Article, magazine.Section) {
	ctx := context.Background()
	s := storetest.SQLite(b)
	var sections []magazine.Section
	for _, name := range []string{"Politics", "Finance", "Culture"} {
		sec, err := s.CreateSection(ctx, magazine.Section{Name: name})
		if err != nil {
			b.Fatal(err)
		}
		sections = append(sections, sec)
	}
	au, err := s.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
	if err != nil {
		b.Fatal(err)
	}
	// A body of some 1,400 words, as the demo's: its row spills onto
	// overflow pages, as real articles' rows do.
	body := strings.Repeat("A paragraph of the magazine that runs on for a while, as they do, with words enough to fill a column of print and then some more. ", 50) +
		"\n\n::pagebreak\n\n" + strings.Repeat("Page two says more of the same, at the same length, with different words. ", 60)
	var ins []magazine.ArticleInput
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 3000 {
		ins = append(ins, magazine.ArticleInput{
			Headline: fmt.Sprintf("Article number %d", i), SectionID: sections[i%3].ID, AuthorIDs: []int64{au.ID},
			Tags: []string{fmt.Sprintf("tag %d", i%10)}, Status: magazine.StatusPublished, PublishedAt: start.Add(time.Duration(i) * time.Hour),
			BodyMarkdown: body,
		})
	}
	if err := s.ImportArticles(ctx, ins, nil); err != nil {
		b.Fatal(err)
	}
	a, err := s.ArticleBySlug(ctx, "article-number-1500")
	if err != nil {
		b.Fatal(err)
	}
	return s, a, sections[0]
}

func BenchmarkArticleBySlug(b *testing.B) {
	s, a, _ := benchStore(b)
	for b.Loop() {
		if _, err := s.ArticleBySlug(context.Background(), a.Slug); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSectionPage50(b *testing.B) {
	s, _, sec := benchStore(b)
	for b.Loop() {
		list, _, err := s.Articles(context.Background(), store.ArticleFilter{SectionID: sec.ID, Offset: 49 * 20, Limit: 20})
		if err != nil || len(list) != 20 {
			b.Fatal(len(list), err)
		}
	}
}

func BenchmarkRelatedArticles(b *testing.B) {
	s, a, _ := benchStore(b)
	for b.Loop() {
		if _, err := s.RelatedArticles(context.Background(), a, 3); err != nil {
			b.Fatal(err)
		}
	}
}
