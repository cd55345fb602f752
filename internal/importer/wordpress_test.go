package importer

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func parseWordPressFile(t *testing.T, name string, opts WordPressOptions) Export {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := ParseWordPress(f, opts)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return e
}

func images(t *testing.T, st *store.Store, uploads string) *Images {
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &Images{Store: st, Ingester: media.NewIngester(files, media.Limits{}), Uploads: uploads}
}

// The fixture imports with its dates, authors, sections, tags, figures,
// page breaks, paywall marker, featured image and redirects; a second run
// changes nothing.
func TestWordPressImport(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := parseWordPressFile(t, "testdata/wordpress.xml", WordPressOptions{MoreAsPaywall: true})
		rep, err := Run(ctx, st, e, Options{Images: images(t, st, "testdata/wordpress-uploads"), Actor: store.CommandLine()})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Posts != (Counts{Created: 3}) || rep.Sections != (Counts{Created: 2}) || rep.Authors != (Counts{Created: 2}) || rep.Redirects != 2 {
			t.Errorf("report: %+v", rep)
		}
		if rep.ImagesMissing != 0 || rep.Images != 0 {
			t.Errorf("images: %d stored besides the posts', %d missing: %v", rep.Images, rep.ImagesMissing, rep.Warnings)
		}
		a, err := st.ArticleBySlug(ctx, "harbour-board-votes")
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2023, 10, 23, 14, 5, 0, 0, time.UTC); !a.PublishedAt.Equal(want) {
			t.Errorf("published at %v, want %v", a.PublishedAt, want)
		}
		if a.Section.Slug != "politics" || len(a.Authors) != 1 || a.Authors[0].Name != "Mara Quist" || a.Dek != "After four hours of argument, the board said yes." {
			t.Errorf("section %q, authors %+v, dek %q", a.Section.Slug, a.Authors, a.Dek)
		}
		if len(a.Tags) != 2 || a.Tags[0].Name != "County council" || a.Tags[1].Name != "Harbour" {
			t.Errorf("tags %+v", a.Tags)
		}
		if len(a.Pages) != 3 || !strings.Contains(a.Pages[1], "What happens next") || !strings.Contains(a.Pages[2], "We cannot wait another winter.") {
			t.Errorf("%d pages: %q", len(a.Pages), a.Pages)
		}
		if !strings.Contains(a.BodyMarkdown, "::: figure\n![Fishing boats tied up at the north quay](/media/") ||
			!strings.Contains(a.BodyMarkdown, "Boats wait out the storm at the north quay.\nCredit: Northwind Wire\n:::") {
			t.Errorf("figure:\n%s", a.BodyMarkdown)
		}
		if !strings.Contains(a.Pages[0], `<span class="credit">Northwind Wire</span>`) || !strings.Contains(a.Pages[0], "<em>twice</em>") {
			t.Errorf("page 1 HTML: %s", a.Pages[0])
		}
		if !strings.Contains(a.BodyMarkdown, "\n::paywall\n") || strings.Contains(a.PreviewHTML, "shared with the county") || !strings.Contains(a.PreviewHTML, "twice") {
			t.Errorf("paywall: preview %q\n%s", a.PreviewHTML, a.BodyMarkdown)
		}
		if !strings.HasPrefix(a.FeaturedURL, "/media/") || a.FeaturedAlt != "The harbour mouth from the lighthouse" || strings.Contains(a.BodyMarkdown, a.FeaturedURL) {
			t.Errorf("featured %q %q", a.FeaturedURL, a.FeaturedAlt)
		}
		oyster, err := st.ArticleBySlug(ctx, "oyster-beds")
		if err != nil {
			t.Fatal(err)
		}
		if oyster.Section.Name != "Environment" || oyster.Authors[0].Name != "Tobin Achterberg" ||
			!strings.Contains(oyster.BodyMarkdown, "The estuary at low tide.\nCredit: Tobin Achterberg") || strings.Contains(oyster.BodyMarkdown, "wp:paragraph") {
			t.Errorf("oyster beds: %q %+v\n%s", oyster.Section.Name, oyster.Authors, oyster.BodyMarkdown)
		}
		for path, slug := range map[string]string{"/2023/10/23/harbour-board-votes/": "harbour-board-votes", "/2022/05/03/oyster-beds": "oyster-beds"} {
			if got, err := st.Redirect(ctx, path); got != slug || err != nil {
				t.Errorf("redirect %s = %q, %v; want %q", path, got, err, slug)
			}
		}
		if _, err := st.Redirect(ctx, "/2023/10/23/no-such-post/"); !magazine.IsNotFound(err) {
			t.Errorf("unknown path: %v", err)
		}
		draft, _, err := st.NewsroomArticles(ctx, store.NewsroomFilter{Limit: 10, Status: magazine.StatusDraft})
		if err != nil || len(draft) != 1 || draft[0].Headline != "Ferry timetable: a draft" || draft[0].Slug != "ferry-timetable-a-draft" {
			t.Errorf("drafts: %+v, %v", draft, err)
		}

		// Again: nothing changes, not even the content version.
		before, _ := st.ContentVersion(ctx)
		rep, err = Run(ctx, st, parseWordPressFile(t, "testdata/wordpress.xml", WordPressOptions{MoreAsPaywall: true}),
			Options{Images: images(t, st, "testdata/wordpress-uploads"), Actor: store.CommandLine()})
		if err != nil {
			t.Fatal(err)
		}
		after, _ := st.ContentVersion(ctx)
		if rep.Posts != (Counts{Unchanged: 3}) || rep.Sections != (Counts{Unchanged: 2}) || rep.Authors != (Counts{Unchanged: 2}) || after != before {
			t.Errorf("second run: %+v, version %d → %d", rep, before, after)
		}
		// A post changed at the source is updated in place.
		e = parseWordPressFile(t, "testdata/wordpress.xml", WordPressOptions{MoreAsPaywall: true})
		e.Posts[1].Title = "Oyster beds return to the estuary, divers say"
		rep, err = Run(ctx, st, e, Options{Images: images(t, st, "testdata/wordpress-uploads"), Actor: store.CommandLine()})
		if err != nil || rep.Posts != (Counts{Updated: 1, Unchanged: 2}) {
			t.Fatalf("changed run: %+v, %v", rep, err)
		}
		if a, _ := st.ArticleBySlug(ctx, "oyster-beds"); a.Headline != "Oyster beds return to the estuary, divers say" || a.ID != oyster.ID {
			t.Errorf("after the change: %d %q", a.ID, a.Headline)
		}
		list, _, _ := st.NewsroomArticles(ctx, store.NewsroomFilter{Limit: 100})
		if len(list) != 3 {
			t.Errorf("%d articles after three runs, want 3", len(list))
		}
	})
}
