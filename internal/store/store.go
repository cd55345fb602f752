// Package store keeps Masthead's data in SQLite (the embedded default) or
// PostgreSQL. All SQL lives here; each file owns one resource. Public
// methods own their transactions; private helpers take a *sql.Tx.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/markdown"
)

//go:embed migrations
var migrations embed.FS

// Store is the database. It is safe for concurrent use.
type Store struct {
	db    *sql.DB // reads; on PostgreSQL also writes
	write *sql.DB // writes; on SQLite a single connection, so writers queue instead of failing
	d     dialect
	dsn   string // as given to Open, for packages that open their own connections
	md    *markdown.Renderer
	// Now is the clock; tests replace it.
	Now func() time.Time

	version atomic.Int64 // cached content version, see ContentVersion

	stmts  sync.Map // query -> *sql.Stmt, see read.go
	images sync.Map // media key -> ImageSources
	nstmts atomic.Int32

	readerGen atomic.Int64                    // bumped by writes to readers' sessions and subscriptions
	access    accessCache                     // see reader_access.go
	pub       versioned[magazine.Publication] // see Publication
	published versioned[[]magazine.Section]   // see PublishedSections
}

// Options configure Open.
type Options struct {
	// Database is a postgres:// URL or a path to an SQLite file.
	Database string
	// Migrate applies pending migrations. Without it, Open refuses a
	// database that is behind this binary.
	Migrate bool
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database, checks its schema version and, when asked,
// migrates it.
func Open(ctx context.Context, opts Options) (*Store, error) {
	s := &Store{md: markdown.New(), Now: time.Now, dsn: opts.Database}
	s.md.Images = func(src string) (markdown.ImageInfo, bool) {
		key, ok := strings.CutPrefix(src, "/media/")
		if !ok {
			return markdown.ImageInfo{}, false
		}
		img, ok := s.ImageSources(context.Background(), key)
		return markdown.ImageInfo{Width: img.Width, Height: img.Height, Srcset: img.Srcset}, ok
	}
	if IsPostgres(opts.Database) {
		db, err := sql.Open("pgx", opts.Database)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.db, s.write, s.d = db, db, postgresDialect
	} else {
		if err := openSQLite(s, opts.Database); err != nil {
			return nil, err
		}
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.Close()
		return nil, describeOpenError(opts.Database, err)
	}
	if err := s.checkAndMigrate(ctx, opts.Migrate); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openSQLite(s *Store, path string) error {
	if path == "" {
		return errors.New("no database path given")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("cannot create the data folder %s: %w (choose another with --data, or fix its permissions)", dir, err)
		}
	}
	// WAL lets readers go on while one writer writes; synchronous=FULL makes
	// every commit durable; _txlock=immediate takes the write lock at BEGIN
	// so two writers never deadlock into SQLITE_BUSY.
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	// The name is a URI: escaped, so that a '?', '#' or '%' in a folder name
	// cannot cut the path short and open a database somewhere else.
	name := "file:" + (&url.URL{Path: path}).EscapedPath()
	dsn := name + "?" + q.Encode()
	write, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	q.Set("_pragma", "query_only(1)")
	for _, p := range []string{"foreign_keys(1)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	q.Del("_txlock")
	read, err := sql.Open("sqlite", name+"?"+q.Encode())
	if err != nil {
		write.Close()
		return fmt.Errorf("open %s: %w", path, err)
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	read.SetConnMaxLifetime(0)
	s.db, s.write, s.d = read, write, sqliteDialect
	// The write connection creates the file and sets WAL before any reader
	// opens it.
	if err := write.Ping(); err != nil {
		return describeOpenError(path, err)
	}
	return nil
}

// describeOpenError turns a driver's complaint into one line that names the
// database and says what to do.
func describeOpenError(dsn string, err error) error {
	msg := err.Error()
	name := dsn
	if IsPostgres(dsn) {
		if u, perr := url.Parse(dsn); perr == nil {
			u.User = nil
			name = u.String()
		}
		return fmt.Errorf("cannot connect to PostgreSQL at %s: %w (is the server running and the URL right?)", name, err)
	}
	switch {
	case strings.Contains(msg, "not a database"), strings.Contains(msg, "malformed"):
		return fmt.Errorf("%s is not a readable Masthead database (%v): restore it from a backup or move it aside to start afresh", name, err)
	case strings.Contains(msg, "readonly"), strings.Contains(msg, "unable to open"), strings.Contains(msg, "permission"):
		return fmt.Errorf("cannot open %s for writing (%v): check that the folder exists and is writable, or choose another with --data", name, err)
	}
	return fmt.Errorf("open %s: %w", name, err)
}

// Close closes the database.
func (s *Store) Close() error {
	s.closeStmts()
	var err error
	if s.write != nil && s.write != s.db {
		err = s.write.Close()
	}
	if s.db != nil {
		err = errors.Join(err, s.db.Close())
	}
	return err
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// DB returns the connection pool that writes, for packages (such as the job
// queue) that need the database handle itself.
func (s *Store) DB() *sql.DB { return s.write }

// DSN returns the database address given to Open: on PostgreSQL the job
// queue opens a pgx pool of its own from it.
func (s *Store) DSN() string { return s.dsn }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

type migration struct {
	version int
	name    string
	sql     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := "migrations/" + s.d.name
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrations, dir+"/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// SchemaVersion returns the newest migration applied to the database and the
// newest this binary knows.
func (s *Store) SchemaVersion(ctx context.Context) (applied, known int, err error) {
	ms, err := s.migrations()
	if err != nil {
		return 0, 0, err
	}
	known = ms[len(ms)-1].version
	applied, err = s.appliedVersion(ctx, s.db)
	return applied, known, err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) appliedVersion(ctx context.Context, q querier) (int, error) {
	var exists int
	check := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
	if s.d.name == "postgres" {
		check = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
	}
	if err := q.QueryRowContext(ctx, check).Scan(&exists); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if exists == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// ErrNewerSchema is returned when the database was written by a newer
// Masthead than this binary.
var ErrNewerSchema = errors.New("database schema is newer than this binary")

func (s *Store) checkAndMigrate(ctx context.Context, migrate bool) error {
	ms, err := s.migrations()
	if err != nil {
		return err
	}
	known := ms[len(ms)-1].version
	applied, err := s.appliedVersion(ctx, s.db)
	if err != nil {
		return err
	}
	if applied > known {
		return fmt.Errorf("%w: the database is at schema version %d but this Masthead knows only up to %d; run a newer masthead binary", ErrNewerSchema, applied, known)
	}
	pending, err := s.pending(ctx, s.db, ms)
	if err != nil {
		return err
	}
	if len(pending) == 0 {
		return nil
	}
	if !migrate {
		return fmt.Errorf("the database is at schema version %d and this Masthead needs %d: run `masthead migrate`", applied, known)
	}
	return s.migrate(ctx, ms)
}

// pending returns the migrations not yet applied. A migration is pending
// by its absence, not by being newer than the latest applied one: work
// developed side by side may land a lower number after a higher one.
func (s *Store) pending(ctx context.Context, q interface {
	querier
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, ms []migration) ([]migration, error) {
	applied, err := s.appliedVersion(ctx, q)
	if err != nil || applied == 0 {
		return ms, err
	}
	rows, err := q.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	defer rows.Close()
	done := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("scan migration version: %w", err)
		}
		done[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	var out []migration
	for _, m := range ms {
		if !done[m.version] {
			out = append(out, m)
		}
	}
	return out, nil
}

func (s *Store) migrate(ctx context.Context, ms []migration) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration: %w", err)
	}
	defer tx.Rollback()
	if lock := s.d.migrationLock(); lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return fmt.Errorf("lock for migration: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	pending, err := s.pending(ctx, tx, ms) // again, under the lock
	if err != nil {
		return err
	}
	for _, m := range pending {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
			m.version, m.name, s.Now().Unix()); err != nil {
			return fmt.Errorf("record migration %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migrations: %w", err)
	}
	return nil
}

// withTx runs fn in a write transaction and commits it when fn succeeds.
func (s *Store) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if v, err := s.ContentVersion(ctx); err == nil {
		s.bumpVersion(v)
	}
	return nil
}

// exec runs a statement written with ? placeholders in tx.
func (s *Store) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	return tx.ExecContext(ctx, s.d.q(query), args...)
}

// insert runs an INSERT ... RETURNING id and returns the new id.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, s.d.q(query+" RETURNING id"), args...).Scan(&id)
	return id, err
}

func notFound(what string) error {
	return magazine.Errorf(magazine.ENOTFOUND, "%s not found.", what)
}

func unixTime(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}
