package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Payment statuses.
const (
	PaymentPaid      = "paid"
	PaymentRefunding = "refunding" // a refund was claimed and is being sent to the provider
	PaymentRefunded  = "refunded"
)

// Payment is one successful charge for a subscription.
type Payment struct {
	ID                int64
	SubscriptionID    int64
	Amount            int64
	Currency          string
	Provider          string
	ProviderPaymentID string // the invoice (Stripe) or test payment
	ProviderChargeID  string // what a refund is made against
	ReceiptURL        string
	Status            string
	PaidAt            time.Time
	RefundedAt        time.Time
	RefundKey         string
	ProviderRefundID  string
}

const paymentCols = `id, subscription_id, amount, currency, provider, provider_payment_id, provider_charge_id, receipt_url,
	status, paid_at, refunded_at, refund_key, provider_refund_id`

func scanPayment(row scanner) (Payment, error) {
	var p Payment
	var paid, refunded int64
	err := row.Scan(&p.ID, &p.SubscriptionID, &p.Amount, &p.Currency, &p.Provider, &p.ProviderPaymentID, &p.ProviderChargeID,
		&p.ReceiptURL, &p.Status, &paid, &refunded, &p.RefundKey, &p.ProviderRefundID)
	p.PaidAt, p.RefundedAt = unixTime(paid), unixTime(refunded)
	return p, err
}

// SubscriptionPayments returns a subscription's payments, oldest first:
// the payment history with receipts.
func (s *Store) SubscriptionPayments(ctx context.Context, subID int64) ([]Payment, error) {
	rows, err := s.query(ctx, "SELECT "+paymentCols+" FROM payments WHERE subscription_id = ? ORDER BY paid_at, id", subID)
	if err != nil {
		return nil, fmt.Errorf("read payments of subscription %d: %w", subID, err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, fmt.Errorf("scan payment: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// AddPayment records p. A payment the provider already reported (same
// provider payment id) is not added twice: inserted is false.
func (b *BillingTx) AddPayment(p Payment) (id int64, inserted bool, err error) {
	if p.Status == "" {
		p.Status = PaymentPaid
	}
	res, err := b.s.exec(b.ctx, b.tx, `INSERT INTO payments (subscription_id, amount, currency, provider, provider_payment_id,
		provider_charge_id, receipt_url, status, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (provider, provider_payment_id) DO NOTHING`,
		p.SubscriptionID, p.Amount, p.Currency, p.Provider, p.ProviderPaymentID, p.ProviderChargeID, p.ReceiptURL, p.Status, p.PaidAt.Unix())
	if err != nil {
		return 0, false, fmt.Errorf("record payment %s: %w", p.ProviderPaymentID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, false, err
	}
	got, err := b.paymentWhere("provider = ? AND provider_payment_id = ?", p.Provider, p.ProviderPaymentID)
	return got.ID, n == 1, err
}

// FirstPayment returns the subscription's first payment, locked: the one
// the money-back guarantee refunds.
func (b *BillingTx) FirstPayment(subID int64) (Payment, error) {
	return b.paymentWhere("subscription_id = ? ORDER BY paid_at, id LIMIT 1", subID)
}

// PaymentByCharge returns the payment the provider charged as chargeID.
func (b *BillingTx) PaymentByCharge(provider, chargeID string) (Payment, error) {
	if chargeID == "" {
		return Payment{}, notFound("Payment")
	}
	return b.paymentWhere("provider = ? AND provider_charge_id = ?", provider, chargeID)
}

// PaymentByProviderID returns the payment the provider knows as id.
func (b *BillingTx) PaymentByProviderID(provider, id string) (Payment, error) {
	return b.paymentWhere("provider = ? AND provider_payment_id = ?", provider, id)
}

func (b *BillingTx) paymentWhere(where string, args ...any) (Payment, error) {
	// No row lock: billing transactions lock the subscription first (see
	// subscriptionWhere), and its payments are changed only by guarded
	// UPDATEs. Locking a payment here would take the two locks in the
	// opposite order to a refund's and let the two deadlock.
	q := b.s.d.q("SELECT " + paymentCols + " FROM payments WHERE " + where)
	p, err := scanPayment(b.tx.QueryRowContext(b.ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("Payment")
	} else if err != nil {
		return p, fmt.Errorf("read payment (%v): %w", args, err)
	}
	return p, nil
}

// ClaimRefund marks a paid payment as being refunded with idempotency key
// key. Of two requests racing, only one gets true; a payment already
// refunding or refunded is ECONFLICT.
func (b *BillingTx) ClaimRefund(paymentID int64, key string) error {
	res, err := b.s.exec(b.ctx, b.tx, "UPDATE payments SET status = ?, refund_key = ? WHERE id = ? AND status = ?",
		PaymentRefunding, key, paymentID, PaymentPaid)
	if isUniqueViolation(err) {
		return magazine.Errorf(magazine.ECONFLICT, "A refund for this payment has already been asked for.")
	} else if err != nil {
		return fmt.Errorf("claim refund of payment %d: %w", paymentID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return magazine.Errorf(magazine.ECONFLICT, "This payment has already been refunded or a refund is under way.")
	}
	return nil
}

// ReleaseRefund returns a payment whose refund failed at the provider to
// paid, so that it can be asked for again.
func (b *BillingTx) ReleaseRefund(paymentID int64) error {
	_, err := b.s.exec(b.ctx, b.tx, "UPDATE payments SET status = ?, refund_key = '' WHERE id = ? AND status = ?",
		PaymentPaid, paymentID, PaymentRefunding)
	if err != nil {
		return fmt.Errorf("release refund of payment %d: %w", paymentID, err)
	}
	return nil
}

// MarkRefunded records that the provider refunded the payment. It reports
// whether the payment changed (false when it was already refunded).
func (b *BillingTx) MarkRefunded(paymentID int64, providerRefundID string, at time.Time) (bool, error) {
	res, err := b.s.exec(b.ctx, b.tx, `UPDATE payments SET status = ?, refunded_at = ?, provider_refund_id = ?
		WHERE id = ? AND status <> ?`, PaymentRefunded, at.Unix(), providerRefundID, paymentID, PaymentRefunded)
	if err != nil {
		return false, fmt.Errorf("mark payment %d refunded: %w", paymentID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Payment returns one payment.
func (s *Store) Payment(ctx context.Context, id int64) (Payment, error) {
	p, err := scanPayment(s.queryRow(ctx, "SELECT "+paymentCols+" FROM payments WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("Payment")
	} else if err != nil {
		return p, fmt.Errorf("read payment %d: %w", id, err)
	}
	return p, nil
}
