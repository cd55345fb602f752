-- Content brought over from another system (WordPress, Ghost, Substack).

-- What each imported thing was called at its source, so that a second run
-- of the same import updates instead of duplicating: hash is a digest of
-- the source's fields, and an unchanged hash is skipped.
CREATE TABLE import_sources (
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    target_id   INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (source, kind, source_id)
);

-- Old addresses of imported articles (a WordPress permalink such as
-- /2023/10/23/slug, Ghost's /slug), answered with a 301 to the article.
-- Paths are stored without their trailing slash.
CREATE TABLE redirects (
    path       TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX redirects_article ON redirects (article_id);

-- Imports started from the admin: the uploaded file is worked through by
-- a background job, which records its progress here for the page.
CREATE TABLE import_runs (
    id         INTEGER PRIMARY KEY,
    format     TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    path       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    done       INTEGER NOT NULL DEFAULT 0,
    total      INTEGER NOT NULL DEFAULT 0,
    report     TEXT NOT NULL DEFAULT '',
    staff_id   INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
