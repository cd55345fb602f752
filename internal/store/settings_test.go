package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestPublicationSettings(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		got, err := s.Publication(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(magazine.DefaultPublication(), got); d != "" {
			t.Errorf("a new database does not start with the defaults:%s", d)
		}

		want := magazine.Publication{Name: "The Northwind Review", Tagline: "Ideas, weekly", LogoURL: "/media/l/logo.svg",
			Locale: "en-GB", TimeZone: "Europe/London", PreviewParagraphs: 2}
		if err := s.SetPublication(ctx, want); err != nil {
			t.Fatal(err)
		}
		if got, err = s.Publication(ctx); err != nil {
			t.Fatal(err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("settings round trip:%s", d)
		}
		if got.Location().String() != "Europe/London" {
			t.Errorf("Location = %v", got.Location())
		}

		refusals := []struct {
			name  string
			edit  func(p *magazine.Publication)
			field string
		}{
			{"bad time zone", func(p *magazine.Publication) { p.TimeZone = "Mars/Olympus_Mons" }, "time_zone"},
			{"empty time zone", func(p *magazine.Publication) { p.TimeZone = "" }, "time_zone"},
			{"no name", func(p *magazine.Publication) { p.Name = " " }, "name"},
			{"preview too long", func(p *magazine.Publication) { p.PreviewParagraphs = 21 }, "preview_paragraphs"},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				p := want
				tt.edit(&p)
				checkError(t, s.SetPublication(ctx, p), magazine.EINVALID, tt.field)
				after, err := s.Publication(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if d := diff(want, after); d != "" {
					t.Errorf("refused settings were saved:%s", d)
				}
			})
		}

		// The preview length is used for articles saved afterwards.
		f := newFixture(t, s)
		a := f.article(t, "Short preview", func(in *magazine.ArticleInput) {
			in.BodyMarkdown = "One.\n\nTwo.\n\nThree."
		})
		if a.Description != "One. Two." {
			t.Errorf("preview with PreviewParagraphs=2 is %q, want the first two paragraphs", a.Description)
		}
	})
}

func TestContentVersion(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		// A clock that stands still (or a coarse one) must not hide a
		// change from page caches.
		frozen := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return frozen }

		var sec magazine.Section
		var au magazine.Author
		var article magazine.Article
		steps := []struct {
			name  string
			write func() error
		}{
			{"create section", func() (err error) {
				sec, err = s.CreateSection(ctx, magazine.Section{Name: "Politics"})
				return err
			}},
			{"create author", func() (err error) {
				au, err = s.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
				return err
			}},
			{"create issue", func() error {
				_, err := s.CreateIssue(ctx, magazine.IssueInput{Volume: 1, Number: 1, CoverDate: t0, Published: true})
				return err
			}},
			{"create article", func() (err error) {
				article, err = s.CreateArticle(ctx, magazine.ArticleInput{Headline: "First", SectionID: sec.ID, AuthorIDs: []int64{au.ID},
					Status: magazine.StatusPublished, PublishedAt: t0})
				return err
			}},
			{"update article", func() error {
				_, err := s.UpdateArticle(ctx, article.ID, magazine.ArticleInput{Headline: "First, corrected", SectionID: sec.ID,
					AuthorIDs: []int64{au.ID}, Status: magazine.StatusPublished, PublishedAt: t0})
				return err
			}},
			{"import articles", func() error {
				return s.ImportArticles(ctx, []magazine.ArticleInput{{Headline: "Imported", SectionID: sec.ID, AuthorIDs: []int64{au.ID}}}, nil)
			}},
			{"save settings", func() error {
				p := magazine.DefaultPublication()
				p.Name = "Renamed"
				return s.SetPublication(ctx, p)
			}},
		}
		prev, err := s.ContentVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range steps {
			if err := step.write(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			v, err := s.ContentVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if v <= prev {
				t.Errorf("after %s: content version %d, not above %d", step.name, v, prev)
			}
			if got := s.Version(); got != v {
				t.Errorf("after %s: this process sees version %d, the database holds %d", step.name, got, v)
			}
			prev = v
		}

		// A refused write is not a change.
		if _, err := s.CreateSection(ctx, magazine.Section{Name: "Politics"}); err == nil {
			t.Fatal("duplicate section accepted")
		}
		if v, _ := s.ContentVersion(ctx); v != prev {
			t.Errorf("a refused write moved the content version from %d to %d", prev, v)
		}
	})
}

func TestWatchVersionSeesOtherProcesses(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		writer, err := open(t, dsn, true)
		if err != nil {
			t.Fatal(err)
		}
		reader, err := open(t, dsn, false)
		if err != nil {
			t.Fatal(err)
		}
		go reader.WatchVersion(ctx, 10*time.Millisecond)
		mustSection(t, writer, magazine.Section{Name: "Politics"})
		want := writer.Version()
		deadline := time.Now().Add(5 * time.Second)
		for reader.Version() != want {
			if time.Now().After(deadline) {
				t.Fatalf("another process's store still sees version %d, want %d", reader.Version(), want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

func TestRecordMedia(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m := store.Media{Key: "ab/abcdef.jpg", Name: "harbour.jpg", ContentType: "image/jpeg", Size: 123456, Width: 1600, Height: 900}
		first, err := s.RecordMedia(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		if first.ID == 0 {
			t.Fatal("RecordMedia returned no id")
		}
		// The same bytes uploaded again, under another name.
		again := m
		again.Name = "harbour-copy.jpg"
		second, err := s.RecordMedia(ctx, again)
		if err != nil {
			t.Fatalf("recording the same key twice: %v", err)
		}
		if second.ID != first.ID {
			t.Errorf("same key got id %d then %d, want the same", first.ID, second.ID)
		}
		other, err := s.RecordMedia(ctx, store.Media{Key: "cd/cdef01.png", ContentType: "image/png", Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		if other.ID == first.ID {
			t.Errorf("different keys share id %d", other.ID)
		}

		got, err := s.MediaByKey(ctx, m.Key)
		if err != nil {
			t.Fatal(err)
		}
		m.ID = first.ID
		if d := diff(m, got); d != "" {
			t.Errorf("MediaByKey: the first description is kept:%s", d)
		}
		if _, err := s.MediaByKey(ctx, "zz/missing.jpg"); !magazine.IsNotFound(err) {
			t.Errorf("MediaByKey of a missing file: error %v, want not found", err)
		}
	})
}
