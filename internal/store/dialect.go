package store

import (
	"errors"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
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

// searchArticles is the articles table as a search joins it, as a: read
// through the articles_search index, which holds what a search asks of
// a match (on PostgreSQL the planner finds the index-only scan itself).
// RelatedArticles picks its ids through it too.
func (d dialect) searchArticles() string {
	if d.name == "postgres" {
		return "articles a"
	}
	return "articles a INDEXED BY articles_search"
}

// searchPlanEach is what comes first among the window query's arguments.
// On PostgreSQL it asks pgx for an unnamed statement, planned with its
// query text each time: the driver's cached statement went to a generic
// plan after five runs, which cannot know a word is common and chose the
// GIN index and a sort of every match (1.1 s for "said" at 150,000
// articles, against 8.5 ms reading the newest documents backwards).
func (d dialect) searchPlanEach() []any {
	if d.name == "postgres" {
		return []any{pgx.QueryExecModeExec}
	}
	return nil
}

// searchColumnScores returns a query of (doc, weight) rows giving the
// text rank of the documents docs (a search's window, newest first) for
// q, to be summed per document, and its arguments; "" if there is
// nothing to rank by. PostgreSQL's ts_rank reads only the document's
// own tsvector. SQLite's bm25 would count, for each term, every document
// of the index holding it, so instead three column-filtered matches
// within the window's range of document numbers say which documents
// have one of the query's terms in the headline, the dek or the byline.
func (d dialect) searchColumnScores(q magazine.SearchQuery, docs []int64) (string, []any) {
	if d.name == "postgres" {
		args := []any{d.searchQuery(q)}
		for _, doc := range docs {
			args = append(args, doc)
		}
		return "SELECT doc, ts_rank('{0.1, 0.3, 0.5, 1.0}', tsv, to_tsquery('masthead_english', ?)) * 10 FROM search_docs WHERE doc IN (" +
			strings.TrimSuffix(strings.Repeat("?, ", len(docs)), ", ") + ")", args
	}
	pos, _ := d.searchTerms(q)
	if len(pos) == 0 || len(docs) == 0 {
		return "", nil
	}
	// Each term alone, not the whole query again: the documents outside
	// the window are left out by the caller, and a phrase's positions
	// are checked once per document instead of twice.
	either := strings.Join(pos, " OR ")
	lo, hi := docs[len(docs)-1], docs[0]
	var parts []string
	var args []any
	for _, c := range []struct {
		col    string
		weight int
	}{{"headline", weightHeadline}, {"dek", weightDek}, {"byline", weightByline}} {
		parts = append(parts, "SELECT rowid, "+strconv.Itoa(c.weight)+" FROM search_docs WHERE search_docs MATCH ? AND rowid BETWEEN ? AND ?")
		args = append(args, "{"+c.col+"} : ("+either+")", lo, hi)
	}
	return strings.Join(parts, " UNION ALL "), args
}

// searchSnippets returns the query of (doc, text) for the documents
// docs, with matches between the markers, and its arguments: the body
// around what matched on PostgreSQL, the whole body on SQLite (see
// cutSnippet).
func (d dialect) searchSnippets(text string, docs []int64) (string, []any) {
	in := strings.TrimSuffix(strings.Repeat("?, ", len(docs)), ", ")
	var args []any
	var q string
	if d.name == "postgres" {
		q = `SELECT doc, ts_headline('masthead_english', body, to_tsquery('masthead_english', ?), ?) FROM search_docs WHERE doc IN (` + in + ")"
		args = []any{text, "StartSel=" + markOpen + ", StopSel=" + markClose + ", MaxWords=30, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \""}
	} else {
		q = "SELECT rowid, highlight(search_docs, 2, ?, ?) FROM search_docs WHERE search_docs MATCH ? AND rowid IN (" + in + ")"
		args = []any{markOpen, markClose, text}
	}
	for _, doc := range docs {
		args = append(args, doc)
	}
	return q, args
}

// searchOptimize is what OptimizeSearch runs, outside any transaction.
func (d dialect) searchOptimize() []string {
	if d.name == "postgres" {
		return []string{"VACUUM ANALYZE search_docs", "VACUUM ANALYZE articles"}
	}
	return []string{"INSERT INTO search_docs (search_docs) VALUES ('optimize')"}
}

// searchTerms writes each term of q in the dialect's query language, the
// positive ones and the excluded ones. Words hold only letters and digits
// (magazine.ParseSearch), so they need no quoting beyond the quotes
// around each term.
func (d dialect) searchTerms(q magazine.SearchQuery) (pos, neg []string) {
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
	return pos, neg
}

// searchQuery writes q in the dialect's query language.
func (d dialect) searchQuery(q magazine.SearchQuery) string {
	pos, neg := d.searchTerms(q)
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
