package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// TestServePublishesWhatFellDue: an article scheduled for a time when the
// server was not running is on the site from serve's first request.
func TestServePublishesWhatFellDue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	if err := run(ctx, []string{"masthead", "migrate", "--data", data}, env(nil), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, store.Options{Database: filepath.Join(data, "masthead.db")})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM river_job").Scan(&n); err != nil {
		t.Errorf("migrate did not create River's tables: %v", err)
	}
	sec, err := st.CreateSection(ctx, magazine.Section{Name: "Politics"})
	if err != nil {
		t.Fatal(err)
	}
	author, err := st.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.CreateArticle(ctx, magazine.ArticleInput{
		Headline: "Published while the server slept", SectionID: sec.ID, AuthorIDs: []int64{author.ID},
		Status: magazine.StatusScheduled, PublishedAt: time.Now().Add(-time.Minute), BodyMarkdown: "News.",
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	base, _, stop := startServe(t, map[string]string{"MASTHEAD_DATA": data, "MASTHEAD_LOG_LEVEL": "warn"})
	if status, _ := get(t, base+"/articles/"+a.Slug); status != 200 {
		t.Errorf("the article that fell due while the server was stopped: %d, want 200", status)
	}
	if err := stop(); err != nil {
		t.Errorf("graceful stop with the job queue running: %v", err)
	}
}
