-- Readers may add a password to signing in by link. The argon2id hash in
-- PHC form, or '' for none.
ALTER TABLE readers ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
