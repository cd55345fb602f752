package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// MeterMonth is the month the meter counts in: UTC, "2006-01".
func MeterMonth(t time.Time) string { return t.UTC().Format("2006-01") }

// meterQuery counts a reader's articles opened on the meter in a month,
// and whether one of them is the given article.
const meterQuery = `SELECT COUNT(*), COALESCE(SUM(CASE WHEN article_id = ? THEN 1 ELSE 0 END), 0)
	FROM meter_opens WHERE reader_id = ? AND month = ?`

// Meter returns how many subscribers-only articles the reader opened on
// the meter in the month of now, and whether articleID is one of them.
func (s *Store) Meter(ctx context.Context, readerID, articleID int64, now time.Time) (opened int, this bool, err error) {
	var mine int
	err = s.queryRow(ctx, meterQuery, articleID, readerID, MeterMonth(now)).Scan(&opened, &mine)
	if err != nil {
		return 0, false, fmt.Errorf("read meter of reader %d: %w", readerID, err)
	}
	return opened, mine > 0, nil
}

// OpenOnMeter spends one of the reader's free articles on articleID,
// unless that would go past limit. Opening the same article again in the
// month costs nothing. It reports whether the reader may read it. The
// count is taken and written in one transaction, so two tabs opening two
// articles at once cannot both have the last free one.
func (s *Store) OpenOnMeter(ctx context.Context, readerID, articleID int64, limit int, now time.Time) (bool, error) {
	ok := false
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		month := MeterMonth(now)
		var opened, mine int
		err := tx.QueryRowContext(ctx, s.d.q(meterQuery), articleID, readerID, month).Scan(&opened, &mine)
		if err != nil {
			return err
		}
		if mine > 0 {
			ok = true
			return nil
		}
		if opened >= limit {
			return nil
		}
		if s.d.name == "postgres" {
			// Serialize one reader's meter: the count above and this
			// insert must not interleave with another tab's.
			if _, err := s.exec(ctx, tx, "SELECT pg_advisory_xact_lock(727211, ?::int)", int32(readerID)); err != nil {
				return err
			}
			if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM meter_opens WHERE reader_id = ? AND month = ?`),
				readerID, month).Scan(&opened); err != nil {
				return err
			}
			if opened >= limit {
				return nil
			}
		}
		_, err = s.exec(ctx, tx, `INSERT INTO meter_opens (reader_id, month, article_id, opened_at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, readerID, month, articleID, now.Unix())
		ok = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("open article %d on the meter of reader %d: %w", articleID, readerID, err)
	}
	return ok, nil
}

// ReaderExport is everything Masthead keeps about a reader, for the
// "download my data" button.
type ReaderExport struct {
	Email     string          `json:"email"`
	Name      string          `json:"name"`
	CreatedAt time.Time       `json:"created_at"`
	Verified  bool            `json:"email_verified"`
	Subs      []ExportSub     `json:"subscriptions"`
	Meter     []ExportMeter   `json:"free_articles_opened"`
	Sessions  []ExportSession `json:"sessions"`
}

// ExportSub is one subscription in a reader's export.
type ExportSub struct {
	Plan             string           `json:"plan"`
	Status           string           `json:"status"`
	Interval         string           `json:"interval"`
	Amount           string           `json:"amount"`
	CurrentPeriodEnd time.Time        `json:"current_period_end"`
	Shipping         magazine.Address `json:"shipping_address"`
	// Addresses is every shipping address, with the day it applies from.
	Addresses []ExportAddress `json:"shipping_address_history,omitempty"`
	Payments  []ExportPayment `json:"payments"`
	History   []ExportEvent   `json:"history"`
}

// ExportAddress is one shipping address in a reader's export; the
// checkout's has no date.
type ExportAddress struct {
	From    time.Time        `json:"from,omitzero"`
	Address magazine.Address `json:"address"`
}

// ExportPayment is one payment in a reader's export.
type ExportPayment struct {
	Amount   string    `json:"amount"`
	PaidAt   time.Time `json:"paid_at"`
	Status   string    `json:"status"`
	Refunded time.Time `json:"refunded_at,omitzero"`
}

// ExportEvent is one history entry in a reader's export.
type ExportEvent struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Detail string    `json:"detail,omitempty"`
}

// ExportMeter is one article opened on the meter.
type ExportMeter struct {
	Month     string `json:"month"`
	ArticleID int64  `json:"article_id"`
}

// ExportSession is one signed-in browser.
type ExportSession struct {
	CreatedAt time.Time `json:"signed_in_at"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"user_agent"`
}

// Money formats an amount in minor units, e.g. "12.50 USD".
func Money(amount int64, currency string) string {
	sign := ""
	if amount < 0 {
		sign, amount = "-", -amount
	}
	cents := strconv.FormatInt(amount%100, 10)
	if len(cents) == 1 {
		cents = "0" + cents
	}
	return sign + strconv.FormatInt(amount/100, 10) + "." + cents + " " + currency
}

// ExportReader gathers a reader's data.
func (s *Store) ExportReader(ctx context.Context, readerID int64) (ReaderExport, error) {
	r, err := s.Reader(ctx, readerID)
	if err != nil {
		return ReaderExport{}, err
	}
	out := ReaderExport{Email: r.Email, Name: r.Name, CreatedAt: r.CreatedAt, Verified: !r.VerifiedAt.IsZero(),
		Subs: []ExportSub{}, Meter: []ExportMeter{}, Sessions: []ExportSession{}}
	subs, err := s.ReaderSubscriptions(ctx, readerID)
	if err != nil {
		return out, err
	}
	for _, sub := range subs {
		plan, err := s.Plan(ctx, sub.PlanID)
		if err != nil {
			return out, err
		}
		es := ExportSub{Plan: plan.Name, Status: string(sub.Status), Interval: sub.Interval, Amount: Money(sub.Amount, sub.Currency),
			CurrentPeriodEnd: sub.CurrentPeriodEnd, Shipping: sub.Shipping, Payments: []ExportPayment{}, History: []ExportEvent{}}
		addrs, err := s.AddressHistory(ctx, sub.ID)
		if err != nil {
			return out, err
		}
		for _, a := range addrs {
			es.Addresses = append(es.Addresses, ExportAddress{From: a.EffectiveOn, Address: a.Address})
		}
		pays, err := s.SubscriptionPayments(ctx, sub.ID)
		if err != nil {
			return out, err
		}
		for _, p := range pays {
			es.Payments = append(es.Payments, ExportPayment{Amount: Money(p.Amount, p.Currency), PaidAt: p.PaidAt, Status: p.Status, Refunded: p.RefundedAt})
		}
		evs, err := s.SubscriptionEvents(ctx, sub.ID)
		if err != nil {
			return out, err
		}
		for _, e := range evs {
			es.History = append(es.History, ExportEvent{At: e.At, Kind: e.Kind, Detail: e.Detail})
		}
		out.Subs = append(out.Subs, es)
	}
	rows, err := s.query(ctx, "SELECT month, article_id FROM meter_opens WHERE reader_id = ? ORDER BY month, opened_at", readerID)
	if err != nil {
		return out, fmt.Errorf("export meter of reader %d: %w", readerID, err)
	}
	for rows.Next() {
		var m ExportMeter
		if err := rows.Scan(&m.Month, &m.ArticleID); err != nil {
			rows.Close()
			return out, err
		}
		out.Meter = append(out.Meter, m)
	}
	rows.Close()
	rows, err = s.query(ctx, "SELECT created_at, ip, user_agent FROM reader_sessions WHERE reader_id = ? ORDER BY created_at", readerID)
	if err != nil {
		return out, fmt.Errorf("export sessions of reader %d: %w", readerID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var es ExportSession
		var created int64
		if err := rows.Scan(&created, &es.IP, &es.UserAgent); err != nil {
			return out, err
		}
		es.CreatedAt = unixTime(created)
		out.Sessions = append(out.Sessions, es)
	}
	return out, rows.Err()
}

// DeleteReader removes a reader's account. Payments stay on the books, as
// the law requires, but nothing in them says who the reader was any more:
// the address becomes a placeholder, the name and shipping addresses are
// wiped, sessions, links and the meter go. A running subscription must be
// canceled first (what is left of a canceled one is given up).
func (s *Store) DeleteReader(ctx context.Context, readerID int64) error {
	defer s.readersChanged()
	return s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		var live int
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM subscriptions WHERE reader_id = ?
			AND status IN ('trialing', 'active', 'past_due') AND NOT cancel_at_period_end AND (NOT comp OR current_period_end > ?)`),
			readerID, now.Unix()).Scan(&live); err != nil {
			return fmt.Errorf("check subscriptions of reader %d: %w", readerID, err)
		}
		if live > 0 {
			return magazine.Errorf(magazine.ECONFLICT, "Your subscription is still running. Cancel it first (or ask for your refund), then delete the account.")
		}
		for _, q := range []string{
			"DELETE FROM reader_sessions WHERE reader_id = ?",
			"DELETE FROM reader_tokens WHERE reader_id = ?",
			"DELETE FROM meter_opens WHERE reader_id = ?",
			"DELETE FROM edition_positions WHERE reader_id = ?",
			"DELETE FROM reader_ereaders WHERE reader_id = ?",
			"DELETE FROM shipping_addresses WHERE subscription_id IN (SELECT id FROM subscriptions WHERE reader_id = ?)",
			`UPDATE subscriptions SET ship_name = '', ship_line1 = '', ship_line2 = '', ship_city = '', ship_region = '',
				ship_postal_code = '', ship_country = '' WHERE reader_id = ?`,
		} {
			if _, err := s.exec(ctx, tx, q, readerID); err != nil {
				return fmt.Errorf("delete reader %d: %w", readerID, err)
			}
		}
		placeholder := fmt.Sprintf("deleted-%d@invalid", readerID)
		_, err := s.exec(ctx, tx, "UPDATE readers SET email = ?, name = '', deleted_at = ? WHERE id = ?", placeholder, now.Unix(), readerID)
		if err != nil {
			return fmt.Errorf("delete reader %d: %w", readerID, err)
		}
		return nil
	})
}
