package demo_test

import (
	"context"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// now is a Friday afternoon in New York, five days after an issue.
var now = time.Date(2026, 3, 20, 16, 0, 0, 0, time.UTC)

func seed(t testing.TB, opts demo.Options) (*store.Store, media.Storage, demo.Summary) {
	t.Helper()
	st := storetest.SQLite(t)
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sum, err := demo.Seed(context.Background(), st, files, opts)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	return st, files, sum
}

// allArticles reads every published article, newest first, with its body.
func allArticles(t *testing.T, st *store.Store) []magazine.Article {
	t.Helper()
	ctx := context.Background()
	var out []magazine.Article
	f := store.ArticleFilter{Limit: store.MaxListLimit}
	for {
		list, more, err := st.Articles(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			full, err := st.ArticleByID(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, full)
		}
		if !more {
			return out
		}
		c := store.CursorOf(list[len(list)-1])
		f.Before = &c
	}
}

func TestSeedDefaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, files, sum := seed(t, demo.Options{Now: now})
	want := demo.Summary{Sections: 6, Authors: 15, Issues: 48, Articles: 48*25 + 200, Images: 40 + 48 + 15}
	if sum != want {
		t.Errorf("summary = %+v, want %+v", sum, want)
	}

	pub, err := st.Publication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Name == magazine.DefaultPublication().Name || pub.Locale != "en-US" || pub.PreviewParagraphs != 3 {
		t.Errorf("publication = %+v", pub)
	}

	sections, err := st.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, s := range sections {
		slugs = append(slugs, s.Slug)
		if s.Description == "" {
			t.Errorf("section %s has no description", s.Slug)
		}
	}
	if got := strings.Join(slugs, " "); got != "politics finance foreign-affairs environment culture technology" {
		t.Errorf("sections = %s", got)
	}

	authors, err := st.Authors(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(authors) != 15 {
		t.Errorf("%d authors, want 15", len(authors))
	}
	for _, a := range authors {
		if a.Bio == "" {
			t.Errorf("%s has no bio", a.Name)
		}
		key := strings.TrimPrefix(a.PhotoURL, "/media/")
		f, err := files.Open(ctx, key)
		if err != nil {
			t.Errorf("photo of %s (%q): %v", a.Name, a.PhotoURL, err)
			continue
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() < 100 {
			t.Errorf("photo of %s does not decode as a portrait: %v", a.Name, err)
		}
	}

	issues, _, err := st.Issues(ctx, store.IssueFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 48 {
		t.Fatalf("%d issues, want 48", len(issues))
	}
	cur := issues[0]
	if cur.CoverDate.Format("2006-01-02") != "2026-03-15" || cur.Number != 6 || cur.Title == "" || cur.CoverURL == "" {
		t.Errorf("current issue = %+v, want No. 6 of 2026-03-15 with a title and a cover", cur)
	}
	if last := issues[47]; last.CoverDate.Format("2006-01-02") != "2024-04-01" || last.Number != 7 || last.Volume != cur.Volume-2 {
		t.Errorf("oldest issue = %+v, want No. 7 of 2024-04-01, two volumes back", last)
	}
	covers := map[string]bool{}
	for _, is := range issues {
		covers[is.CoverURL] = true
	}
	if len(covers) != 48 {
		t.Errorf("%d different covers for 48 issues", len(covers))
	}
	toc, err := st.IssueArticles(ctx, cur.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(toc) != 25 || toc[0].Headline != cur.Title || toc[0].IssuePosition != 1 {
		t.Errorf("current issue has %d articles, the first %q, want 25 led by the cover story %q", len(toc), toc[0].Headline, cur.Title)
	}

	articles := allArticles(t, st)
	if len(articles) != 1400 {
		t.Fatalf("%d articles, want 1400", len(articles))
	}
	var subscribers, registered, multiPage, credits, paywalls, featured, webOnly int
	for _, a := range articles {
		switch a.Visibility {
		case magazine.VisibilitySubscribers:
			subscribers++
		case magazine.VisibilityRegistered:
			registered++
		}
		if len(a.Pages) > 1 {
			multiPage++
		}
		if strings.Contains(strings.Join(a.Pages, ""), `class="credit"`) {
			credits++
		}
		if before, _, ok := strings.Cut(a.BodyMarkdown, "\n::paywall\n"); ok {
			paywalls++
			if n := paragraphs(before); a.Visibility != magazine.VisibilitySubscribers || n < 2 || n > 5 {
				t.Errorf("%s: paywall marker in a %s article after %d paragraphs", a.Slug, a.Visibility, n)
			}
		}
		if a.FeaturedURL != "" && a.FeaturedAlt != "" {
			featured++
		}
		if a.IssueID == 0 {
			webOnly++
		}
		if a.PublishedAt.After(now) || a.Headline == "" || a.Dek == "" || len(a.Authors) == 0 || len(a.Tags) < 2 {
			t.Errorf("%s: published %v, headline %q, dek %q, %d authors, %d tags", a.Slug, a.PublishedAt, a.Headline, a.Dek, len(a.Authors), len(a.Tags))
		}
	}
	if share := float64(subscribers) / 1400; share < 0.25 || share > 0.40 {
		t.Errorf("%.0f%% subscriber-only articles, want between 25%% and 40%%", share*100)
	}
	if registered == 0 {
		t.Error("no article for registered readers")
	}
	if multiPage < 5 {
		t.Errorf("%d articles with more than one page, want at least 5", multiPage)
	}
	if credits < 100 {
		t.Errorf("%d articles with a credited figure, want many", credits)
	}
	if paywalls < 50 {
		t.Errorf("%d articles with a paywall marker, want some", paywalls)
	}
	if featured < 1000 {
		t.Errorf("%d articles with a featured image, want most", featured)
	}
	if webOnly != 200 {
		t.Errorf("%d web-only articles, want 200", webOnly)
	}
}

// paragraphs counts the paragraphs of prose in Markdown: blocks that are
// not figures, pull quotes, block quotes or subheads.
func paragraphs(md string) int {
	n := 0
	for _, block := range strings.Split(md, "\n\n") {
		if block != "" && !strings.HasPrefix(block, ":::") && !strings.HasPrefix(block, ">") && !strings.HasPrefix(block, "#") {
			n++
		}
	}
	return n
}

type sample struct{ slug, headline, body string }

// samples returns every article's slug, headline and body, by slug: when
// the store works on two chunks at once, ids may come in another order.
func samples(t *testing.T, st *store.Store) []sample {
	var out []sample
	for _, a := range allArticles(t, st) {
		out = append(out, sample{a.Slug, a.Headline, a.BodyMarkdown})
	}
	slices.SortFunc(out, func(a, b sample) int { return strings.Compare(a.slug, b.slug) })
	return out
}

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	// Enough web-only pieces for several import chunks.
	opts := demo.Options{Now: now, Issues: 3, PerIssue: 12, WebOnly: 2100, Authors: 6}
	st1, _, _ := seed(t, opts)
	st2, _, _ := seed(t, opts)
	a, b := samples(t, st1), samples(t, st2)
	if len(a) != 2136 || len(b) != 2136 {
		t.Fatalf("%d and %d articles, want 2136", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("article %d differs between two seeds with the same options:\n%+v\n%+v", i, a[i], b[i])
		}
	}

	opts.Seed = 2
	st3, _, _ := seed(t, opts)
	bodies := map[string]bool{}
	for _, x := range a {
		bodies[x.body] = true
	}
	same := 0
	for _, x := range samples(t, st3) {
		if bodies[x.body] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d articles are the same with another seed", same)
	}
}

func TestSeedRefusesADatabaseWithContent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateSection(ctx, magazine.Section{Name: "Letters"}); err != nil {
		t.Fatal(err)
	}
	_, err = demo.Seed(ctx, st, files, demo.Options{Now: now})
	if magazine.ErrorCode(err) != magazine.EINVALID || !strings.Contains(magazine.ErrorMessage(err), "empty database") {
		t.Fatalf("Seed on a database with a section: %v, want an EINVALID error asking for an empty database", err)
	}
	sections, _ := st.Sections(ctx)
	authors, _ := st.Authors(ctx)
	pub, _ := st.Publication(ctx)
	if len(sections) != 1 || len(authors) != 0 || pub != magazine.DefaultPublication() {
		t.Errorf("after a refused Seed: %d sections, %d authors, publication %+v", len(sections), len(authors), pub)
	}
}

func TestNewestIssueFollowsThePublicationTimeZone(t *testing.T) {
	t.Parallel()
	// Half past midnight on March 1st in UTC is still February 28th in
	// New York, so the newest issue is February 15th's.
	st, _, _ := seed(t, demo.Options{Now: time.Date(2026, 3, 1, 0, 30, 0, 0, time.UTC), Issues: 2, PerIssue: 2, WebOnly: 3, Authors: 2})
	cur, err := st.CurrentIssue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := cur.CoverDate.Format("2006-01-02"); got != "2026-02-15" || cur.Number != 4 {
		t.Errorf("current issue %s No. %d, want 2026-02-15 No. 4", got, cur.Number)
	}
}

func TestLarge(t *testing.T) {
	for _, total := range []int{1, 39, 100, 15_000, 150_000, 1_000_000} {
		t.Run(fmt.Sprint(total), func(t *testing.T) {
			o := demo.Large(total)
			if got := o.Issues*o.PerIssue + max(0, o.WebOnly); got != total {
				t.Errorf("Large(%d) makes %d articles (%+v)", total, got, o)
			}
		})
	}
	if o := demo.Large(150_000); o.Issues != 720 || o.PerIssue != 40 || o.WebOnly != 121_200 || o.Authors != 200 {
		t.Errorf("Large(150000) = %+v", o)
	}
}

func BenchmarkSeedLarge(b *testing.B) {
	opts := demo.Large(15_000)
	opts.Now = now
	for b.Loop() {
		b.StopTimer()
		st := storetest.SQLite(b)
		files, err := media.NewDisk(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := demo.Seed(context.Background(), st, files, opts); err != nil {
			b.Fatal(err)
		}
	}
}
