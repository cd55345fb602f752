package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/parallel"
)

// The search index holds two documents per article (see the 0013
// migrations): doc = id*2 is the public part (headline, dek, preview text,
// byline of authors and tags), doc = id*2+1 the whole text. A viewer is
// matched against one of the two for each article, chosen by the
// magazine.SearchScope that magazine.Decide's rules gave them, so the
// text past a paywall is neither matched nor quoted for a reader who may
// not read it.

// Markers around matched words in a snippet, from the database: private
// use characters, which the index never holds (searchText removes them).
const (
	markOpen  = "\uE000"
	markClose = "\uE001"
)

// maxIndexedBody bounds the text indexed per document: PostgreSQL refuses
// a tsvector over 1 MB, and a reader finds a very long text by its
// opening anyway.
const maxIndexedBody = 256 << 10

// searchDoc is what the index holds for one article, besides what the
// articles table has.
type searchDoc struct {
	id      int64
	preview string // the plain text of the preview
}

// searchText makes text safe to index: no snippet markers, bounded.
func searchText(s string) string {
	s = strings.NewReplacer(markOpen, " ", markClose, " ").Replace(s)
	if len(s) > maxIndexedBody {
		s = strings.ToValidUTF8(s[:maxIndexedBody], "")
	}
	return s
}

// indexArticles (re)writes the search documents of the articles in tx,
// from what the articles, authors and tags tables hold now and the
// previews given: a few statements for any number of articles. fresh
// says the articles are new, with no documents to replace.
func (s *Store) indexArticles(ctx context.Context, tx *sql.Tx, docs []searchDoc, fresh bool) error {
	for chunk := range slices.Chunk(docs, importRows) {
		ids := make([]any, len(chunk))
		for i, d := range chunk {
			ids[i] = d.id
		}
		marks := placeholders(len(chunk))
		if !fresh {
			// By document number: an expression of it would scan the index.
			nums := make([]any, 0, 2*len(chunk))
			for _, d := range chunk {
				nums = append(nums, 2*d.id, 2*d.id+1)
			}
			if _, err := s.exec(ctx, tx, "DELETE FROM search_docs WHERE "+s.d.searchDoc()+" IN ("+placeholders(len(nums))+")", nums...); err != nil {
				return fmt.Errorf("clear search documents: %w", err)
			}
		}
		byline := s.bylineOf("a.id")
		// The whole text comes from the articles table, the previews
		// from the caller. A public article has no public part: every
		// viewer may read it whole (magazine.ScopeOf), so it would never
		// be searched, and leaving it out saves a quarter of an import's
		// indexing. Were that ever not so, such an article would go
		// unfound, never leak.
		if _, err := s.exec(ctx, tx, s.d.searchInsert()+"SELECT a.id * 2 + 1, a.headline, a.dek, a.body_text, "+byline+
			" FROM articles a WHERE a.id IN ("+marks+")", ids...); err != nil {
			return fmt.Errorf("index articles: %w", err)
		}
		args := make([]any, 0, 2*len(chunk))
		for _, d := range chunk {
			args = append(args, d.id, searchText(d.preview))
		}
		if _, err := s.exec(ctx, tx, "WITH v (id, preview) AS (VALUES "+
			strings.TrimSuffix(strings.Repeat("(CAST(? AS BIGINT), ?), ", len(chunk)), ", ")+") "+
			s.d.searchInsert()+"SELECT a.id * 2, a.headline, a.dek, v.preview, "+byline+
			" FROM v JOIN articles a ON a.id = v.id WHERE a.visibility <> 'public'", args...); err != nil {
			return fmt.Errorf("index previews: %w", err)
		}
	}
	return nil
}

// bylineOf is the expression of the byline document text of the article
// whose id is the expression id: its authors' and tags' names.
func (s *Store) bylineOf(id string) string {
	return "COALESCE((SELECT " + s.d.joinWords("u.name") + ` FROM article_authors x JOIN authors u ON u.id = x.author_id
		WHERE x.article_id = ` + id + `), '') || ' ' || COALESCE((SELECT ` + s.d.joinWords("t.name") + ` FROM article_tags x
		JOIN tags t ON t.id = x.tag_id WHERE x.article_id = ` + id + `), '')`
}

// refreshBylines rewrites the byline of the documents of the articles
// that articles (a query of article ids with one parameter) selects, after
// an author or a tag is renamed.
func (s *Store) refreshBylines(ctx context.Context, tx *sql.Tx, articles string, arg any) error {
	doc := s.d.searchDoc()
	// By document number: an expression of it would scan the index.
	_, err := s.exec(ctx, tx, "UPDATE search_docs SET byline = "+s.bylineOf(doc+" / 2")+" WHERE "+doc+
		" IN (SELECT article_id * 2 FROM ("+articles+") AS t UNION ALL SELECT article_id * 2 + 1 FROM ("+articles+") AS u)", arg, arg)
	if err != nil {
		return fmt.Errorf("refresh bylines: %w", err)
	}
	return nil
}

// ReindexSearch rebuilds the whole search index from the articles, in
// batches (re-rendering each body for its preview); progress, if not nil,
// is told how many of total are done. Searches keep working meanwhile:
// each batch replaces its articles' documents in one transaction.
func (s *Store) ReindexSearch(ctx context.Context, progress func(done, total int)) error {
	pub, err := s.Publication(ctx)
	if err != nil {
		return err
	}
	var total int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM articles").Scan(&total); err != nil {
		return fmt.Errorf("count articles: %w", err)
	}
	const batch = 1000
	done := 0
	for after := int64(0); ; {
		rows, err := s.query(ctx, "SELECT id, body_md FROM articles WHERE id > ? ORDER BY id LIMIT ?", after, batch)
		if err != nil {
			return fmt.Errorf("read articles: %w", err)
		}
		var ids []int64
		var bodies []string
		for rows.Next() {
			var id int64
			var md string
			if err := rows.Scan(&id, &md); err != nil {
				rows.Close()
				return fmt.Errorf("read articles: %w", err)
			}
			ids, bodies = append(ids, id), append(bodies, md)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read articles: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		rs, err := parallel.Map(ctx, len(ids), func(i int) (rendered, error) {
			return s.render(magazine.ArticleInput{Slug: fmt.Sprint(ids[i]), BodyMarkdown: bodies[i]}, pub.PreviewParagraphs)
		})
		if err != nil {
			return err
		}
		docs := make([]searchDoc, len(ids))
		for i, r := range rs {
			docs[i] = searchDoc{id: ids[i], preview: r.res.PreviewText}
		}
		if err := s.withTx(ctx, func(tx *sql.Tx) error { return s.indexArticles(ctx, tx, docs, false) }); err != nil {
			return err
		}
		after, done = ids[len(ids)-1], done+len(ids)
		if progress != nil {
			progress(done, total)
		}
	}
	return s.OptimizeSearch(ctx)
}

// OptimizeSearch merges the search index into as few parts as it can,
// after an import or a reindex. FTS5 writes a segment per transaction
// and merges them only eight at a time, so a bulk import leaves dozens,
// and every term a query reads is looked up in each (at 150,000
// articles, a snippet's lookup of its document took 0.17 ms before and
// 0.02 ms after). On PostgreSQL it empties the GIN index's pending list
// and marks the pages all-visible, which the index-only lookups of
// articles_search need.
func (s *Store) OptimizeSearch(ctx context.Context) error {
	for _, q := range s.d.searchOptimize() {
		if _, err := s.write.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("optimize the search index: %w", err)
		}
	}
	return nil
}

// SearchFilter is one search: the query, whose documents the viewer may
// search, and the filters of the results page.
type SearchFilter struct {
	Query     magazine.SearchQuery
	Scope     magazine.SearchScope
	SectionID int64
	AuthorID  int64
	IssueID   int64
	// From and To bound the publication time (To excluded); zero is open.
	From, To time.Time
	// Print is "print" for articles in an issue, "web" for web-only ones,
	// "" for both.
	Print string
	// ByDate sorts newest first instead of by relevance.
	ByDate bool
	// Page counts from 1; a page past the last gives the last.
	Page    int
	PerPage int
}

// SearchHit is one result: the article (without body) and its snippet.
type SearchHit struct {
	Article magazine.Article
	Snippet []SnippetPart
}

// SnippetPart is a run of a snippet's text, matched or not.
type SnippetPart struct {
	Text  string
	Match bool
}

// SearchResults is a page of results.
type SearchResults struct {
	Hits  []SearchHit
	Total int // articles matched, at most SearchCap
	// Capped reports that more than SearchCap articles matched: the
	// results are the SearchCap most recent matches, ranked.
	Capped bool
	Page   int
	Pages  int
}

// SearchCap bounds the matches a search ranks: past it, the SearchCap
// most recent matches are ranked. Thirty pages of ten are more than a
// reader reads; they narrow the search.
const SearchCap = 300

// Column weights of the relevance of a match: a query's words in the
// headline count for more than in the dek, in the dek more than in the
// byline (authors and tags), and any match counts for the body's weight.
const (
	weightHeadline = 10
	weightDek      = 4
	weightByline   = 2
	weightBody     = 1
)

// searchMatch is one matching document of a search's window.
type searchMatch struct {
	doc       int64
	published int64 // Unix seconds
	score     float64
}

// Search finds the articles matching f. One statement reads the window:
// the SearchCap+1 most recent matching documents in the viewer's scope,
// newest document first, each with its date, from the index and the
// articles_search index alone (never the articles' rows), which also
// gives the count. The window is ranked by column weights within it
// (searchScores), times a recency factor, or sorted by date; the page's
// articles and snippets take one statement each.
//
// Neither FTS5's bm25 nor a scan of every match is used: bm25 counts,
// for each term, every document in the index that holds it (a common
// word at 150,000 articles cost 15 ms, a common phrase 120 ms, whatever
// the window), and the window stops reading the index after SearchCap+1
// matches.
func (s *Store) Search(ctx context.Context, f SearchFilter) (SearchResults, error) {
	res := SearchResults{Page: 1}
	if f.Query.Empty() {
		return res, nil
	}
	if f.PerPage <= 0 {
		f.PerPage = 20
	}
	text := s.d.searchQuery(f.Query)
	window, err := s.searchWindow(ctx, f, text)
	if err != nil {
		return res, err
	}
	res.Total, res.Capped = min(len(window), SearchCap), len(window) > SearchCap
	window = window[:res.Total]
	res.Pages = max(1, (res.Total+f.PerPage-1)/f.PerPage)
	res.Page = min(max(f.Page, 1), res.Pages)
	if len(window) == 0 {
		return res, nil
	}
	if f.ByDate {
		slices.SortFunc(window, func(a, b searchMatch) int {
			return cmp.Or(cmp.Compare(b.published, a.published), cmp.Compare(b.doc, a.doc))
		})
	} else {
		if err := s.searchScores(ctx, f.Query, window); err != nil {
			return res, err
		}
		// Today's article counts twice its text rank, a year-old one
		// one and a half times, and older ones fade slowly towards once.
		now := float64(s.Now().Unix())
		for i, m := range window {
			age := max(0, now-float64(m.published)) / 31557600.0
			window[i].score = m.score * (1.0 + 1.0/(1.0+age))
		}
		slices.SortFunc(window, func(a, b searchMatch) int {
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(b.doc, a.doc))
		})
	}
	from := (res.Page - 1) * f.PerPage
	docs := make([]int64, 0, f.PerPage)
	for _, m := range window[from:min(from+f.PerPage, len(window))] {
		docs = append(docs, m.doc)
	}
	res.Hits, err = s.searchHits(ctx, text, docs)
	return res, err
}

// searchWindow reads the window of a search: its SearchCap+1 most recent
// matching documents (by document number) in the viewer's scope.
func (s *Store) searchWindow(ctx context.Context, f SearchFilter, text string) ([]searchMatch, error) {
	doc := s.d.searchDoc()
	where, args := s.searchWhere(f)
	q := "SELECT " + doc + ", a.published_at FROM " + s.d.searchFrom() + " JOIN " + s.d.searchArticles() + " ON a.id = " + doc + " / 2 WHERE " +
		s.d.searchMatch() + where + " ORDER BY " + doc + " DESC LIMIT ?"
	rows, err := s.query(ctx, q, append(append(append(s.d.searchPlanEach(), text), args...), SearchCap+1)...)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", f.Query.Text, err)
	}
	defer rows.Close()
	window := make([]searchMatch, 0, 32)
	for rows.Next() {
		var m searchMatch
		if err := rows.Scan(&m.doc, &m.published); err != nil {
			return nil, fmt.Errorf("search %q: %w", f.Query.Text, err)
		}
		window = append(window, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search %q: %w", f.Query.Text, err)
	}
	return window, nil
}

// searchScores sets the text rank of each match of the window, by the
// columns its document matches in (see searchColumnScores), in one
// statement.
func (s *Store) searchScores(ctx context.Context, q magazine.SearchQuery, window []searchMatch) error {
	docs := make([]int64, len(window))
	at := make(map[int64]int, len(window))
	for i, m := range window {
		docs[i], at[m.doc] = m.doc, i
		window[i].score = weightBody
	}
	sq, args := s.d.searchColumnScores(q, docs)
	if sq == "" {
		return nil
	}
	rows, err := s.query(ctx, sq, args...)
	if err != nil {
		return fmt.Errorf("rank %q: %w", q.Text, err)
	}
	defer rows.Close()
	for rows.Next() {
		var d int64
		var w float64
		if err := rows.Scan(&d, &w); err != nil {
			return fmt.Errorf("rank %q: %w", q.Text, err)
		}
		if i, ok := at[d]; ok { // documents outside the window are not ranked
			window[i].score += w
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rank %q: %w", q.Text, err)
	}
	return nil
}

// searchWhere is the conditions after the match: the viewer's scope and
// the filters.
func (s *Store) searchWhere(f SearchFilter) (string, []any) {
	var b strings.Builder
	var args []any
	doc := s.d.searchDoc()
	full := f.Scope.FullText
	switch {
	case len(full) == 0:
		b.WriteString(" AND " + doc + " % 2 = 0")
	case len(full) == len(magazine.Visibilities):
		b.WriteString(" AND " + doc + " % 2 = 1")
	default:
		b.WriteString(" AND " + doc + " % 2 = CASE WHEN a.visibility IN (" + placeholders(len(full)) + ") THEN 1 ELSE 0 END")
		for _, v := range full {
			args = append(args, string(v))
		}
	}
	if !f.Scope.Drafts {
		b.WriteString(" AND a.status = 'published'")
	}
	add := func(cond string, arg any) { b.WriteString(" AND " + cond); args = append(args, arg) }
	if f.SectionID != 0 {
		add("a.section_id = ?", f.SectionID)
	}
	if f.AuthorID != 0 {
		add("a.id IN (SELECT article_id FROM article_authors WHERE author_id = ?)", f.AuthorID)
	}
	if f.IssueID != 0 {
		add("a.issue_id = ?", f.IssueID)
	}
	if !f.From.IsZero() {
		add("a.published_at >= ?", f.From.Unix())
	}
	if !f.To.IsZero() {
		add("a.published_at < ?", f.To.Unix())
	}
	switch f.Print {
	case "print":
		b.WriteString(" AND a.issue_id IS NOT NULL")
	case "web":
		b.WriteString(" AND a.issue_id IS NULL")
	}
	return b.String(), args
}

// searchHits loads the articles of docs, in order, with their snippets.
func (s *Store) searchHits(ctx context.Context, text string, docs []int64) ([]SearchHit, error) {
	if len(docs) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(docs))
	for i, d := range docs {
		ids[i] = d / 2
	}
	list, err := s.articlesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]magazine.Article, len(list))
	for _, a := range list {
		byID[a.ID] = a
	}
	q, qargs := s.d.searchSnippets(text, docs)
	rows, err := s.query(ctx, q, qargs...)
	if err != nil {
		return nil, fmt.Errorf("snippets of %q: %w", text, err)
	}
	defer rows.Close()
	snippets := make(map[int64]string, len(docs))
	for rows.Next() {
		var d int64
		var snip string
		if err := rows.Scan(&d, &snip); err != nil {
			return nil, fmt.Errorf("snippets of %q: %w", text, err)
		}
		snippets[d] = snip
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("snippets of %q: %w", text, err)
	}
	hits := make([]SearchHit, 0, len(docs))
	for _, d := range docs {
		a, ok := byID[d/2]
		if !ok {
			continue // changed since it was found
		}
		hits = append(hits, SearchHit{Article: a, Snippet: snippetParts(cutSnippet(snippets[d]))})
	}
	return hits, nil
}

// snippetWords is how many words a snippet shows, and snippetSpan about
// how many bytes they take, within which its matches are counted.
const (
	snippetWords = 30
	snippetSpan  = 200
)

// cutSnippet cuts text, its matches between the markers, to snippetWords
// words around the place where most matches are close together, a few
// words before the first of them, with "…" where it cuts. SQLite gives
// the whole text, highlighted: FTS5's snippet() tokenizes a document
// twice (once to find sentences), highlight() once, which halved the
// snippets' cost. Only the words near the place chosen are split: a
// document's text can be long.
func cutSnippet(text string) string {
	var opens []int // where each match opens
	for i := 0; ; {
		j := strings.Index(text[i:], markOpen)
		if j < 0 {
			break
		}
		opens = append(opens, i+j)
		i += j + len(markOpen)
	}
	at := 0
	if len(opens) > 0 {
		best, most := 0, 0
		for i, o := range opens {
			if n, _ := slices.BinarySearch(opens[i:], o+snippetSpan); n > most {
				best, most = i, n
			}
		}
		at = opens[best]
	}
	start := at
	for range 6 {
		before := strings.TrimRightFunc(text[:start], unicode.IsSpace)
		i := strings.LastIndexFunc(before, unicode.IsSpace)
		if i < 0 {
			start = 0
			break
		}
		_, size := utf8.DecodeRuneInString(before[i:])
		start = i + size
	}
	end := min(len(text), start+8*snippetSpan)
	words := strings.Fields(text[start:end])
	if end < len(text) && len(words) > 0 {
		words = words[:len(words)-1] // it may be cut in the middle
	}
	cut := len(words) > snippetWords
	words = words[:min(len(words), snippetWords)]
	if !cut && end < len(text) {
		cut = strings.TrimSpace(text[end:]) != ""
	}
	out := strings.Join(words, " ")
	// A match cut at either end still reads as one.
	if o, c := strings.Index(out, markOpen), strings.Index(out, markClose); c >= 0 && (o < 0 || c < o) {
		out = markOpen + out
	}
	if o, c := strings.LastIndex(out, markOpen), strings.LastIndex(out, markClose); o > c {
		out += markClose
	}
	if strings.TrimSpace(text[:start]) != "" {
		out = "… " + out
	}
	if cut {
		out += " …"
	}
	return out
}

// snippetParts splits a snippet at its markers.
func snippetParts(s string) []SnippetPart {
	var out []SnippetPart
	for s != "" {
		i := strings.Index(s, markOpen)
		if i < 0 {
			out = append(out, SnippetPart{Text: s})
			break
		}
		if i > 0 {
			out = append(out, SnippetPart{Text: s[:i]})
		}
		s = s[i+len(markOpen):]
		j := strings.Index(s, markClose)
		if j < 0 {
			j = len(s)
		}
		out = append(out, SnippetPart{Text: s[:j], Match: true})
		s = strings.TrimPrefix(s[j:], markClose)
	}
	return out
}
