package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// TestAudioBackfill: the backfill narrates every published article that
// has none, skipping what an earlier (killed) run finished, and says when
// there is nothing left.
func TestAudioBackfill(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"espeak-ng", "ffmpeg"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed", tool)
			}
			t.Skip(err)
		}
	}
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, store.Options{Database: filepath.Join(dir, "masthead.db"), Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	pub := magazine.DefaultPublication()
	pub.AudioEngine = audio.EngineEspeak
	if err := st.SetPublication(ctx, pub); err != nil {
		t.Fatal(err)
	}
	sec, _ := st.CreateSection(ctx, magazine.Section{Name: "Politics"})
	au, _ := st.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
	var ids []int64
	for i, h := range []string{"One", "Two", "Three"} {
		a, err := st.CreateArticle(ctx, magazine.ArticleInput{Headline: h, SectionID: sec.ID, AuthorIDs: []int64{au.ID}, Status: magazine.StatusPublished,
			PublishedAt: time.Date(2020, 1, 1+i, 0, 0, 0, 0, time.UTC), BodyMarkdown: "Paragraph " + h + "."})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	// An earlier run, killed after its first article.
	files, _ := media.NewDisk(filepath.Join(dir, "media"))
	if _, err := (&audio.Narrator{Store: st, Files: files}).Render(ctx, ids[2]); err != nil {
		t.Fatal(err)
	}
	st.Close()

	var out bytes.Buffer
	if err := run(ctx, []string{"masthead", "audio", "backfill", "--data", dir}, env(nil), &out, &out); err != nil {
		t.Fatal(err, out.String())
	}
	if !strings.Contains(out.String(), "Narrating 2 articles") || !strings.Contains(out.String(), "2/2 articles") || !strings.Contains(out.String(), "Done: 2 narrated, 0 failed") {
		t.Errorf("backfill said:\n%s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"masthead", "audio", "backfill", "--data", dir, "--since", "2020-01-02"}, env(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Every article is narrated.") {
		t.Errorf("second run said:\n%s", out.String())
	}
	if err := run(ctx, []string{"masthead", "audio", "backfill", "--data", dir, "--since", "yesterday"}, env(nil), &out, &out); err == nil {
		t.Error("a bad --since was accepted")
	}
}

func TestDoctor(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"masthead", "doctor"}, env(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ffmpeg", "festival", "espeak-ng"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("doctor does not list %s:\n%s", want, out.String())
		}
	}
}
