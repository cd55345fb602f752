package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// AddressChange is one entry of a print subscription's address history:
// the address and the day it applies from (zero: since the checkout).
type AddressChange struct {
	ID          int64
	EffectiveOn time.Time
	Address     magazine.Address
	CreatedAt   time.Time
	Actor       string
}

// ChangeAddress is a request to change a print subscription's shipping
// address from a day on.
type ChangeAddress struct {
	ReaderID    int64 // the reader asking; 0 for staff
	SubID       int64
	Address     magazine.Address
	EffectiveOn time.Time // a date (midnight UTC)
	// Today is the date now in the publication's zone: a reader's change
	// may not start before it. Staff correct the past (audited).
	Today time.Time
	Staff *Actor
}

// ChangeShippingAddress records an address change after checking it. A
// change from today on also becomes the subscription's current address.
func (s *Store) ChangeShippingAddress(ctx context.Context, c ChangeAddress) error {
	if err := c.Address.Normalize(); err != nil {
		return err
	}
	if c.EffectiveOn.IsZero() {
		c.EffectiveOn = c.Today
	}
	if c.EffectiveOn.Before(c.Today) && c.Staff == nil {
		return magazine.FieldError("effective_on", "An address change cannot start in the past. Choose today or a later date; "+
			"for a correction to an issue already mailed, write to us.")
	}
	if c.EffectiveOn.After(c.Today.AddDate(2, 0, 0)) {
		return magazine.FieldError("effective_on", "An address change can be set up to two years ahead.")
	}
	actor := "reader"
	if c.Staff != nil {
		actor = "staff:" + c.Staff.Email
	}
	return s.Billing(ctx, func(btx *BillingTx) error {
		sub, err := btx.Subscription(c.SubID)
		if err != nil {
			return err
		}
		if c.Staff == nil && sub.ReaderID != c.ReaderID {
			return notFound("Subscription")
		}
		now := !c.EffectiveOn.After(c.Today)
		if err := btx.recordAddress(sub.ID, c.EffectiveOn, c.Address, actor, now); err != nil {
			return err
		}
		if now {
			sub.Shipping = c.Address
		}
		a := c.Address
		ev := SubEvent{Kind: "address_changed", Actor: actor,
			Detail: fmt.Sprintf("from %s: %s, %s %s, %s", c.EffectiveOn.Format(magazine.DateLayout), a.Line1, a.City, a.PostalCode, a.Country)}
		if err := btx.SaveSubscription(sub, sub.Status, ev); err != nil {
			return err
		}
		if c.Staff != nil && c.EffectiveOn.Before(c.Today) {
			return btx.s.audit(btx.ctx, btx.tx, *c.Staff, "address.correct", fmt.Sprintf("subscription %d", sub.ID),
				"address from "+c.EffectiveOn.Format(magazine.DateLayout)+", a date in the past")
		}
		return nil
	})
}

// recordAddress adds an address to the history of subscription subID;
// applied says whether it is already the subscription's current one.
func (b *BillingTx) recordAddress(subID int64, on time.Time, a magazine.Address, actor string, applied bool) error {
	_, err := b.s.insert(b.ctx, b.tx, `INSERT INTO shipping_addresses (subscription_id, effective_on, name, line1, line2, city,
		region, postal_code, country, created_at, actor, applied) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		subID, unixOrZero(on), a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, b.s.Now().Unix(), actor, applied)
	if err != nil {
		return fmt.Errorf("record the address of subscription %d: %w", subID, err)
	}
	return nil
}

// AddressOn returns the address in force for subscription subID on day
// (a date): the latest change effective on or before it.
func (s *Store) AddressOn(ctx context.Context, subID int64, day time.Time) (magazine.Address, error) {
	var a magazine.Address
	err := s.queryRow(ctx, `SELECT name, line1, line2, city, region, postal_code, country FROM shipping_addresses
		WHERE subscription_id = ? AND effective_on <= ? ORDER BY effective_on DESC, id DESC LIMIT 1`, subID, day.Unix()).
		Scan(&a.Name, &a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country)
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("Address")
	} else if err != nil {
		return a, fmt.Errorf("read the address of subscription %d on %s: %w", subID, day.Format(magazine.DateLayout), err)
	}
	return a, nil
}

// AddressHistory returns every address of subscription subID, by the
// day it applies from.
func (s *Store) AddressHistory(ctx context.Context, subID int64) ([]AddressChange, error) {
	rows, err := s.query(ctx, `SELECT id, effective_on, name, line1, line2, city, region, postal_code, country, created_at, actor
		FROM shipping_addresses WHERE subscription_id = ? ORDER BY effective_on, id`, subID)
	if err != nil {
		return nil, fmt.Errorf("read the addresses of subscription %d: %w", subID, err)
	}
	defer rows.Close()
	var out []AddressChange
	for rows.Next() {
		var c AddressChange
		var on, created int64
		a := &c.Address
		if err := rows.Scan(&c.ID, &on, &a.Name, &a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country, &created, &c.Actor); err != nil {
			return nil, fmt.Errorf("scan address: %w", err)
		}
		c.EffectiveOn, c.CreatedAt = unixTime(on), unixTime(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ApplyDueAddresses makes the changes dated up to today the current
// address of their subscriptions (the ship_* columns the account page,
// the subscriber page and the CSV export read), and returns how many. The
// mailing list reads the history itself and does not wait for this.
func (s *Store) ApplyDueAddresses(ctx context.Context, today time.Time) (int, error) {
	var one int
	err := s.queryRow(ctx, "SELECT 1 FROM shipping_addresses WHERE applied = ? AND effective_on <= ? LIMIT 1", false, today.Unix()).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("look for address changes due: %w", err)
	}
	n := 0
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE subscriptions SET (ship_name, ship_line1, ship_line2, ship_city, ship_region, ship_postal_code, ship_country) =
			(SELECT a.name, a.line1, a.line2, a.city, a.region, a.postal_code, a.country FROM shipping_addresses a
				WHERE a.subscription_id = subscriptions.id AND a.effective_on <= ? ORDER BY a.effective_on DESC, a.id DESC LIMIT 1)
			WHERE id IN (SELECT subscription_id FROM shipping_addresses WHERE applied = ? AND effective_on <= ?)`, today.Unix(), false, today.Unix())
		if err != nil {
			return fmt.Errorf("apply address changes due: %w", err)
		}
		k, _ := res.RowsAffected()
		n = int(k)
		if _, err := s.exec(ctx, tx, "UPDATE shipping_addresses SET applied = ? WHERE applied = ? AND effective_on <= ?", true, false, today.Unix()); err != nil {
			return fmt.Errorf("apply address changes due: %w", err)
		}
		return nil
	})
	return n, err
}
