-- Each issue's built editions: one row per format (epub, pdf, replica).
-- media_key is '' until a build succeeds; a failed build keeps the last
-- good file and records why (error, failed_at) for the admin. source is
-- the fingerprint of the content the file was built from: a different
-- one means the file is stale and is rebuilt.
CREATE TABLE issue_editions (
    issue_id  INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    format    TEXT NOT NULL CHECK (format IN ('epub', 'pdf', 'replica')),
    media_key TEXT NOT NULL DEFAULT '',
    size      INTEGER NOT NULL DEFAULT 0,
    source    TEXT NOT NULL DEFAULT '',
    built_at  INTEGER NOT NULL DEFAULT 0,
    seconds   REAL NOT NULL DEFAULT 0,
    error     TEXT NOT NULL DEFAULT '',
    failed_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (issue_id, format)
);

-- Where a reader is in an issue's web edition.
CREATE TABLE edition_positions (
    reader_id  INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    issue_id   INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (reader_id, issue_id)
);

-- A reader's e-reader settings: the private OPDS catalogue's secret (its
-- SHA-256, never the secret) and the Kindle address new issues go to.
CREATE TABLE reader_ereaders (
    reader_id    INTEGER PRIMARY KEY REFERENCES readers (id) ON DELETE CASCADE,
    opds_hash    TEXT UNIQUE,
    kindle_email TEXT NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL
);

-- Which issue's EPUB went to which Kindle, so each goes once.
CREATE TABLE kindle_deliveries (
    reader_id INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    issue_id  INTEGER NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    sent_at   INTEGER NOT NULL,
    PRIMARY KEY (reader_id, issue_id)
);

-- A message may carry one stored file (an issue's EPUB, for a Kindle),
-- attached when it is sent: the outbox keeps the key, not the bytes. A
-- table of its own leaves the outbox's as migration 0003 made it.
CREATE TABLE mail_attachments (
    mail_id   INTEGER PRIMARY KEY,
    media_key TEXT NOT NULL,
    file_name TEXT NOT NULL
);
