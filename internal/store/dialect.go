package store

import (
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/masthead-press/masthead/internal/magazine"
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

// The search index (see search.go): an FTS5 table on SQLite, a table with
// a weighted tsvector and a GIN index on PostgreSQL. Both are called
// search_docs; the document number is FTS5's rowid, or the doc column.

// searchDoc is the column holding a search document's number.
func (d dialect) searchDoc() string {
	if d.name == "postgres" {
		return "search_docs.doc"
	}
	return "search_docs.rowid"
}

// searchInsert begins the INSERT of search documents, to be followed by
// a SELECT of (doc, headline, dek, body, byline).
func (d dialect) searchInsert() string {
	if d.name == "postgres" {
		return "INSERT INTO search_docs (doc, headline, dek, body, byline) "
	}
	return "INSERT INTO search_docs (rowid, headline, dek, body, byline) "
}

// joinWords aggregates the text expr of a group's rows, space-separated.
func (d dialect) joinWords(expr string) string {
	if d.name == "postgres" {
		return "string_agg(" + expr + ", ' ')"
	}
	return "group_concat(" + expr + ", ' ')"
}

// searchFrom and searchMatch are the FROM item and the condition that
// select the documents matching the text searchQuery made: the text is
// the first parameter of the query either way. searchRank is their
// relevance, higher is better: headline weighs more than dek, dek more
// than byline, byline more than body.
func (d dialect) searchFrom() string {
	if d.name == "postgres" {
		return "search_docs CROSS JOIN to_tsquery('masthead_english', ?) AS query"
	}
	return "search_docs"
}

func (d dialect) searchMatch() string {
	if d.name == "postgres" {
		return "search_docs.tsv @@ query"
	}
	return "search_docs MATCH ?"
}

func (d dialect) searchRank() string {
	if d.name == "postgres" {
		return "ts_rank('{0.1, 0.3, 0.5, 1.0}', search_docs.tsv, query)"
	}
	return "-bm25(search_docs, 10.0, 4.0, 1.0, 2.0)"
}

// searchSnippet returns the query for the snippet of one document's body
// around what matched, with matches between the markers, and its
// arguments.
func (d dialect) searchSnippet(text string, doc int64) (string, []any) {
	if d.name == "postgres" {
		return `SELECT ts_headline('masthead_english', body, to_tsquery('masthead_english', ?), ?)
			FROM search_docs WHERE doc = ?`,
			[]any{text, "StartSel=" + markOpen + ", StopSel=" + markClose + ", MaxWords=30, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \"", doc}
	}
	return "SELECT snippet(search_docs, 2, ?, ?, ' … ', 24) FROM search_docs WHERE search_docs MATCH ? AND rowid = ?",
		[]any{markOpen, markClose, text, doc}
}

// searchQuery writes q in the dialect's query language. Words hold only
// letters and digits (magazine.ParseSearch), so they need no quoting
// beyond the quotes around each term.
func (d dialect) searchQuery(q magazine.SearchQuery) string {
	var pos, neg []string
	for _, t := range q.Terms {
		var term string
		if d.name == "postgres" {
			term = "'" + strings.Join(t.Words, " ") + "'"
			if t.Prefix {
				term += ":*"
			}
		} else {
			term = `"` + strings.Join(t.Words, " ") + `"`
			if t.Prefix {
				term += " *"
			}
		}
		if t.Exclude {
			neg = append(neg, term)
		} else {
			pos = append(pos, term)
		}
	}
	if d.name == "postgres" {
		for i, n := range neg {
			neg[i] = "!" + n
		}
		return strings.Join(append(pos, neg...), " & ")
	}
	s := "(" + strings.Join(pos, " ") + ")"
	if len(neg) > 0 {
		s += " NOT (" + strings.Join(neg, " OR ") + ")"
	}
	return s
}

// bytewise is the collation that orders text by its bytes, so that a
// mailing list sorts the same on both databases whatever the server's
// locale.
func (d dialect) bytewise() string {
	if d.name == "postgres" {
		return ` COLLATE "C"`
	}
	return "" // SQLite's default, BINARY
}
