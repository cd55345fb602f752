package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Hold is a delivery hold on a print subscription.
type Hold struct {
	ID             int64
	SubscriptionID int64
	Start, End     time.Time // dates, both included
	Extends        int       // issues it adds at the end of the subscription
	CreatedAt      time.Time
	Actor          string
}

// NewHold is a request for a hold.
type NewHold struct {
	ReaderID   int64 // the reader asking; 0 for staff
	SubID      int64
	Start, End time.Time
	Today      time.Time // the date now in the publication's zone
	Staff      *Actor
	// Run is the print calendar, to count the issues the hold misses when
	// holds extend subscriptions.
	Run magazine.PrintRun
}

// AddHold records a delivery hold after checking it: it ends on or after
// its start, lasts at most a year, and a reader's does not start in the
// past.
func (s *Store) AddHold(ctx context.Context, h NewHold) (Hold, error) {
	if err := magazine.ValidateHold(h.Start, h.End); err != nil {
		return Hold{}, err
	}
	if h.Start.Before(h.Today) && h.Staff == nil {
		return Hold{}, magazine.FieldError("hold_start", "A hold cannot start in the past. Choose today or a later date.")
	}
	settings, err := s.PrintSettings(ctx)
	if err != nil {
		return Hold{}, err
	}
	out := Hold{Start: h.Start, End: h.End, Actor: "reader", CreatedAt: s.Now()}
	if h.Staff != nil {
		out.Actor = "staff:" + h.Staff.Email
	}
	if settings.HoldsExtend {
		out.Extends = h.Run.IssuesBetween(h.Start, h.End)
	}
	err = s.Billing(ctx, func(btx *BillingTx) error {
		sub, err := btx.Subscription(h.SubID)
		if err != nil {
			return err
		}
		if h.Staff == nil && sub.ReaderID != h.ReaderID {
			return notFound("Subscription")
		}
		out.SubscriptionID = sub.ID
		out.ID, err = s.insert(ctx, btx.tx, `INSERT INTO delivery_holds (subscription_id, starts_on, ends_on, extends, created_at, actor)
			VALUES (?, ?, ?, ?, ?, ?)`, sub.ID, h.Start.Unix(), h.End.Unix(), out.Extends, out.CreatedAt.Unix(), out.Actor)
		if err != nil {
			return fmt.Errorf("record a hold on subscription %d: %w", sub.ID, err)
		}
		detail := fmt.Sprintf("from %s to %s", h.Start.Format(magazine.DateLayout), h.End.Format(magazine.DateLayout))
		if out.Extends > 0 {
			detail += fmt.Sprintf("; adds %d issues at the end", out.Extends)
		}
		return btx.AddEvent(SubEvent{SubscriptionID: sub.ID, Kind: "hold", Actor: out.Actor, Detail: detail})
	})
	return out, err
}

// RemoveHold deletes a hold that has not started yet (staff may remove
// any): the subscriber is back on the list for its issues.
func (s *Store) RemoveHold(ctx context.Context, readerID, holdID int64, today time.Time, staff *Actor) error {
	return s.Billing(ctx, func(btx *BillingTx) error {
		var h Hold
		var start, end int64
		err := btx.tx.QueryRowContext(ctx, s.d.q("SELECT subscription_id, starts_on, ends_on FROM delivery_holds WHERE id = ?"), holdID).
			Scan(&h.SubscriptionID, &start, &end)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Hold")
		} else if err != nil {
			return fmt.Errorf("read hold %d: %w", holdID, err)
		}
		sub, err := btx.Subscription(h.SubscriptionID)
		if err != nil {
			return err
		}
		actor := "reader"
		if staff != nil {
			actor = "staff:" + staff.Email
		} else if sub.ReaderID != readerID {
			return notFound("Hold")
		} else if unixTime(start).Before(today) {
			return magazine.Errorf(magazine.EINVALID, "This hold has already started. To end it early, write to us.")
		}
		if _, err := s.exec(ctx, btx.tx, "DELETE FROM delivery_holds WHERE id = ?", holdID); err != nil {
			return fmt.Errorf("remove hold %d: %w", holdID, err)
		}
		return btx.AddEvent(SubEvent{SubscriptionID: sub.ID, Kind: "hold_removed", Actor: actor,
			Detail: fmt.Sprintf("the hold from %s to %s", unixTime(start).Format(magazine.DateLayout), unixTime(end).Format(magazine.DateLayout))})
	})
}

// Holds returns a subscription's holds, by start date.
func (s *Store) Holds(ctx context.Context, subID int64) ([]Hold, error) {
	rows, err := s.query(ctx, `SELECT id, subscription_id, starts_on, ends_on, extends, created_at, actor
		FROM delivery_holds WHERE subscription_id = ? ORDER BY starts_on, id`, subID)
	if err != nil {
		return nil, fmt.Errorf("read the holds of subscription %d: %w", subID, err)
	}
	defer rows.Close()
	var out []Hold
	for rows.Next() {
		var h Hold
		var start, end, created int64
		if err := rows.Scan(&h.ID, &h.SubscriptionID, &start, &end, &h.Extends, &created, &h.Actor); err != nil {
			return nil, fmt.Errorf("scan hold: %w", err)
		}
		h.Start, h.End, h.CreatedAt = unixTime(start), unixTime(end), unixTime(created)
		out = append(out, h)
	}
	return out, rows.Err()
}

// PrintSettings returns circulation's print settings (zero when never
// saved: holds do not extend, no office or archive copies).
func (s *Store) PrintSettings(ctx context.Context) (magazine.PrintSettings, error) {
	var p magazine.PrintSettings
	err := s.jsonSetting(ctx, "print", &p)
	return p, err
}

// SetPrintSettings saves circulation's print settings, audited.
func (s *Store) SetPrintSettings(ctx context.Context, actor Actor, p magazine.PrintSettings) error {
	if err := p.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode print settings: %w", err)
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.setSetting(ctx, tx, "print", string(raw)); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor, "settings.print", "print edition", string(raw))
	})
}
