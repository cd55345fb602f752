-- Full-text search. Each article is two documents: rowid = id * 2 holds
-- what anyone may read of it (headline, dek, preview, authors and tags),
-- rowid = id * 2 + 1 its whole text. A search matches each article
-- through the one document the viewer may read (see store/search.go).
-- Porter stemming for English, accents folded; prefix indexes make a
-- prefix* query a lookup instead of a scan of the vocabulary.
CREATE VIRTUAL TABLE search_docs USING fts5(
    headline, dek, body, byline,
    tokenize = 'porter unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
