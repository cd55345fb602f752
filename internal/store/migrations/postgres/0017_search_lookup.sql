-- What a search asks of each match (its scope, status, date and the
-- filters), in an index of its own, so that the lookup of each match is
-- an index-only scan instead of a read of the articles table's rows.
CREATE INDEX articles_search ON articles (id) INCLUDE (status, visibility, published_at, section_id, issue_id);
-- A search is a short query run by many readers at once: a parallel scan
-- of search_docs spent 40 ms starting its workers to save a few.
ALTER TABLE search_docs SET (parallel_workers = 0);
