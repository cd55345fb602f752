-- The mailing labels of an issue's list, per paper size: made as a PDF
-- by a background job (a long list takes WeasyPrint minutes), kept in
-- media storage, and offered for download once made. A request made
-- again keeps the last good file until the new one is ready.
CREATE TABLE mailing_labels (
    issue_id     BIGINT NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    paper        TEXT NOT NULL CHECK (paper IN ('letter', 'a4')),
    requested_at BIGINT NOT NULL,
    requested_by TEXT NOT NULL,
    pending      BOOLEAN NOT NULL DEFAULT TRUE, -- asked for and not yet made or failed
    media_key    TEXT NOT NULL DEFAULT '',
    size         BIGINT NOT NULL DEFAULT 0,
    labels       BIGINT NOT NULL DEFAULT 0,
    list_sha256  TEXT NOT NULL DEFAULT '', -- the kept list they were made from; '' for a provisional one
    made_at      BIGINT NOT NULL DEFAULT 0,
    seconds      DOUBLE PRECISION NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    failed_at    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (issue_id, paper)
);
