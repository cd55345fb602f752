-- Billing: readers, plans, subscriptions and their history, payments, and
-- the provider webhook events already applied. Times are Unix seconds, 0
-- for "not set"; money is in the currency's minor unit.
CREATE TABLE readers (
    id         INTEGER PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE, -- stored lower-cased
    name       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    deleted_at INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE plans (
    id                 INTEGER PRIMARY KEY,
    slug               TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    monthly_price      INTEGER NOT NULL DEFAULT 0,
    yearly_price       INTEGER NOT NULL DEFAULT 0,
    currency           TEXT NOT NULL,
    trial_days         INTEGER NOT NULL DEFAULT 0,
    refund_window_days INTEGER NOT NULL DEFAULT 60,
    entitlements       TEXT NOT NULL, -- comma-separated magazine.Entitlement names
    active             INTEGER NOT NULL DEFAULT 1,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);

CREATE TABLE subscriptions (
    id                       INTEGER PRIMARY KEY,
    reader_id                INTEGER NOT NULL REFERENCES readers (id),
    plan_id                  INTEGER NOT NULL REFERENCES plans (id),
    status                   TEXT NOT NULL CHECK (status IN ('incomplete', 'trialing', 'active', 'past_due', 'canceled', 'refunded', 'expired')),
    billing_interval         TEXT NOT NULL DEFAULT '' CHECK (billing_interval IN ('', 'month', 'year')),
    currency                 TEXT NOT NULL DEFAULT '',
    amount                   INTEGER NOT NULL DEFAULT 0,
    current_period_end       INTEGER NOT NULL DEFAULT 0,
    cancel_at_period_end     INTEGER NOT NULL DEFAULT 0,
    grace_until              INTEGER NOT NULL DEFAULT 0,
    first_payment_at         INTEGER NOT NULL DEFAULT 0,
    comp                     INTEGER NOT NULL DEFAULT 0,
    ended_at                 INTEGER NOT NULL DEFAULT 0,
    provider                 TEXT NOT NULL DEFAULT '', -- test, stripe, comp
    provider_checkout_id     TEXT NOT NULL DEFAULT '',
    provider_subscription_id TEXT NOT NULL DEFAULT '',
    provider_customer_id     TEXT NOT NULL DEFAULT '',
    -- provider_at is the provider's time of the last event that changed
    -- the status: an older event arriving late does not undo a newer one.
    provider_at              INTEGER NOT NULL DEFAULT 0,
    ship_name                TEXT NOT NULL DEFAULT '',
    ship_line1               TEXT NOT NULL DEFAULT '',
    ship_line2               TEXT NOT NULL DEFAULT '',
    ship_city                TEXT NOT NULL DEFAULT '',
    ship_region              TEXT NOT NULL DEFAULT '',
    ship_postal_code         TEXT NOT NULL DEFAULT '',
    ship_country             TEXT NOT NULL DEFAULT '',
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL
);
CREATE UNIQUE INDEX subscriptions_provider_sub ON subscriptions (provider, provider_subscription_id) WHERE provider_subscription_id <> '';
CREATE UNIQUE INDEX subscriptions_provider_checkout ON subscriptions (provider, provider_checkout_id) WHERE provider_checkout_id <> '';
CREATE INDEX subscriptions_reader ON subscriptions (reader_id);
CREATE INDEX subscriptions_plan_status ON subscriptions (plan_id, status);

-- Every change to a subscription is an event in its history.
CREATE TABLE subscription_events (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    at              INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    from_status     TEXT NOT NULL DEFAULT '',
    to_status       TEXT NOT NULL DEFAULT '',
    detail          TEXT NOT NULL DEFAULT '',
    actor           TEXT NOT NULL DEFAULT '' -- "reader", "staff:<email>", "provider:<event id>", "system"
);
CREATE INDEX subscription_events_sub ON subscription_events (subscription_id, id);

CREATE TABLE payments (
    id                  INTEGER PRIMARY KEY,
    subscription_id     INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    amount              INTEGER NOT NULL,
    currency            TEXT NOT NULL,
    provider            TEXT NOT NULL,
    provider_payment_id TEXT NOT NULL,            -- the invoice (Stripe) or test payment
    provider_charge_id  TEXT NOT NULL DEFAULT '', -- what a refund is made against (payment intent or charge)
    receipt_url         TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status IN ('paid', 'refunding', 'refunded')),
    paid_at             INTEGER NOT NULL,
    refunded_at         INTEGER NOT NULL DEFAULT 0,
    refund_key          TEXT NOT NULL DEFAULT '', -- the idempotency key the refund was sent with
    provider_refund_id  TEXT NOT NULL DEFAULT '',
    UNIQUE (provider, provider_payment_id)
);
CREATE UNIQUE INDEX payments_refund_key ON payments (refund_key) WHERE refund_key <> '';
CREATE INDEX payments_sub ON payments (subscription_id, paid_at);
CREATE INDEX payments_charge ON payments (provider, provider_charge_id) WHERE provider_charge_id <> '';

-- Each provider event is applied once: its id is recorded in the same
-- transaction as its effect.
CREATE TABLE webhook_events (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    type        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (provider, event_id)
);
