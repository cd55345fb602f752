-- Narration (internal/audio). A segment is one spoken paragraph, an MP3 in
-- media storage under its key: a hash of (engine, voice, the lexicon
-- entries it uses, the text as spoken). An article's narration is the
-- ordered list of its segments' keys, joined into one file.
CREATE TABLE audio_segments (
    key         TEXT PRIMARY KEY,
    duration_ms INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

-- One row per article that was ever queued or narrated. state is
-- queued, rendering, ready or failed (reason says why); a ready article
-- keeps its file while a new narration is made.
CREATE TABLE article_audio (
    article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'rendering', 'ready', 'failed')),
    reason      TEXT NOT NULL DEFAULT '',
    engine      TEXT NOT NULL DEFAULT '',
    voice       TEXT NOT NULL DEFAULT '',
    segments    TEXT NOT NULL DEFAULT '', -- segment keys, one per line, in order
    file_key    TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL DEFAULT 0,
    bytes       INTEGER NOT NULL DEFAULT 0,
    rendered    INTEGER NOT NULL DEFAULT 0, -- segments spoken by the last narration (the rest were reused)
    -- the article's updated_at that the last finished narration was made
    -- from: a later edit queues a new one.
    source_updated_at INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX article_audio_state ON article_audio (state);

-- The pronunciation dictionary.
CREATE TABLE audio_lexicon (
    id             INTEGER PRIMARY KEY,
    word           TEXT NOT NULL UNIQUE,
    say            TEXT NOT NULL,
    case_sensitive INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL
);

-- Where each reader stopped listening, per article.
CREATE TABLE audio_positions (
    reader_id  INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    seconds    REAL NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (reader_id, article_id)
);
