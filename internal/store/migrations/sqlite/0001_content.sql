-- The magazine's content model. Times are Unix seconds (UTC) in both
-- dialects; dates without a time are 'YYYY-MM-DD' text.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sections (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE authors (
    id        INTEGER PRIMARY KEY,
    slug      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    bio       TEXT NOT NULL DEFAULT '',
    photo_url TEXT NOT NULL DEFAULT ''
);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE media (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);

CREATE TABLE issues (
    id         INTEGER PRIMARY KEY,
    volume     INTEGER NOT NULL,
    number     INTEGER NOT NULL,
    cover_date TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '',
    cover_url  TEXT NOT NULL DEFAULT '',
    published  INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (volume, number)
);
CREATE INDEX issues_cover_date ON issues (published, cover_date);

CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    slug            TEXT NOT NULL UNIQUE,
    headline        TEXT NOT NULL,
    dek             TEXT NOT NULL DEFAULT '',
    section_id      INTEGER NOT NULL REFERENCES sections (id),
    status          TEXT NOT NULL CHECK (status IN ('draft', 'scheduled', 'published')),
    visibility      TEXT NOT NULL CHECK (visibility IN ('public', 'registered', 'subscribers')),
    published_at    INTEGER NOT NULL DEFAULT 0,
    featured_url    TEXT NOT NULL DEFAULT '',
    featured_alt    TEXT NOT NULL DEFAULT '',
    body_md         TEXT NOT NULL DEFAULT '',
    body_html       TEXT NOT NULL DEFAULT '',
    preview_html    TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    body_text       TEXT NOT NULL DEFAULT '',
    word_count      INTEGER NOT NULL DEFAULT 0,
    page_count      INTEGER NOT NULL DEFAULT 1,
    issue_id        INTEGER REFERENCES issues (id) ON DELETE SET NULL,
    issue_position  INTEGER NOT NULL DEFAULT 0,
    seo_title       TEXT NOT NULL DEFAULT '',
    seo_description TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX articles_published ON articles (status, published_at DESC, id DESC);
CREATE INDEX articles_section ON articles (section_id, status, published_at DESC, id DESC);
CREATE INDEX articles_issue ON articles (issue_id, issue_position);

-- Old slugs keep working: a request for one redirects to the current slug.
CREATE TABLE article_slugs (
    slug       TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES authors (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_author ON article_authors (author_id, article_id);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);
