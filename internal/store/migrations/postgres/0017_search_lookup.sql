-- What a search asks of each match (its scope, status, date and the
-- filters), in an index of its own, so that the lookup of each match is
-- an index-only scan instead of a read of the articles table's rows.
CREATE INDEX articles_search ON articles (id) INCLUDE (status, visibility, published_at, section_id, issue_id);
