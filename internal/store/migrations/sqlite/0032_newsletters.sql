-- Newsletters (issue 15, part 1). A reader's choice of newsletter is a
-- row here; confirmed_at is 0 while the double opt-in mail waits for its
-- click, and only confirmed rows receive mail.
CREATE TABLE newsletter_subscriptions (
    reader_id    INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    newsletter   TEXT NOT NULL CHECK (newsletter IN ('new_issue', 'weekly_digest')),
    confirmed_at INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (reader_id, newsletter)
);
CREATE INDEX newsletter_subscriptions_list ON newsletter_subscriptions (newsletter, confirmed_at, reader_id);

-- One sending of a newsletter: for the new-issue newsletter, one per
-- issue; for the weekly digest, one per week (period, e.g. 2026-W18). The
-- unique keys make a second run find a send, not make another. Issues
-- published before this migration are marked skipped so that the back
-- catalogue is not mailed.
CREATE TABLE newsletter_sends (
    id          INTEGER PRIMARY KEY,
    newsletter  TEXT NOT NULL,
    issue_id    INTEGER REFERENCES issues (id) ON DELETE CASCADE,
    period      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'done', 'skipped')),
    created_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL DEFAULT 0,
    UNIQUE (newsletter, issue_id)
);
CREATE UNIQUE INDEX newsletter_sends_period ON newsletter_sends (newsletter, period) WHERE period <> '';
INSERT INTO newsletter_sends (newsletter, issue_id, status, created_at)
    SELECT 'new_issue', id, 'skipped', 0 FROM issues WHERE published;

-- The claim of one reader in one send, written in the same transaction as
-- the reader's message in the outbox: a sender killed midway and started
-- again skips every reader claimed here, so no reader gets two copies.
CREATE TABLE newsletter_deliveries (
    send_id   INTEGER NOT NULL REFERENCES newsletter_sends (id) ON DELETE CASCADE,
    reader_id INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,
    mail_id   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (send_id, reader_id)
);

-- The one-click unsubscribe URL of a list message (RFC 8058), sent as
-- the List-Unsubscribe header; beside the outbox like mail_attachments
-- (no foreign key, for the same reason), and only for newsletters.
CREATE TABLE mail_list_unsubscribe (
    mail_id INTEGER PRIMARY KEY,
    url     TEXT NOT NULL
);
