package edition_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// demoBuilder seeds a small demo magazine and returns a builder for it.
func demoBuilder(t testing.TB, issues, perIssue int) (*edition.Builder, *store.Store) {
	t.Helper()
	ctx := context.Background()
	st := storetest.SQLite(t)
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	opts := demo.Options{Seed: 3, Issues: issues, PerIssue: perIssue, WebOnly: 2, Authors: 4, Now: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := demo.Seed(ctx, st, files, opts); err != nil {
		t.Fatal(err)
	}
	return &edition.Builder{Store: st, Files: files, BaseURL: "https://mag.example"}, st
}

// epubcheck runs the W3C checker on file; it is skipped when java or
// epubcheck is missing, except under CI=true, where that is a failure.
func epubcheck(t *testing.T, file string) {
	t.Helper()
	const jar = "/usr/share/java/epubcheck.jar"
	java, err := exec.LookPath("java")
	if _, jerr := os.Stat(jar); err != nil || jerr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("epubcheck is not installed (apt-get install epubcheck): java %v, %s %v", err, jar, jerr)
		}
		t.Skip("epubcheck is not installed (apt-get install epubcheck)")
	}
	out, err := exec.Command(java, "-jar", jar, file).CombinedOutput()
	text := string(out)
	if err != nil || !strings.Contains(text, "No errors or warnings detected") {
		t.Fatalf("epubcheck %s (%v):\n%s", filepath.Base(file), err, text)
	}
}

func TestEPUBPassesEpubcheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, st := demoBuilder(t, 2, 5)
	issues, _, err := st.Issues(ctx, store.IssueFilter{})
	if err != nil || len(issues) != 2 {
		t.Fatalf("demo issues: %d, %v", len(issues), err)
	}
	if _, err := b.BuildStale(ctx); err != nil {
		t.Fatal(err)
	}
	for _, is := range issues {
		eds, err := st.Editions(ctx, is.ID)
		if err != nil {
			t.Fatal(err)
		}
		e := eds[store.FormatEPUB]
		if !e.Ready() || e.Error != "" {
			t.Fatalf("%s: no EPUB built: %+v", is.Label(), e)
		}
		f, err := b.Files.Open(ctx, e.Key)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "issue.epub")
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil || int64(len(data)) != e.Size {
			t.Fatalf("read the EPUB: %d bytes of %d, %v", len(data), e.Size, err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		epubcheck(t, path)
	}
}

// TestRebuildIsDebounced: a change to a built issue is rebuilt once its
// content has been quiet for Quiet, not while an editor is still at it.
func TestRebuildIsDebounced(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, st := demoBuilder(t, 1, 2)
	if n, err := b.BuildStale(ctx); err != nil || n != 1 {
		t.Fatalf("first build: %d, %v", n, err)
	}
	is, err := st.CurrentIssue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	changed := time.Now().Add(time.Hour).Truncate(time.Second)
	st.Now = func() time.Time { return changed }
	if err := st.SetIssueCover(ctx, is.ID, is.CoverURL); err != nil {
		t.Fatal(err)
	}
	b.Now = func() time.Time { return changed.Add(10 * time.Second) }
	if n, _ := b.BuildStale(ctx); n != 0 {
		t.Errorf("rebuilt %d editions 10 s after a change, want none before the content is quiet", n)
	}
	b.Now = func() time.Time { return changed.Add(edition.DefaultQuiet + time.Second) }
	if n, _ := b.BuildStale(ctx); n != 1 {
		t.Errorf("rebuilt %d editions once the content was quiet, want 1", n)
	}
	if n, _ := b.BuildStale(ctx); n != 0 {
		t.Errorf("rebuilt %d editions with nothing changed, want none", n)
	}
}
