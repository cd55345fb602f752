package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestFigureGetsSrcset: a figure of an uploaded image is rendered with its
// size and its smaller copies, so browsers reserve its space and fetch
// the width they need.
func TestFigureGetsSrcset(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		orig := "ab/" + strings.Repeat("a", 64) + ".jpg"
		small := "cd/" + strings.Repeat("c", 64) + ".jpg"
		if _, err := s.RecordImage(ctx, store.Media{Key: orig, ContentType: "image/jpeg", Size: 9000, Width: 1200, Height: 800},
			[]store.Media{{Key: small, ContentType: "image/jpeg", Size: 3000, Width: 480, Height: 320}}); err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, s)
		a := f.article(t, "A figure", func(in *magazine.ArticleInput) {
			in.BodyMarkdown = "::: figure\n![Boats](/media/" + orig + ")\nBoats.\nCredit: Wire\n:::\n\n::: figure\n![Elsewhere](https://example.com/x.jpg)\n:::"
		})
		want := `<img src="/media/` + orig + `" alt="Boats" loading="lazy" width="1200" height="800" srcset="/media/` + small + ` 480w, /media/` + orig + ` 1200w" sizes="(min-width: 48rem) 40rem, 100vw">`
		if !strings.Contains(a.Pages[0], want) {
			t.Errorf("figure rendered as\n%s\nwant\n%s", a.Pages[0], want)
		}
		if !strings.Contains(a.Pages[0], `<img src="https://example.com/x.jpg" alt="Elsewhere" loading="lazy">`) {
			t.Errorf("an outside image changed: %s", a.Pages[0])
		}
	})
}
