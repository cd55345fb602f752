-- Full-text search. Each article is two documents: rowid = id * 2 holds
-- what anyone may read of it (headline, dek, preview, authors and tags),
-- rowid = id * 2 + 1 its whole text. A search matches each article
-- through the one document the viewer may read (see store/search.go).
-- Porter stemming for English, accents folded; a prefix index makes a
-- prefix* query of three letters or more a lookup instead of a scan of the
-- vocabulary (each prefix length indexed is another copy of every token to write).
CREATE VIRTUAL TABLE search_docs USING fts5(
    headline, dek, body, byline,
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '3'
);
-- Merge segments eight at a time instead of four: an import writes one
-- segment per thousand articles, and each merge rewrites what it merges.
INSERT INTO search_docs (search_docs, rank) VALUES ('automerge', 8);
