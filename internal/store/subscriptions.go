package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Subscription is a magazine.Subscription with what billing keeps about
// it: the provider's ids, the price signed up at and the shipping address.
type Subscription struct {
	magazine.Subscription
	Currency               string
	Amount                 int64  // per interval, minor units
	Provider               string // "test", "stripe" or "comp"
	CheckoutID             string
	ProviderSubscriptionID string
	ProviderCustomerID     string
	// ProviderAt is the provider's time of the last event applied to the
	// status; an older event arriving late does not undo a newer one.
	ProviderAt time.Time
	Shipping   magazine.Address
	CreatedAt  time.Time
}

// SubEvent is one entry in a subscription's history.
type SubEvent struct {
	ID             int64
	SubscriptionID int64
	At             time.Time
	Kind           string // e.g. "checkout_started", "activated", "payment_failed", "canceled", "refunded", "comp"
	FromStatus     magazine.SubStatus
	ToStatus       magazine.SubStatus
	Detail         string
	Actor          string // "reader", "staff:EMAIL", "provider:EVENT_ID", "system"
}

const subCols = `id, reader_id, plan_id, status, billing_interval, currency, amount, current_period_end, cancel_at_period_end,
	grace_until, first_payment_at, comp, ended_at, provider, provider_checkout_id, provider_subscription_id,
	provider_customer_id, provider_at, ship_name, ship_line1, ship_line2, ship_city, ship_region, ship_postal_code,
	ship_country, created_at, updated_at`

func scanSubscription(row scanner) (Subscription, error) {
	var s Subscription
	var status string
	var periodEnd, grace, first, ended, provAt, created, updated int64
	a := &s.Shipping
	err := row.Scan(&s.ID, &s.ReaderID, &s.PlanID, &status, &s.Interval, &s.Currency, &s.Amount, &periodEnd,
		&s.CancelAtPeriodEnd, &grace, &first, &s.Comp, &ended, &s.Provider, &s.CheckoutID, &s.ProviderSubscriptionID,
		&s.ProviderCustomerID, &provAt, &a.Name, &a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country,
		&created, &updated)
	s.Status = magazine.SubStatus(status)
	s.CurrentPeriodEnd, s.GraceUntil, s.FirstPaymentAt, s.EndedAt = unixTime(periodEnd), unixTime(grace), unixTime(first), unixTime(ended)
	s.ProviderAt, s.CreatedAt, s.UpdatedAt = unixTime(provAt), unixTime(created), unixTime(updated)
	return s, err
}

// Subscription returns the subscription with id.
func (s *Store) Subscription(ctx context.Context, id int64) (Subscription, error) {
	sub, err := scanSubscription(s.queryRow(ctx, "SELECT "+subCols+" FROM subscriptions WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return sub, notFound("Subscription")
	} else if err != nil {
		return sub, fmt.Errorf("read subscription %d: %w", id, err)
	}
	return sub, nil
}

// ReaderSubscriptions returns a reader's subscriptions, newest first.
func (s *Store) ReaderSubscriptions(ctx context.Context, readerID int64) ([]Subscription, error) {
	return s.subscriptionList(ctx, "SELECT "+subCols+" FROM subscriptions WHERE reader_id = ? ORDER BY id DESC", readerID)
}

func (s *Store) subscriptionList(ctx context.Context, q string, args ...any) ([]Subscription, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	defer rows.Close()
	var out []Subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("scan subscription: %w", err)
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// ReaderEntitlements returns what the reader's subscriptions give at now:
// only those that grant access (active or trialing inside their period,
// past due inside the grace period) count.
func (s *Store) ReaderEntitlements(ctx context.Context, readerID int64, now time.Time) (map[magazine.Entitlement]bool, error) {
	rows, err := s.query(ctx, `SELECT `+prefixCols("s.", subCols)+`, p.entitlements FROM subscriptions s
		JOIN plans p ON p.id = s.plan_id
		WHERE s.reader_id = ? AND s.status IN ('trialing', 'active', 'past_due')`, readerID)
	if err != nil {
		return nil, fmt.Errorf("read entitlements of reader %d: %w", readerID, err)
	}
	defer rows.Close()
	out := map[magazine.Entitlement]bool{}
	for rows.Next() {
		var ents string
		sub, err := scanSubscription(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &ents)...) }))
		if err != nil {
			return nil, fmt.Errorf("scan subscription: %w", err)
		}
		if sub.GrantsAccess(now) {
			for _, e := range splitEntitlements(ents) {
				out[e] = true
			}
		}
	}
	return out, rows.Err()
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

func prefixCols(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// SubscriberFilter narrows the circulation list.
type SubscriberFilter struct {
	PlanID int64              // 0: every plan
	Status magazine.SubStatus // "": every status
	// HideIncomplete leaves out checkouts never paid for (with Status "").
	HideIncomplete bool
	Email          string // a part of the reader's address or name
	Limit          int    // 0: 100
	Offset         int
}

// Subscriber is a row of the circulation list.
type Subscriber struct {
	Subscription
	Email    string
	PlanName string
}

// Subscribers lists subscriptions with their reader and plan, newest
// first, for the circulation pages and the CSV export.
func (s *Store) Subscribers(ctx context.Context, f SubscriberFilter) ([]Subscriber, error) {
	where := []string{"1 = 1"}
	var args []any
	if f.PlanID != 0 {
		where, args = append(where, "s.plan_id = ?"), append(args, f.PlanID)
	}
	if f.Status != "" {
		where, args = append(where, "s.status = ?"), append(args, string(f.Status))
	} else if f.HideIncomplete {
		where = append(where, "s.status <> 'incomplete'")
	}
	if e := strings.ToLower(strings.TrimSpace(f.Email)); e != "" {
		e = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(e)
		where = append(where, `(r.email LIKE ? ESCAPE '\' OR LOWER(r.name) LIKE ? ESCAPE '\')`)
		args = append(args, "%"+e+"%", "%"+e+"%")
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := s.query(ctx, `SELECT `+prefixCols("s.", subCols)+`, r.email, p.name FROM subscriptions s
		JOIN readers r ON r.id = s.reader_id JOIN plans p ON p.id = s.plan_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY s.id DESC LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list subscribers: %w", err)
	}
	defer rows.Close()
	var out []Subscriber
	for rows.Next() {
		var sb Subscriber
		sb.Subscription, err = scanSubscription(scanFunc(func(dest ...any) error {
			return rows.Scan(append(dest, &sb.Email, &sb.PlanName)...)
		}))
		if err != nil {
			return nil, fmt.Errorf("scan subscriber: %w", err)
		}
		out = append(out, sb)
	}
	return out, rows.Err()
}

// SubscriptionEvents returns a subscription's history, oldest first.
func (s *Store) SubscriptionEvents(ctx context.Context, subID int64) ([]SubEvent, error) {
	rows, err := s.query(ctx, `SELECT id, subscription_id, at, kind, from_status, to_status, detail, actor
		FROM subscription_events WHERE subscription_id = ? ORDER BY id`, subID)
	if err != nil {
		return nil, fmt.Errorf("read history of subscription %d: %w", subID, err)
	}
	defer rows.Close()
	var out []SubEvent
	for rows.Next() {
		var e SubEvent
		var at int64
		var from, to string
		if err := rows.Scan(&e.ID, &e.SubscriptionID, &at, &e.Kind, &from, &to, &e.Detail, &e.Actor); err != nil {
			return nil, fmt.Errorf("scan subscription event: %w", err)
		}
		e.At, e.FromStatus, e.ToStatus = unixTime(at), magazine.SubStatus(from), magazine.SubStatus(to)
		out = append(out, e)
	}
	return out, rows.Err()
}

// BillingTx is one write transaction of the billing service: the state
// machine in internal/billing reads and changes subscriptions, payments
// and the outbox through it, so that a change, its history event, its
// e-mail and the webhook event that caused it commit together or not at
// all.
type BillingTx struct {
	s       *Store
	tx      *sql.Tx
	ctx     context.Context
	changes []SubChange
}

// SubChange is a subscription a billing transaction wrote, and the status
// it had before (empty for a new one): the billing service tells webhooks
// about them once the transaction commits.
type SubChange struct {
	Sub  Subscription
	From magazine.SubStatus
}

// Changes returns the subscriptions written so far in this transaction,
// in order.
func (b *BillingTx) Changes() []SubChange { return b.changes }

// Billing runs fn in one write transaction.
func (s *Store) Billing(ctx context.Context, fn func(btx *BillingTx) error) error {
	defer s.readersChanged()
	return s.withTx(ctx, func(tx *sql.Tx) error { return fn(&BillingTx{s: s, tx: tx, ctx: ctx}) })
}

// ApplyWebhook records provider event eventID and runs fn in the same
// transaction. An event already recorded is not applied again: applied is
// false and fn does not run. When fn fails nothing is recorded, so the
// provider's retry applies it.
func (s *Store) ApplyWebhook(ctx context.Context, provider, eventID, typ string, fn func(btx *BillingTx) error) (applied bool, err error) {
	defer s.readersChanged()
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `INSERT INTO webhook_events (provider, event_id, type, received_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (provider, event_id) DO NOTHING`, provider, eventID, typ, s.Now().Unix())
		if err != nil {
			return fmt.Errorf("record %s event %s: %w", provider, eventID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		applied = true
		return fn(&BillingTx{s: s, tx: tx, ctx: ctx})
	})
	if err != nil {
		applied = false
	}
	return applied, err
}

// WebhookEventSeen reports whether a provider event was applied.
func (s *Store) WebhookEventSeen(ctx context.Context, provider, eventID string) (bool, error) {
	var n int
	err := s.queryRow(ctx, "SELECT count(*) FROM webhook_events WHERE provider = ? AND event_id = ?", provider, eventID).Scan(&n)
	return n > 0, err
}

// Now is the store's clock.
func (b *BillingTx) Now() time.Time { return b.s.Now() }

// Tx is the transaction, for other packages' *Tx helpers such as
// Store.EnqueueMailTx.
func (b *BillingTx) Tx() *sql.Tx { return b.tx }

// EnqueueMail adds a message to the outbox in this transaction.
func (b *BillingTx) EnqueueMail(m Mail) error {
	_, err := b.s.EnqueueMailTx(b.ctx, b.tx, m)
	return err
}

// Reader returns the reader with id.
func (b *BillingTx) Reader(id int64) (Reader, error) { return b.s.readerTx(b.ctx, b.tx, id) }

// Plan returns the plan with id.
func (b *BillingTx) Plan(id int64) (magazine.Plan, error) { return b.s.planTx(b.ctx, b.tx, id) }

// Subscription returns the subscription with id, locked until the
// transaction ends.
func (b *BillingTx) Subscription(id int64) (Subscription, error) {
	return b.subscriptionWhere("id = ?", id)
}

// SubscriptionByProviderID returns the subscription the provider knows as
// providerSubID, locked.
func (b *BillingTx) SubscriptionByProviderID(provider, providerSubID string) (Subscription, error) {
	if providerSubID == "" {
		return Subscription{}, notFound("Subscription")
	}
	return b.subscriptionWhere("provider = ? AND provider_subscription_id = ?", provider, providerSubID)
}

// SubscriptionByCheckout returns the subscription started by checkout
// session checkoutID, locked.
func (b *BillingTx) SubscriptionByCheckout(provider, checkoutID string) (Subscription, error) {
	if checkoutID == "" {
		return Subscription{}, notFound("Subscription")
	}
	return b.subscriptionWhere("provider = ? AND provider_checkout_id = ?", provider, checkoutID)
}

func (b *BillingTx) subscriptionWhere(where string, args ...any) (Subscription, error) {
	q := b.s.d.q("SELECT " + subCols + " FROM subscriptions WHERE " + where + b.s.d.forUpdate())
	sub, err := scanSubscription(b.tx.QueryRowContext(b.ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return sub, notFound("Subscription")
	} else if err != nil {
		return sub, fmt.Errorf("read subscription (%v): %w", args, err)
	}
	return sub, nil
}

// InsertSubscription adds sub and the first event of its history, and
// returns its id.
func (b *BillingTx) InsertSubscription(sub Subscription, ev SubEvent) (int64, error) {
	now := b.s.Now().Unix()
	a := sub.Shipping
	id, err := b.s.insert(b.ctx, b.tx, `INSERT INTO subscriptions (reader_id, plan_id, status, billing_interval, currency, amount,
		current_period_end, cancel_at_period_end, grace_until, first_payment_at, comp, ended_at, provider, provider_checkout_id,
		provider_subscription_id, provider_customer_id, provider_at, ship_name, ship_line1, ship_line2, ship_city, ship_region,
		ship_postal_code, ship_country, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sub.ReaderID, sub.PlanID, string(sub.Status), sub.Interval, sub.Currency, sub.Amount,
		unixOrZero(sub.CurrentPeriodEnd), sub.CancelAtPeriodEnd, unixOrZero(sub.GraceUntil), unixOrZero(sub.FirstPaymentAt),
		sub.Comp, unixOrZero(sub.EndedAt), sub.Provider, sub.CheckoutID, sub.ProviderSubscriptionID, sub.ProviderCustomerID,
		unixOrZero(sub.ProviderAt), a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, now, now)
	if isForeignKeyViolation(err) {
		return 0, magazine.Errorf(magazine.EINVALID, "No such reader or plan.")
	} else if isUniqueViolation(err) {
		return 0, magazine.Errorf(magazine.ECONFLICT, "This checkout or provider subscription is already recorded.")
	} else if err != nil {
		return 0, fmt.Errorf("create subscription for reader %d: %w", sub.ReaderID, err)
	}
	if a.Country != "" {
		if err := b.recordAddress(id, time.Time{}, a, "checkout", true); err != nil {
			return 0, err
		}
	}
	ev.SubscriptionID, ev.ToStatus = id, sub.Status
	sub.ID = id
	b.changes = append(b.changes, SubChange{Sub: sub})
	return id, b.AddEvent(ev)
}

// SaveSubscription writes every mutable field of sub and, when ev.Kind is
// set, adds ev to its history with the status it went from.
func (b *BillingTx) SaveSubscription(sub Subscription, from magazine.SubStatus, ev SubEvent) error {
	a := sub.Shipping
	res, err := b.s.exec(b.ctx, b.tx, `UPDATE subscriptions SET plan_id = ?, status = ?, billing_interval = ?, currency = ?, amount = ?,
		current_period_end = ?, cancel_at_period_end = ?, grace_until = ?, first_payment_at = ?, comp = ?, ended_at = ?,
		provider_checkout_id = ?, provider_subscription_id = ?, provider_customer_id = ?, provider_at = ?,
		ship_name = ?, ship_line1 = ?, ship_line2 = ?, ship_city = ?, ship_region = ?, ship_postal_code = ?, ship_country = ?,
		updated_at = ? WHERE id = ?`,
		sub.PlanID, string(sub.Status), sub.Interval, sub.Currency, sub.Amount, unixOrZero(sub.CurrentPeriodEnd), sub.CancelAtPeriodEnd,
		unixOrZero(sub.GraceUntil), unixOrZero(sub.FirstPaymentAt), sub.Comp, unixOrZero(sub.EndedAt), sub.CheckoutID,
		sub.ProviderSubscriptionID, sub.ProviderCustomerID, unixOrZero(sub.ProviderAt), a.Name, a.Line1, a.Line2, a.City,
		a.Region, a.PostalCode, a.Country, b.s.Now().Unix(), sub.ID)
	if isUniqueViolation(err) {
		return magazine.Errorf(magazine.ECONFLICT, "Another subscription already has provider id %s.", sub.ProviderSubscriptionID)
	} else if err != nil {
		return fmt.Errorf("save subscription %d: %w", sub.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("Subscription")
	}
	b.changes = append(b.changes, SubChange{Sub: sub, From: from})
	if ev.Kind == "" {
		return nil
	}
	ev.SubscriptionID, ev.FromStatus, ev.ToStatus = sub.ID, from, sub.Status
	return b.AddEvent(ev)
}

// AddEvent adds ev to its subscription's history; a zero At is now.
func (b *BillingTx) AddEvent(ev SubEvent) error {
	if ev.At.IsZero() {
		ev.At = b.s.Now()
	}
	if len(ev.Detail) > 1000 {
		ev.Detail = ev.Detail[:1000]
	}
	_, err := b.s.insert(b.ctx, b.tx, `INSERT INTO subscription_events (subscription_id, at, kind, from_status, to_status, detail, actor)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, ev.SubscriptionID, ev.At.Unix(), ev.Kind, string(ev.FromStatus), string(ev.ToStatus), ev.Detail, ev.Actor)
	if err != nil {
		return fmt.Errorf("record %s on subscription %d: %w", ev.Kind, ev.SubscriptionID, err)
	}
	return nil
}

// DueSubscriptions returns up to limit subscriptions of the providers
// that still grant access by their status but whose period ended by now.
func (s *Store) DueSubscriptions(ctx context.Context, providers []string, now time.Time, limit int) ([]Subscription, error) {
	if len(providers) == 0 {
		return nil, nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(providers)), ", ")
	args := []any{}
	for _, p := range providers {
		args = append(args, p)
	}
	args = append(args, now.Unix(), limit)
	return s.subscriptionList(ctx, "SELECT "+subCols+" FROM subscriptions WHERE provider IN ("+marks+`)
		AND status IN ('trialing', 'active', 'past_due') AND current_period_end > 0 AND current_period_end <= ?
		ORDER BY current_period_end LIMIT ?`, args...)
}
