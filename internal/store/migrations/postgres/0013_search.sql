-- Full-text search. Each article is two documents: doc = id * 2 holds
-- what anyone may read of it (headline, dek, preview, authors and tags),
-- doc = id * 2 + 1 its whole text. A search matches each article through
-- the one document the viewer may read (see store/search.go). English
-- stemming with accents folded (unaccent is a trusted extension: the
-- database's owner may create it); headline weighs A, dek B, byline C,
-- body D.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION masthead_english (COPY = english);
ALTER TEXT SEARCH CONFIGURATION masthead_english
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

CREATE TABLE search_docs (
    doc      BIGINT PRIMARY KEY,
    headline TEXT NOT NULL,
    dek      TEXT NOT NULL,
    body     TEXT NOT NULL,
    byline   TEXT NOT NULL,
    tsv      tsvector NOT NULL GENERATED ALWAYS AS (
        setweight(to_tsvector('masthead_english'::regconfig, headline), 'A') ||
        setweight(to_tsvector('masthead_english'::regconfig, dek), 'B') ||
        setweight(to_tsvector('masthead_english'::regconfig, byline), 'C') ||
        setweight(to_tsvector('masthead_english'::regconfig, body), 'D')) STORED
);
CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);
