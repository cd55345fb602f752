-- Every save in the editor is a revision: a full copy of the fields an
-- editor can change, numbered per article from 1. The number is also what
-- an open editor form was based on, so a save from a stale form is refused
-- instead of overwriting someone else's work.
CREATE TABLE article_revisions (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number          INTEGER NOT NULL,
    staff_id        INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    -- kept as written so the history still reads after the account is gone
    staff_name      TEXT NOT NULL DEFAULT '',
    -- created, saved, autosaved, published, scheduled, unpublished, restored
    action          TEXT NOT NULL,
    -- 0 for an autosave of a scheduled or published article: it is kept
    -- aside until someone saves, so autosave never changes a live page.
    applied         INTEGER NOT NULL DEFAULT 1,
    headline        TEXT NOT NULL,
    dek             TEXT NOT NULL DEFAULT '',
    slug            TEXT NOT NULL,
    section_id      INTEGER NOT NULL,
    author_ids      TEXT NOT NULL DEFAULT '', -- comma-separated, in byline order
    tags            TEXT NOT NULL DEFAULT '', -- newline-separated names
    status          TEXT NOT NULL,
    visibility      TEXT NOT NULL,
    published_at    INTEGER NOT NULL DEFAULT 0,
    featured_url    TEXT NOT NULL DEFAULT '',
    featured_alt    TEXT NOT NULL DEFAULT '',
    seo_title       TEXT NOT NULL DEFAULT '',
    seo_description TEXT NOT NULL DEFAULT '',
    body_md         TEXT NOT NULL DEFAULT '',
    restored_from   INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    UNIQUE (article_id, number)
);

-- Who started an article: contributors and authors may edit their own.
ALTER TABLE articles ADD COLUMN created_by INTEGER REFERENCES staff (id) ON DELETE SET NULL;
