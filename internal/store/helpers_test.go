package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// t0 is the base publish time of the articles the tests create; Unix
// seconds, because that is what the store keeps.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// hours returns t0 plus h hours.
func hours(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }

// eachDatabase runs fn as parallel subtests with the address of an empty,
// unmigrated database: an SQLite file that does not exist yet, and a new
// PostgreSQL database. It is storetest.Run for tests that open the store
// themselves.
func eachDatabase(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, filepath.Join(t.TempDir(), "masthead.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, emptyPostgres(t))
	})
}

// emptyPostgres creates a database with no tables and returns its URL; the
// database is dropped when the test ends.
func emptyPostgres(t *testing.T) string {
	t.Helper()
	base := storetest.PostgresURL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("MASTHEAD_TEST_POSTGRES_URL: %v", err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "masthead_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u.Path = "/" + name
	return u.String()
}

// open opens dsn and closes the store when the test ends.
func open(t *testing.T, dsn string, migrate bool) (*store.Store, error) {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{Database: dsn, Migrate: migrate})
	if err == nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, err
}

// fixture is a magazine with two sections and three authors, enough for
// most article tests.
type fixture struct {
	s        *store.Store
	politics magazine.Section
	culture  magazine.Section
	ada      magazine.Author
	bo       magazine.Author
	cy       magazine.Author
}

func newFixture(t *testing.T, s *store.Store) *fixture {
	t.Helper()
	f := &fixture{s: s}
	f.politics = mustSection(t, s, magazine.Section{Name: "Politics", Position: 1})
	f.culture = mustSection(t, s, magazine.Section{Name: "Culture", Position: 2})
	f.ada = mustAuthor(t, s, magazine.Author{Name: "Ada Quill"})
	f.bo = mustAuthor(t, s, magazine.Author{Name: "Bo Marsh"})
	f.cy = mustAuthor(t, s, magazine.Author{Name: "Cy Ortega"})
	return f
}

// input returns a published article in Politics by Ada, published at t0,
// with the changes of edit applied.
func (f *fixture) input(headline string, edit func(in *magazine.ArticleInput)) magazine.ArticleInput {
	in := magazine.ArticleInput{
		Headline:     headline,
		SectionID:    f.politics.ID,
		AuthorIDs:    []int64{f.ada.ID},
		Status:       magazine.StatusPublished,
		PublishedAt:  t0,
		BodyMarkdown: "A paragraph about " + headline + ".",
	}
	if edit != nil {
		edit(&in)
	}
	return in
}

// article creates an article from f.input and fails the test on error.
func (f *fixture) article(t *testing.T, headline string, edit func(in *magazine.ArticleInput)) magazine.Article {
	t.Helper()
	a, err := f.s.CreateArticle(context.Background(), f.input(headline, edit))
	if err != nil {
		t.Fatalf("create article %q: %v", headline, err)
	}
	return a
}

func mustSection(t *testing.T, s *store.Store, sec magazine.Section) magazine.Section {
	t.Helper()
	sec, err := s.CreateSection(context.Background(), sec)
	if err != nil {
		t.Fatalf("create section %q: %v", sec.Name, err)
	}
	return sec
}

func mustAuthor(t *testing.T, s *store.Store, a magazine.Author) magazine.Author {
	t.Helper()
	a, err := s.CreateAuthor(context.Background(), a)
	if err != nil {
		t.Fatalf("create author %q: %v", a.Name, err)
	}
	return a
}

func mustIssue(t *testing.T, s *store.Store, in magazine.IssueInput) magazine.Issue {
	t.Helper()
	i, err := s.CreateIssue(context.Background(), in)
	if err != nil {
		t.Fatalf("create issue %d/%d: %v", in.Volume, in.Number, err)
	}
	return i
}

// checkError fails the test unless err is a *magazine.Error with the code
// and field a form would show it under.
func checkError(t *testing.T, err error, code, field string) {
	t.Helper()
	var e *magazine.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want a %s error on %q", err, err, code, field)
	}
	if e.Code != code || e.Field != field {
		t.Fatalf("error = %v, want code %s on field %q", err, code, field)
	}
	if e.Message == "" {
		t.Fatalf("error %v has no message for the user", err)
	}
}

// slugs lists the slugs of articles, the clearest way to compare lists.
func slugs(list []magazine.Article) []string {
	out := []string{}
	for _, a := range list {
		out = append(out, a.Slug)
	}
	return out
}

func authorNames(list []magazine.Author) []string {
	out := []string{}
	for _, a := range list {
		out = append(out, a.Name)
	}
	return out
}

// diff returns "" when want and got are deeply equal, and both otherwise.
// (go-cmp is not a dependency of the module.)
func diff(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return fmt.Sprintf("\nwant %+v\n got %+v", want, got)
}
