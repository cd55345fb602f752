-- Outgoing webhooks (issue 15): endpoints staff configure, each with the
-- events it wants (space-separated names) and the signing secret (kept as
-- it is: signing needs it; the admin shows it once). disabled_reason is
-- empty while the endpoint receives deliveries.
CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL,
    events          TEXT NOT NULL,
    secret          TEXT NOT NULL,
    disabled_reason TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- One message to one endpoint, and how its delivery went. msg_id is the
-- webhook-id header: the same on every attempt and on "send again", so
-- receivers can drop duplicates. Only a short excerpt of the last
-- response is kept.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event            TEXT NOT NULL,
    msg_id           TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    response_status  INTEGER NOT NULL DEFAULT 0,
    response_ms      INTEGER NOT NULL DEFAULT 0,
    response_excerpt TEXT NOT NULL DEFAULT '',
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    attempted_at     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
