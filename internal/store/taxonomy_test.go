package store_test

import (
	"context"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestSections(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// Created out of display order; one slug given, the others made
		// from the name.
		culture := mustSection(t, s, magazine.Section{Name: "  Culture ", Position: 3, Description: "Books, film, art"})
		world := mustSection(t, s, magazine.Section{Name: "Foreign Affairs", Slug: "world", Position: 1})
		money := mustSection(t, s, magazine.Section{Name: "Économie & Finance", Position: 2})

		if money.Slug != "economie-finance" || culture.Name != "Culture" {
			t.Errorf("slug %q, name %q: want economie-finance, Culture", money.Slug, culture.Name)
		}
		got, err := s.Sections(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff([]magazine.Section{world, money, culture}, got); d != "" {
			t.Errorf("Sections not in display order:%s", d)
		}
		bySlug, err := s.SectionBySlug(ctx, "culture")
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(culture, bySlug); d != "" {
			t.Errorf("SectionBySlug:%s", d)
		}
		if _, err := s.SectionBySlug(ctx, "sport"); !magazine.IsNotFound(err) {
			t.Errorf("unknown section: error %v, want not found", err)
		}

		refusals := []struct {
			name  string
			in    magazine.Section
			field string
		}{
			{"duplicate slug", magazine.Section{Name: "World", Slug: "world"}, "slug"},
			{"duplicate slug from name", magazine.Section{Name: "Culture"}, "slug"},
			{"empty name", magazine.Section{Name: "   "}, "name"},
			{"bad slug", magazine.Section{Name: "Sport", Slug: "Sport News"}, "slug"},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.CreateSection(ctx, tt.in)
				checkError(t, err, magazine.EINVALID, tt.field)
			})
		}
		after, err := s.Sections(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != 3 {
			t.Errorf("%d sections after refusals, want 3", len(after))
		}
	})
}

func TestAuthors(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		zoe := mustAuthor(t, s, magazine.Author{Name: "Zoë Lind", Bio: "Berlin correspondent", PhotoURL: "/media/zl.jpg"})
		ada := mustAuthor(t, s, magazine.Author{Name: "Ada Quill"})
		mo := mustAuthor(t, s, magazine.Author{Name: "Mo Reyes", Slug: "mreyes"})
		if zoe.Slug != "zoe-lind" {
			t.Errorf("slug %q, want zoe-lind", zoe.Slug)
		}

		got, err := s.Authors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff([]magazine.Author{ada, mo, zoe}, got); d != "" {
			t.Errorf("Authors not by name:%s", d)
		}
		bySlug, err := s.AuthorBySlug(ctx, "zoe-lind")
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(zoe, bySlug); d != "" {
			t.Errorf("AuthorBySlug:%s", d)
		}
		if _, err := s.AuthorBySlug(ctx, "nobody"); !magazine.IsNotFound(err) {
			t.Errorf("unknown author: error %v, want not found", err)
		}

		_, err = s.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
		checkError(t, err, magazine.EINVALID, "slug")
		_, err = s.CreateAuthor(ctx, magazine.Author{Name: "Someone", Slug: "mreyes"})
		checkError(t, err, magazine.EINVALID, "slug")
		_, err = s.CreateAuthor(ctx, magazine.Author{Name: ""})
		checkError(t, err, magazine.EINVALID, "name")
		if after, _ := s.Authors(ctx); len(after) != 3 {
			t.Errorf("%d authors after refusals, want 3", len(after))
		}
	})
}
