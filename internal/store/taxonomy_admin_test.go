package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestManageSections(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		empty := mustSection(t, s, magazine.Section{Name: "Science", Position: 3})
		f.article(t, "In politics", nil)

		if _, err := s.UpdateSection(ctx, empty.ID, magazine.Section{Name: "Science", Slug: f.politics.Slug}); err == nil {
			t.Fatal("a section took another's slug")
		} else {
			checkError(t, err, magazine.EINVALID, "slug")
		}
		if _, err := s.UpdateSection(ctx, empty.ID, magazine.Section{Name: " Science & Tech ", Description: "Labs."}); err != nil {
			t.Fatal(err)
		}
		if err := s.ReorderSections(ctx, []int64{empty.ID, f.culture.ID, f.politics.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.ReorderSections(ctx, []int64{empty.ID, empty.ID, f.politics.ID}); magazine.ErrorCode(err) != magazine.ECONFLICT {
			t.Errorf("reorder with a section twice: %v, want a conflict", err)
		}
		rows, err := s.SectionsWithCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[0].Slug != "science-tech" || rows[0].Description != "Labs." || rows[2].Articles != 1 {
			t.Errorf("sections after rename and reorder: %+v", rows)
		}

		err = s.DeleteSection(ctx, store.CommandLine(), f.politics.ID)
		if magazine.ErrorCode(err) != magazine.ECONFLICT || !strings.Contains(magazine.ErrorMessage(err), "still has 1 article") {
			t.Errorf("deleting a section with an article: %v, want refused with the count", err)
		}
		if err := s.DeleteSection(ctx, store.CommandLine(), empty.ID); err != nil {
			t.Fatal(err)
		}
		if rows, _ := s.SectionsWithCounts(ctx); len(rows) != 2 {
			t.Errorf("%d sections after deleting one of 3", len(rows))
		}
		if _, err := s.SectionByID(ctx, empty.ID); !magazine.IsNotFound(err) {
			t.Errorf("deleted section by id: %v, want not found", err)
		}
		if got, err := s.SectionByID(ctx, f.culture.ID); err != nil || got.Name != "Culture" {
			t.Errorf("SectionByID: %+v (%v)", got, err)
		}
	})
}

func TestManageTags(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		a := f.article(t, "Both tags", func(in *magazine.ArticleInput) { in.Tags = []string{"Climate", "Weather"} })
		b := f.article(t, "One tag", func(in *magazine.ArticleInput) { in.Tags = []string{"Weather"} })
		climate, _ := s.TagBySlug(ctx, "climate")
		weather, _ := s.TagBySlug(ctx, "weather")

		if _, err := s.RenameTag(ctx, store.CommandLine(), weather.ID, "CLIMATE"); err == nil {
			t.Fatal("renamed a tag onto another's slug")
		} else {
			checkError(t, err, magazine.EINVALID, "name")
		}
		if _, err := s.RenameTag(ctx, store.CommandLine(), weather.ID, "Weather & Climate"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TagBySlug(ctx, "weather-climate"); err != nil {
			t.Errorf("the renamed tag has no new slug: %v", err)
		}

		// Merging keeps one link per article, even for one that had both.
		if err := s.MergeTags(ctx, store.CommandLine(), weather.ID, climate.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{a.ID, b.ID} {
			got, _ := s.ArticleByID(ctx, id)
			if len(got.Tags) != 1 || got.Tags[0].ID != climate.ID {
				t.Errorf("article %d tags after the merge: %+v, want only Climate", id, got.Tags)
			}
		}
		rows, _ := s.TagsWithCounts(ctx)
		if len(rows) != 1 || rows[0].Articles != 2 {
			t.Errorf("tags after the merge: %+v", rows)
		}
		if err := s.DeleteTag(ctx, store.CommandLine(), climate.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ArticleByID(ctx, a.ID); len(got.Tags) != 0 {
			t.Errorf("a deleted tag is still on the article: %+v", got.Tags)
		}
		if err := s.DeleteTag(ctx, store.CommandLine(), climate.ID); !magazine.IsNotFound(err) {
			t.Errorf("deleting twice: %v", err)
		}
	})
}

func TestManageAuthors(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		if _, err := s.UpdateAuthor(ctx, f.bo.ID, magazine.Author{Name: "Bo", Slug: f.ada.Slug}); err == nil {
			t.Fatal("an author took another's slug")
		} else {
			checkError(t, err, magazine.EINVALID, "slug")
		}
		for _, photo := range []string{"javascript:alert(1)", "//evil.example/x.jpg", "data:image/png;base64,AAAA"} {
			_, err := s.UpdateAuthor(ctx, f.bo.ID, magazine.Author{Name: "Bo", PhotoURL: photo})
			checkError(t, err, magazine.EINVALID, "photo_url")
		}
		got, err := s.UpdateAuthor(ctx, f.bo.ID, magazine.Author{Name: " Bo Marsh-Lee ", Bio: "Writes.", PhotoURL: "/media/ab/bo.jpg"})
		if err != nil {
			t.Fatal(err)
		}
		byID, _ := s.AuthorByID(ctx, f.bo.ID)
		if d := diff(got, byID); d != "" || byID.Slug != "bo-marsh-lee" {
			t.Errorf("author after the edit:%s %+v", d, byID)
		}
		if _, err := s.AuthorByID(ctx, 9999); !magazine.IsNotFound(err) {
			t.Errorf("unknown author: %v", err)
		}
	})
}
