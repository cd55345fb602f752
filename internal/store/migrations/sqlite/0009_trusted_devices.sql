-- A browser that has signed in to an account: its device cookie (the
-- hash of it) lets a right password in while strangers have the
-- account's guess limit used up (OWASP's device cookies). One of staff_id
-- and reader_id is set.
CREATE TABLE trusted_devices (
    id_hash    TEXT PRIMARY KEY,
    staff_id   INTEGER REFERENCES staff (id) ON DELETE CASCADE,
    reader_id  INTEGER REFERENCES readers (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    CHECK ((staff_id IS NULL) <> (reader_id IS NULL))
);
CREATE INDEX trusted_devices_staff ON trusted_devices (staff_id);
CREATE INDEX trusted_devices_reader ON trusted_devices (reader_id);
