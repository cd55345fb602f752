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

// PrintSubscriber is one row of a fulfilment house's file, checked.
type PrintSubscriber struct {
	Row           int // in the file, for messages
	AccountNumber string
	Email         string // "" when the house did not have it
	Address       magazine.Address
	PlanID        int64
	PaidThrough   time.Time // a date: the last day paid for
	Copies        int
}

// ImportReport says what an import did, or would do.
type ImportReport struct {
	Imported       int // subscriptions made
	ExistingReader int // of them, for readers who already had an account with that e-mail
	NoEmail        int // of them, for subscribers without an e-mail: they claim access at /account/link
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// ImportPrintSubscribers makes each subscriber a reader (or finds the
// reader with that e-mail) with a print subscription running to the end
// of its paid-through day. It is one transaction: a row refused (an
// account number already imported) names the row and nothing is kept.
// A dry run does everything and then rolls it back.
func (s *Store) ImportPrintSubscribers(ctx context.Context, actor Actor, list []PrintSubscriber, dryRun bool, progress func(done, total int)) (ImportReport, error) {
	var rep ImportReport
	err := s.Billing(ctx, func(btx *BillingTx) error {
		rep = ImportReport{}
		now := s.Now()
		for i, ps := range list {
			readerID, existing, err := btx.importReader(ps, now)
			if err != nil {
				return err
			}
			sub := Subscription{Provider: "import", Shipping: ps.Address}
			sub.ReaderID, sub.PlanID, sub.Status, sub.Comp = readerID, ps.PlanID, magazine.SubActive, true
			sub.CurrentPeriodEnd = ps.PaidThrough.AddDate(0, 0, 1)
			id, err := btx.InsertSubscription(sub, SubEvent{Kind: "imported", Actor: "staff:" + actor.Email,
				Detail: fmt.Sprintf("print subscriber %s, paid through %s", ps.AccountNumber, ps.PaidThrough.Format(magazine.DateLayout))})
			if err != nil {
				return fmt.Errorf("row %d: %w", ps.Row, err)
			}
			if ps.Copies > 1 {
				if _, err := s.exec(ctx, btx.tx, "UPDATE subscriptions SET print_copies = ? WHERE id = ?", ps.Copies, id); err != nil {
					return fmt.Errorf("row %d: set copies: %w", ps.Row, err)
				}
			}
			_, err = s.exec(ctx, btx.tx, "INSERT INTO print_accounts (account_number, subscription_id, imported_at) VALUES (?, ?, ?)",
				ps.AccountNumber, id, now.Unix())
			if isUniqueViolation(err) {
				return magazine.Errorf(magazine.ECONFLICT, "Row %d: account number %s is already in Masthead (imported before?). Nothing was imported.", ps.Row, ps.AccountNumber)
			} else if err != nil {
				return fmt.Errorf("row %d: record account %s: %w", ps.Row, ps.AccountNumber, err)
			}
			rep.Imported++
			if existing {
				rep.ExistingReader++
			}
			if ps.Email == "" {
				rep.NoEmail++
			}
			if progress != nil && (i%500 == 0 || i == len(list)-1) {
				progress(i+1, len(list))
			}
		}
		detail := fmt.Sprintf("%d print subscribers", rep.Imported)
		if dryRun {
			return errDryRun
		}
		return s.audit(ctx, btx.tx, actor, "print.import", "print subscribers", detail)
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return rep, err
}

// importReader returns the reader a print subscriber becomes: the one
// with their e-mail, or a new one. One without an e-mail gets a
// placeholder address that can receive nothing, until they link it.
func (b *BillingTx) importReader(ps PrintSubscriber, now time.Time) (id int64, existing bool, err error) {
	email := ps.Email
	if email == "" {
		email = "print-" + strings.ToLower(ps.AccountNumber) + "@invalid"
	} else {
		err := b.tx.QueryRowContext(b.ctx, b.s.d.q("SELECT id FROM readers WHERE email = ? AND deleted_at = 0"), email).Scan(&id)
		if err == nil {
			return id, true, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, fmt.Errorf("row %d: look for reader %s: %w", ps.Row, email, err)
		}
	}
	id, err = b.s.insert(b.ctx, b.tx, "INSERT INTO readers (email, name, created_at) VALUES (?, ?, ?)", email, ps.Address.Name, now.Unix())
	if isUniqueViolation(err) {
		return 0, false, magazine.Errorf(magazine.ECONFLICT, "Row %d: account number %s is already in Masthead (imported before?). Nothing was imported.", ps.Row, ps.AccountNumber)
	} else if err != nil {
		return 0, false, fmt.Errorf("row %d: create reader: %w", ps.Row, err)
	}
	return id, false, nil
}

// ErrNoPrintAccount is the one answer to a link that does not match:
// whether the number is unknown, already linked or the postal code is
// wrong, the reader is told the same.
var ErrNoPrintAccount = magazine.Errorf(magazine.EINVALID,
	"We could not match that account number and postal code. Check both against the label on your magazine, or write to us.")

// LinkPrintAccount moves the imported print subscription with that
// account number to reader readerID, when postal is the postal code of
// its address in force today. It links once.
func (s *Store) LinkPrintAccount(ctx context.Context, readerID int64, account, postal string, today time.Time) (int64, error) {
	account, err := magazine.NormalizeAccountNumber(account)
	if err != nil || magazine.PostalKey(postal) == "" {
		return 0, ErrNoPrintAccount
	}
	var subID int64
	err = s.Billing(ctx, func(btx *BillingTx) error {
		var claimed int64
		err := btx.tx.QueryRowContext(ctx, s.d.q("SELECT subscription_id, claimed_at FROM print_accounts WHERE account_number = ?"+s.d.forUpdate()), account).
			Scan(&subID, &claimed)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && claimed != 0) {
			return ErrNoPrintAccount
		} else if err != nil {
			return fmt.Errorf("read print account %s: %w", account, err)
		}
		var code string
		err = btx.tx.QueryRowContext(ctx, s.d.q(`SELECT postal_code FROM shipping_addresses WHERE subscription_id = ? AND effective_on <= ?
			ORDER BY effective_on DESC, id DESC LIMIT 1`), subID, today.Unix()).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && magazine.PostalKey(code) != magazine.PostalKey(postal)) {
			return ErrNoPrintAccount
		} else if err != nil {
			return fmt.Errorf("read the address of print account %s: %w", account, err)
		}
		sub, err := btx.Subscription(subID)
		if err != nil {
			return err
		}
		from := sub.ReaderID
		if _, err := s.exec(ctx, btx.tx, "UPDATE subscriptions SET reader_id = ?, updated_at = ? WHERE id = ?", readerID, s.Now().Unix(), subID); err != nil {
			return fmt.Errorf("link print account %s: %w", account, err)
		}
		if _, err := s.exec(ctx, btx.tx, "UPDATE print_accounts SET claimed_at = ?, claimed_by = ? WHERE account_number = ?", s.Now().Unix(), readerID, account); err != nil {
			return fmt.Errorf("link print account %s: %w", account, err)
		}
		// The placeholder reader of an import without an e-mail has
		// nothing else: it goes, so that nobody can sign in as it.
		if _, err := s.exec(ctx, btx.tx, `DELETE FROM readers WHERE id = ? AND email LIKE 'print-%@invalid'
			AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE reader_id = ?)`, from, from); err != nil {
			return fmt.Errorf("remove the placeholder of print account %s: %w", account, err)
		}
		return btx.AddEvent(SubEvent{SubscriptionID: subID, Kind: "linked", Actor: "reader", ToStatus: sub.Status, FromStatus: sub.Status,
			Detail: "print account " + account + " linked to the reader's account"})
	})
	return subID, err
}

// PrintAccountNumber is the account number printed on a subscription's
// label: the fulfilment house's for an imported one, else Masthead's own.
func PrintAccountNumber(subID int64, imported string) string {
	if imported != "" {
		return imported
	}
	return fmt.Sprintf("M%07d", subID)
}
