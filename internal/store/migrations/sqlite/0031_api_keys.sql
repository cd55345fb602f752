-- Admin API keys (issue 15): made by admins, each with its scopes
-- (space-separated). Only the SHA-256 of the secret is kept; prefix, the
-- first characters of the secret, finds the row and names the key in the
-- admin. revoked_at and last_used_at are 0 until they happen.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_prefix ON api_keys (prefix);
