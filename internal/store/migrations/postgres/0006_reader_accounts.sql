-- Reader accounts: sign-in by e-mailed link, sessions, and the meter.
-- verified_at is when the reader first proved the address by opening a
-- link; an account made at checkout starts unverified.
ALTER TABLE readers ADD COLUMN verified_at BIGINT NOT NULL DEFAULT 0;

-- A link token is stored only as its hash, works once and expires.
CREATE TABLE reader_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('sign_in', 'sign_up', 'email_change')),
    email      TEXT NOT NULL, -- where the link went: the account's, the new one's, or the one to sign up
    reader_id  BIGINT NOT NULL DEFAULT 0, -- 0 for a sign-up
    name       TEXT NOT NULL DEFAULT '',
    return_to  TEXT NOT NULL DEFAULT '', -- a local path to go back to after signing in
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX reader_tokens_expiry ON reader_tokens (expires_at);

-- verified is 0 for the session a new account gets at checkout, before
-- the address is proven; the first link sign-in ends those sessions.
CREATE TABLE reader_sessions (
    id_hash    TEXT PRIMARY KEY,
    reader_id  BIGINT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    verified   BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reader_sessions_reader ON reader_sessions (reader_id);

-- The meter: which subscribers-only articles a registered reader without a
-- subscription opened in a month (UTC, "2006-01").
CREATE TABLE meter_opens (
    reader_id  BIGINT NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    month      TEXT NOT NULL,
    article_id BIGINT NOT NULL,
    opened_at  BIGINT NOT NULL,
    PRIMARY KEY (reader_id, month, article_id)
);
