// Package storetest gives tests a fresh, migrated store on SQLite and on
// PostgreSQL. PostgreSQL comes from MASTHEAD_TEST_POSTGRES_URL (.ci/run
// starts one); each test gets a database of its own, dropped afterwards.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/masthead-press/masthead/internal/store"
)

// SQLite returns a migrated store in a temporary folder.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{Database: filepath.Join(t.TempDir(), "masthead.db"), Migrate: true})
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// PostgresURL returns the server tests may use. When none is configured it
// skips the test, except under CI (CI=true), where a missing PostgreSQL is
// a failure: the suite must have run on both databases.
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("MASTHEAD_TEST_POSTGRES_URL")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but MASTHEAD_TEST_POSTGRES_URL is not set: the store suite must run on PostgreSQL (use .ci/run)")
		}
		t.Skip("MASTHEAD_TEST_POSTGRES_URL is not set; .ci/run starts a PostgreSQL and sets it")
	}
	return u
}

// Postgres returns a migrated store in a new, empty PostgreSQL database.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	base := PostgresURL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("MASTHEAD_TEST_POSTGRES_URL: %v", err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	rand.Read(b[:])
	name := "masthead_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("PostgreSQL at MASTHEAD_TEST_POSTGRES_URL is unreachable or refuses CREATE DATABASE: %v", err)
	}
	u.Path = "/" + name
	s, err := store.Open(context.Background(), store.Options{Database: u.String(), Migrate: true})
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	return s
}

// Run runs fn once on SQLite and once on PostgreSQL, as subtests.
func Run(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, Postgres(t))
	})
}
