-- The print edition's fulfilment: shipping-address history, delivery
-- holds, the frozen mailing list of each issue, and the print subscribers
-- imported from a fulfilment house. Dates are midnight UTC in Unix
-- seconds.

-- Every shipping address a print subscription has had, with the day it
-- applies from: the address in force on a day is the latest row whose
-- effective_on is not after it. 0 is the address given at checkout.
-- applied is 0 for a change dated ahead until the sweep copies it to the
-- subscription's ship_* columns, the address pages and exports show.
CREATE TABLE shipping_addresses (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    effective_on    INTEGER NOT NULL,
    name            TEXT NOT NULL,
    line1           TEXT NOT NULL,
    line2           TEXT NOT NULL DEFAULT '',
    city            TEXT NOT NULL,
    region          TEXT NOT NULL DEFAULT '',
    postal_code     TEXT NOT NULL DEFAULT '',
    country         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    actor           TEXT NOT NULL DEFAULT '',
    applied         INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX shipping_addresses_pending ON shipping_addresses (effective_on) WHERE applied = 0;
CREATE INDEX shipping_addresses_sub ON shipping_addresses (subscription_id, effective_on, id);

INSERT INTO shipping_addresses (subscription_id, effective_on, name, line1, line2, city, region, postal_code, country, created_at, actor)
    SELECT id, 0, ship_name, ship_line1, ship_line2, ship_city, ship_region, ship_postal_code, ship_country, created_at, 'checkout'
    FROM subscriptions WHERE ship_country <> '';

-- A hold stops the magazine for the issues whose cut-off falls from
-- starts_on to ends_on (both included). extends is how many issues it
-- adds at the end of the subscription: those it misses, when the setting
-- that holds extend subscriptions was on as it was made; else 0.
CREATE TABLE delivery_holds (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    starts_on       INTEGER NOT NULL,
    ends_on         INTEGER NOT NULL CHECK (ends_on >= starts_on),
    extends         INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    actor           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX delivery_holds_sub ON delivery_holds (subscription_id, starts_on);

-- How many copies of each issue a print subscription gets.
ALTER TABLE subscriptions ADD COLUMN print_copies INTEGER NOT NULL DEFAULT 1;

-- Print subscribers brought from a fulfilment house keep the account
-- number printed on their label; a reader claims one at /account/link.
CREATE TABLE print_accounts (
    account_number  TEXT PRIMARY KEY,
    subscription_id INTEGER NOT NULL UNIQUE REFERENCES subscriptions (id) ON DELETE CASCADE,
    imported_at     INTEGER NOT NULL,
    claimed_at      INTEGER NOT NULL DEFAULT 0,
    claimed_by      INTEGER NOT NULL DEFAULT 0
);

-- An issue's mailing list as it was first produced after the cut-off:
-- the CSV's bytes in chunks, and what the summary page shows.
CREATE TABLE mailing_lists (
    issue_id    INTEGER PRIMARY KEY,
    label       TEXT NOT NULL,
    cutoff      INTEGER NOT NULL,
    produced_at INTEGER NOT NULL,
    produced_by TEXT NOT NULL,
    summary     TEXT NOT NULL, -- JSON: copies by country and region, the draw
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL
);
CREATE TABLE mailing_list_chunks (
    issue_id INTEGER NOT NULL REFERENCES mailing_lists (issue_id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (issue_id, seq)
);
