package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

func countMigrations(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatalf("count schema_migrations: %v", err)
	}
	return n
}

func TestMigrateFreshDatabase(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		// Without Migrate, an empty database is refused, and the message
		// says which command fixes it.
		_, err := open(t, dsn, false)
		if err == nil {
			t.Fatal("Open(Migrate: false) on an empty database succeeded")
		}
		if !strings.Contains(err.Error(), "masthead migrate") || errors.Is(err, store.ErrNewerSchema) {
			t.Fatalf("error = %q, want advice to run `masthead migrate`", err)
		}

		s, err := open(t, dsn, true)
		if err != nil {
			t.Fatalf("Open(Migrate: true): %v", err)
		}
		applied, known, err := s.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if applied != known || known < 1 {
			t.Fatalf("schema version %d, binary knows %d: want equal", applied, known)
		}
		migrations := countMigrations(t, s)
		sec := mustSection(t, s, magazine.Section{Name: "Politics"})
		s.Close()

		// Opening again, with or without Migrate, changes nothing.
		for _, migrate := range []bool{true, false} {
			s2, err := open(t, dsn, migrate)
			if err != nil {
				t.Fatalf("reopen (Migrate: %v): %v", migrate, err)
			}
			if n := countMigrations(t, s2); n != migrations {
				t.Errorf("reopen (Migrate: %v): %d migrations recorded, want %d", migrate, n, migrations)
			}
			got, err := s2.SectionBySlug(ctx, "politics")
			if err != nil {
				t.Fatalf("section after reopen: %v", err)
			}
			if d := diff(sec, got); d != "" {
				t.Errorf("section after reopen:%s", d)
			}
			s2.Close()
		}
	})
}

func TestMigrateConcurrentOpens(t *testing.T) {
	t.Parallel()
	// Two processes (say the server and `masthead migrate`) starting on a
	// new database at once must both come up, with the schema applied once.
	eachDatabase(t, func(t *testing.T, dsn string) {
		const n = 4
		var wg sync.WaitGroup
		errs := make([]error, n)
		stores := make([]*store.Store, n)
		for i := range n {
			wg.Go(func() {
				stores[i], errs[i] = store.Open(context.Background(), store.Options{Database: dsn, Migrate: true})
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("open %d: %v", i, err)
				continue
			}
			defer stores[i].Close()
		}
		if t.Failed() {
			return
		}
		// Numbers can have gaps while work lands side by side: count files.
		files, err := os.ReadDir(filepath.Join("migrations", stores[0].Dialect()))
		if err != nil {
			t.Fatal(err)
		}
		if got := countMigrations(t, stores[0]); got != len(files) {
			t.Errorf("%d migrations recorded, want %d (each once)", got, len(files))
		}
	})
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, err := open(t, dsn, true)
		if err != nil {
			t.Fatal(err)
		}
		_, known, err := s.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A newer Masthead has migrated this database further.
		if _, err := s.DB().Exec(insertFuture(s), known+1); err != nil {
			t.Fatalf("record a future migration: %v", err)
		}
		s.Close()

		for _, migrate := range []bool{true, false} {
			_, err := open(t, dsn, migrate)
			if !errors.Is(err, store.ErrNewerSchema) {
				t.Fatalf("Open(Migrate: %v) = %v, want ErrNewerSchema", migrate, err)
			}
			if !strings.Contains(err.Error(), "newer masthead binary") {
				t.Errorf("error %q does not tell to run a newer binary", err)
			}
		}
	})
}

// insertFuture returns the INSERT for schema_migrations in the store's
// placeholder style.
func insertFuture(s *store.Store) string {
	if s.Dialect() == "postgres" {
		return "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, '9999_from_the_future.sql', 0)"
	}
	return "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, '9999_from_the_future.sql', 0)"
}

func TestOpenSQLiteErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// setup prepares dir and returns the database path to open and
		// what the error must mention.
		setup func(t *testing.T, dir string) (path string, mention []string)
	}{
		{"short garbage file", func(t *testing.T, dir string) (string, []string) {
			path := filepath.Join(dir, "masthead.db")
			writeFile(t, path, []byte("this is not a database"))
			return path, []string{path, "backup", "move it aside"}
		}},
		{"long garbage file", func(t *testing.T, dir string) (string, []string) {
			path := filepath.Join(dir, "masthead.db")
			writeFile(t, path, []byte(strings.Repeat("garbage\x00\xff", 2000)))
			return path, []string{path, "backup", "move it aside"}
		}},
		{"folder under a regular file", func(t *testing.T, dir string) (string, []string) {
			// Root ignores permissions; a file where a folder should be
			// cannot be written by anyone.
			file := filepath.Join(dir, "file")
			writeFile(t, file, []byte("x"))
			sub := filepath.Join(file, "sub")
			return filepath.Join(sub, "masthead.db"), []string{sub, "--data"}
		}},
		{"no path", func(t *testing.T, dir string) (string, []string) {
			return "", []string{"no database path"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path, mention := tt.setup(t, t.TempDir())
			s, err := store.Open(context.Background(), store.Options{Database: path, Migrate: true})
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q) succeeded", path)
			}
			for _, m := range mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
}

func TestOpenPostgresUnreachable(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 1. The message names the server but never
	// the password, since it ends up in logs.
	_, err := store.Open(context.Background(), store.Options{Database: "postgres://masthead:s3cret@127.0.0.1:1/masthead?sslmode=disable&connect_timeout=5", Migrate: true})
	if err == nil {
		t.Fatal("Open succeeded with no server")
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") || !strings.Contains(err.Error(), "is the server running") {
		t.Errorf("error %q does not name the server and say what to check", err)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %q shows the password", err)
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestOpenSQLiteFolderNames(t *testing.T) {
	t.Parallel()
	// Folder names are the editor's choice. Each magazine must get the
	// database file it names, not one cut short at a '#' or '?' and shared
	// with a neighbour ("Review #1" and "Review #2" both opening "Review ").
	parent := t.TempDir()
	names := []string{"Review #1", "Review #2", "what?", "100% ready", "50%41", "dir with spaces", "plus+semi;colon"}
	for _, name := range names {
		path := filepath.Join(parent, name, "masthead.db")
		s, err := store.Open(context.Background(), store.Options{Database: path, Migrate: true})
		if err != nil {
			t.Errorf("folder %q: %v", name, err)
			continue
		}
		_, err = s.CreateSection(context.Background(), magazine.Section{Name: "Politics"})
		s.Close()
		if err != nil {
			t.Errorf("folder %q: a second magazine shares this database: %v", name, err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("folder %q: database not where asked: %v", name, err)
		}
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	want := slices.Sorted(slices.Values(names))
	if d := diff(want, got); d != "" {
		t.Errorf("files created beside the data folders:%s", d)
	}
}

// TestMigrateAppliesAGap: a migration is pending by its absence, so one
// that lands after a higher-numbered one (work developed side by side) is
// still applied.
func TestMigrateAppliesAGap(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, dsn string) {
		s, err := open(t, dsn, true)
		if err != nil {
			t.Fatal(err)
		}
		want := countMigrations(t, s)
		if _, err := s.DB().Exec("DROP TABLE mail_outbox"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec("DELETE FROM schema_migrations WHERE version = 3"); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, err := open(t, dsn, false); err == nil || !strings.Contains(err.Error(), "masthead migrate") {
			t.Fatalf("a database missing migration 3 opened without migrating: %v", err)
		}
		s2, err := open(t, dsn, true)
		if err != nil {
			t.Fatal(err)
		}
		if n := countMigrations(t, s2); n != want {
			t.Errorf("%d migrations recorded, want %d", n, want)
		}
		if _, err := s2.Mailbox(context.Background(), "", 1); err != nil {
			t.Errorf("the table of migration 3 is back: %v", err)
		}
	})
}
