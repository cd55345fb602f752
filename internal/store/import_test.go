package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// An import writes every article with its authors in order and its tags,
// in batches; a batch with a bad article writes nothing and names it.
func TestImportArticles(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		var ins []magazine.ArticleInput
		for i := range 450 {
			ins = append(ins, f.input(fmt.Sprintf("Imported story %d", i), func(in *magazine.ArticleInput) {
				in.PublishedAt = t0.Add(time.Duration(i) * time.Minute)
				in.AuthorIDs = []int64{f.cy.ID, f.ada.ID}
				in.Tags = []string{"Harbour", fmt.Sprintf("Batch %d", i%3)}
			}))
		}
		done := 0
		if err := s.ImportArticles(ctx, ins, func(n int) { done = n }); err != nil {
			t.Fatal(err)
		}
		if done != 450 {
			t.Errorf("progress ended at %d", done)
		}
		a, err := s.ArticleBySlug(ctx, "imported-story-321")
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Authors) != 2 || a.Authors[0].ID != f.cy.ID || a.Authors[1].ID != f.ada.ID || len(a.Tags) != 2 ||
			!strings.Contains(a.Pages[0], "A paragraph about Imported story 321.") {
			t.Errorf("imported article = %+v", a)
		}
		list, _, err := s.Articles(ctx, store.ArticleFilter{Limit: 100})
		if err != nil || len(list) != 100 {
			t.Fatalf("list: %d, %v", len(list), err)
		}

		for name, bad := range map[string]struct {
			in    magazine.ArticleInput
			field string
		}{
			"slug taken":      {f.input("Imported story 7", nil), "slug"},
			"missing section": {f.input("Nowhere", func(in *magazine.ArticleInput) { in.SectionID = 99999 }), "section"},
			"missing author":  {f.input("Nobody", func(in *magazine.ArticleInput) { in.AuthorIDs = []int64{99999} }), "authors"},
		} {
			batch := []magazine.ArticleInput{f.input("Fine before "+name, nil), bad.in, f.input("Fine after "+name, nil)}
			err := s.ImportArticles(ctx, batch, nil)
			var me *magazine.Error
			if !errors.As(err, &me) || me.Field != bad.field || !strings.Contains(err.Error(), magazine.Slugify(bad.in.Headline)) {
				t.Errorf("%s: %v, want an error on %s naming the article", name, err, bad.field)
			}
			if _, err := s.ArticleBySlug(ctx, magazine.Slugify("Fine before "+name)); !magazine.IsNotFound(err) {
				t.Errorf("%s: the rest of the failed batch was written", name)
			}
		}
	})
}
