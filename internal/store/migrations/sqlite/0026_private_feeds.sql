-- A reader's private feeds, one of each kind: the podcast ('podcast') and
-- the full-text articles feed ('articles'). Each secret is stored only as
-- a hash; making a new one replaces the old, whose URL stops at once.
-- The podcast's feeds move here from podcast_feeds, secrets unchanged.
CREATE TABLE private_feeds (
    reader_id   INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (reader_id, kind)
);

INSERT INTO private_feeds (reader_id, kind, secret_hash, created_at)
    SELECT reader_id, 'podcast', secret_hash, created_at FROM podcast_feeds;

DROP TABLE podcast_feeds;
