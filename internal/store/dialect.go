package store

import (
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds every difference between SQLite and PostgreSQL that the
// queries care about. Queries are written once, with ? placeholders.
type dialect struct {
	name string // "sqlite" or "postgres"
}

var (
	sqliteDialect   = dialect{name: "sqlite"}
	postgresDialect = dialect{name: "postgres"}
)

// q rewrites ? placeholders to $1, $2, ... for PostgreSQL. Queries never
// hold a literal question mark, so no quoting rules are needed.
func (d dialect) q(query string) string {
	if d.name != "postgres" || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// migrationLock is run inside the migration transaction so that two
// processes starting together do not both migrate.
func (d dialect) migrationLock() string {
	if d.name == "postgres" {
		return "SELECT pg_advisory_xact_lock(727210)"
	}
	return "" // SQLite: BEGIN IMMEDIATE already holds the write lock
}

// forUpdate locks the rows a transaction reads and will write back. On
// PostgreSQL two billing transactions would otherwise read the same
// subscription and both write; SQLite's BEGIN IMMEDIATE already serializes
// them.
func (d dialect) forUpdate() string {
	if d.name == "postgres" {
		return " FOR UPDATE"
	}
	return ""
}

// caseInsensitiveLike is the operator for a case-insensitive LIKE.
func (d dialect) caseInsensitiveLike() string {
	if d.name == "postgres" {
		return "ILIKE"
	}
	return "LIKE" // SQLite's LIKE ignores ASCII case
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isForeignKeyViolation reports whether err is a foreign-key failure.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
	}
	return false
}

// yearMonth is an expression for the 'YYYY-MM' (UTC) of a Unix-seconds
// column.
func (d dialect) yearMonth(col string) string {
	if d.name == "postgres" {
		return "to_char(to_timestamp(" + col + ") AT TIME ZONE 'UTC', 'YYYY-MM')"
	}
	return "strftime('%Y-%m', " + col + ", 'unixepoch')"
}
