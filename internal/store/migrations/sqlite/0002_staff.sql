-- Staff accounts, their sign-in sessions and the audit log of staff
-- actions. Times are Unix seconds (UTC).

CREATE TABLE staff (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL CHECK (role IN ('contributor', 'author', 'editor', 'admin', 'owner')),
    password_hash   TEXT NOT NULL,
    totp_secret     TEXT NOT NULL DEFAULT '',
    -- The last TOTP time step accepted: a code is never accepted twice.
    totp_last_step  INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    last_sign_in_at INTEGER NOT NULL DEFAULT 0
);

-- One owner at most.
CREATE UNIQUE INDEX staff_one_owner ON staff (role) WHERE role = 'owner';

-- A session is known by the SHA-256 of its id: a copy of the table does not
-- let anyone sign in. stage is 'totp' between the password and the second
-- factor, 'full' after.
CREATE TABLE staff_sessions (
    id_hash    TEXT PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    stage      TEXT NOT NULL CHECK (stage IN ('totp', 'full')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- actor_email is kept as written so that the log still reads after the
-- account is gone.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES staff (id) ON DELETE SET NULL,
    actor_email TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    target      TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at, id);

-- One-use links sent by e-mail: a password reset (valid an hour) or an
-- invitation to set a first password (valid a week). Kept, like sessions,
-- only as the SHA-256 of the token in the link.
CREATE TABLE staff_tokens (
    id_hash    TEXT PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('reset', 'invite')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX staff_tokens_staff ON staff_tokens (staff_id);
