-- What a search asks of each match (its scope, status, date and the
-- filters), in an index of its own: read through it, a search touches a
-- few megabytes instead of the articles table's rows, which hold the
-- whole text (at 150,000 articles, a gigabyte and more; each lookup of a
-- cold row was a read from disk). Search names it with INDEXED BY.
CREATE INDEX articles_search ON articles (id, status, visibility, published_at, section_id, issue_id);
