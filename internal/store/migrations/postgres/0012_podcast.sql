-- Private podcast feeds: one per reader, its random secret stored only as
-- a hash (the URL is shown once per visit to /account, rebuilt from
-- nothing: a reset makes a new secret and the old URL stops at once).
CREATE TABLE podcast_feeds (
    reader_id   BIGINT PRIMARY KEY REFERENCES readers (id) ON DELETE CASCADE,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

-- Which addresses used a feed, per day, to spot a feed shared around. The
-- address is stored as a keyed hash, never in the clear.
CREATE TABLE podcast_hits (
    reader_id BIGINT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    day       TEXT NOT NULL, -- UTC, 2006-01-02
    ip_hash   TEXT NOT NULL,
    PRIMARY KEY (reader_id, day, ip_hash)
);
