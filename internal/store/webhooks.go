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

const webhookEndpointColumns = "id, url, events, secret, disabled_reason, created_at"

func scanWebhookEndpoint(sc interface{ Scan(...any) error }) (magazine.WebhookEndpoint, error) {
	var e magazine.WebhookEndpoint
	var events string
	var created int64
	if err := sc.Scan(&e.ID, &e.URL, &events, &e.Secret, &e.DisabledReason, &created); err != nil {
		return e, err
	}
	e.Events, e.CreatedAt = strings.Fields(events), unixTime(created)
	return e, nil
}

// CreateWebhookEndpoint saves a new endpoint, audited. The caller has
// checked its URL (webhook.CheckURL) and made its secret.
func (s *Store) CreateWebhookEndpoint(ctx context.Context, actor Actor, e *magazine.WebhookEndpoint) error {
	events, err := magazine.CleanWebhookEvents(e.Events)
	if err != nil {
		return err
	}
	if e.URL == "" || e.Secret == "" {
		return magazine.FieldError("url", "Give the endpoint's URL.")
	}
	e.Events = events
	return s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		id, err := s.insert(ctx, tx, `INSERT INTO webhook_endpoints (url, events, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			e.URL, strings.Join(events, " "), e.Secret, now.Unix(), now.Unix())
		if err != nil {
			return fmt.Errorf("create webhook endpoint %q: %w", e.URL, err)
		}
		e.ID, e.CreatedAt = id, now.UTC().Truncate(time.Second)
		return s.audit(ctx, tx, actor, "webhook.create", e.URL, strings.Join(events, ", "))
	})
}

// WebhookEndpoints returns every endpoint, oldest first.
func (s *Store) WebhookEndpoints(ctx context.Context) ([]magazine.WebhookEndpoint, error) {
	rows, err := s.query(ctx, "SELECT "+webhookEndpointColumns+" FROM webhook_endpoints ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("webhook endpoints: %w", err)
	}
	defer rows.Close()
	var out []magazine.WebhookEndpoint
	for rows.Next() {
		e, err := scanWebhookEndpoint(rows)
		if err != nil {
			return nil, fmt.Errorf("webhook endpoints: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// WebhookEndpoint returns one endpoint.
func (s *Store) WebhookEndpoint(ctx context.Context, id int64) (magazine.WebhookEndpoint, error) {
	e, err := scanWebhookEndpoint(s.queryRow(ctx, "SELECT "+webhookEndpointColumns+" FROM webhook_endpoints WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, notFound("Webhook endpoint")
	} else if err != nil {
		return e, fmt.Errorf("webhook endpoint %d: %w", id, err)
	}
	return e, nil
}

// SetWebhookEndpointDisabled disables the endpoint with reason, or enables
// it again when reason is empty, audited.
func (s *Store) SetWebhookEndpointDisabled(ctx context.Context, actor Actor, id int64, reason string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		url, err := s.webhookURL(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, "UPDATE webhook_endpoints SET disabled_reason = ?, updated_at = ? WHERE id = ?", reason, s.Now().Unix(), id); err != nil {
			return fmt.Errorf("disable webhook endpoint %d: %w", id, err)
		}
		action := "webhook.enable"
		if reason != "" {
			action = "webhook.disable"
		}
		return s.audit(ctx, tx, actor, action, url, reason)
	})
}

// DeleteWebhookEndpoint removes an endpoint and its delivery log, audited.
func (s *Store) DeleteWebhookEndpoint(ctx context.Context, actor Actor, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		url, err := s.webhookURL(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM webhook_deliveries WHERE endpoint_id = ?", id); err != nil {
			return fmt.Errorf("delete webhook endpoint %d: %w", id, err)
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM webhook_endpoints WHERE id = ?", id); err != nil {
			return fmt.Errorf("delete webhook endpoint %d: %w", id, err)
		}
		return s.audit(ctx, tx, actor, "webhook.delete", url, "")
	})
}

func (s *Store) webhookURL(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	var url string
	err := tx.QueryRowContext(ctx, s.d.q("SELECT url FROM webhook_endpoints WHERE id = ?"), id).Scan(&url)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("Webhook endpoint")
	} else if err != nil {
		return "", fmt.Errorf("webhook endpoint %d: %w", id, err)
	}
	return url, nil
}

// QueueWebhook records a delivery of the message (event, msgID, payload)
// for every enabled endpoint that asked for event, and returns the new
// deliveries' ids. When no endpoint wants the event nothing is written:
// emitting is one read where no webhooks are configured.
func (s *Store) QueueWebhook(ctx context.Context, event, msgID string, payload []byte) ([]int64, error) {
	all, err := s.WebhookEndpoints(ctx)
	if err != nil {
		return nil, err
	}
	var targets []int64
	for _, e := range all {
		if e.Enabled() && e.Wants(event) {
			targets = append(targets, e.ID)
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	var ids []int64
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		for _, ep := range targets {
			id, err := s.insert(ctx, tx, `INSERT INTO webhook_deliveries (endpoint_id, event, msg_id, payload, status, created_at)
				SELECT id, ?, ?, ?, ?, ? FROM webhook_endpoints WHERE id = ? AND disabled_reason = ''`,
				event, msgID, string(payload), magazine.DeliveryPending, s.Now().Unix(), ep)
			if errors.Is(err, sql.ErrNoRows) {
				continue // disabled or deleted since it was read
			} else if err != nil {
				return fmt.Errorf("queue webhook %s for endpoint %d: %w", event, ep, err)
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// ResendWebhookDelivery queues the message of delivery id again, as a new
// delivery with the same webhook-id, audited. The endpoint must be
// enabled.
func (s *Store) ResendWebhookDelivery(ctx context.Context, actor Actor, id int64) (int64, error) {
	var newID int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var url, reason, event, msgID string
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT e.url, e.disabled_reason, d.event, d.msg_id FROM webhook_deliveries d
			JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ?`), id).Scan(&url, &reason, &event, &msgID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Delivery")
		} else if err != nil {
			return fmt.Errorf("webhook delivery %d: %w", id, err)
		}
		if reason != "" {
			return magazine.Errorf(magazine.ECONFLICT, "The endpoint is disabled: enable it to send again.")
		}
		newID, err = s.insert(ctx, tx, `INSERT INTO webhook_deliveries (endpoint_id, event, msg_id, payload, status, created_at)
			SELECT endpoint_id, event, msg_id, payload, ?, ? FROM webhook_deliveries WHERE id = ?`, magazine.DeliveryPending, s.Now().Unix(), id)
		if err != nil {
			return fmt.Errorf("resend webhook delivery %d: %w", id, err)
		}
		return s.audit(ctx, tx, actor, "webhook.resend", url, event+" "+msgID)
	})
	return newID, err
}

const webhookDeliveryColumns = `id, endpoint_id, event, msg_id, payload, status, attempts, response_status, response_ms,
	response_excerpt, last_error, created_at, attempted_at`

func scanWebhookDelivery(sc interface{ Scan(...any) error }) (magazine.WebhookDelivery, error) {
	var d magazine.WebhookDelivery
	var payload string
	var ms, created, attempted int64
	if err := sc.Scan(&d.ID, &d.EndpointID, &d.Event, &d.MsgID, &payload, &d.Status, &d.Attempts, &d.ResponseStatus, &ms,
		&d.ResponseExcerpt, &d.LastError, &created, &attempted); err != nil {
		return d, err
	}
	d.Payload, d.ResponseTime = []byte(payload), time.Duration(ms)*time.Millisecond
	d.CreatedAt, d.AttemptedAt = unixTime(created), unixTime(attempted)
	return d, nil
}

// WebhookDelivery returns one delivery.
func (s *Store) WebhookDelivery(ctx context.Context, id int64) (magazine.WebhookDelivery, error) {
	d, err := scanWebhookDelivery(s.queryRow(ctx, "SELECT "+webhookDeliveryColumns+" FROM webhook_deliveries WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, notFound("Delivery")
	} else if err != nil {
		return d, fmt.Errorf("webhook delivery %d: %w", id, err)
	}
	return d, nil
}

// WebhookDeliveries returns an endpoint's newest deliveries first, at most
// limit.
func (s *Store) WebhookDeliveries(ctx context.Context, endpointID int64, limit int) ([]magazine.WebhookDelivery, error) {
	rows, err := s.query(ctx, "SELECT "+webhookDeliveryColumns+" FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY id DESC LIMIT ?", endpointID, limit)
	if err != nil {
		return nil, fmt.Errorf("webhook deliveries of endpoint %d: %w", endpointID, err)
	}
	defer rows.Close()
	var out []magazine.WebhookDelivery
	for rows.Next() {
		d, err := scanWebhookDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("webhook deliveries of endpoint %d: %w", endpointID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// WebhookAttempt is what one delivery attempt got.
type WebhookAttempt struct {
	Status   string // the delivery's state after it: magazine.Delivery*
	Response int    // HTTP status; 0 when none came
	Took     time.Duration
	Excerpt  string // a short excerpt of the response body
	Error    string // safe to show staff; empty on success
	// Disable, when not empty, disables the endpoint with this reason in
	// the same transaction (it answered 410 Gone).
	Disable string
}

// RecordWebhookAttempt records an attempt at delivery id.
func (s *Store) RecordWebhookAttempt(ctx context.Context, id int64, a WebhookAttempt) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, response_status = ?, response_ms = ?,
			response_excerpt = ?, last_error = ?, attempted_at = ? WHERE id = ?`,
			a.Status, a.Response, a.Took.Milliseconds(), a.Excerpt, a.Error, s.Now().Unix(), id)
		if err != nil {
			return fmt.Errorf("record webhook attempt %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Delivery")
		}
		if a.Disable == "" {
			return nil
		}
		if _, err := s.exec(ctx, tx, `UPDATE webhook_endpoints SET disabled_reason = ?, updated_at = ?
			WHERE id = (SELECT endpoint_id FROM webhook_deliveries WHERE id = ?) AND disabled_reason = ''`, a.Disable, s.Now().Unix(), id); err != nil {
			return fmt.Errorf("disable the endpoint of webhook delivery %d: %w", id, err)
		}
		return nil
	})
}

// PendingWebhookDeliveries returns up to limit deliveries not tried yet,
// oldest first, for the queue to give each a job.
func (s *Store) PendingWebhookDeliveries(ctx context.Context, limit int) ([]int64, error) {
	rows, err := s.query(ctx, "SELECT id FROM webhook_deliveries WHERE status = ? ORDER BY id LIMIT ?", magazine.DeliveryPending, limit)
	if err != nil {
		return nil, fmt.Errorf("pending webhook deliveries: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("pending webhook deliveries: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// QueueWebhookTest queues a test message to one endpoint, whatever events
// it asked for, audited. A disabled endpoint refuses it.
func (s *Store) QueueWebhookTest(ctx context.Context, actor Actor, endpointID int64, msgID string, payload []byte) (int64, error) {
	var id int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		url, err := s.webhookURL(ctx, tx, endpointID)
		if err != nil {
			return err
		}
		id, err = s.insert(ctx, tx, `INSERT INTO webhook_deliveries (endpoint_id, event, msg_id, payload, status, created_at)
			SELECT id, ?, ?, ?, ?, ? FROM webhook_endpoints WHERE id = ? AND disabled_reason = ''`,
			magazine.EventTest, msgID, string(payload), magazine.DeliveryPending, s.Now().Unix(), endpointID)
		if errors.Is(err, sql.ErrNoRows) {
			return magazine.Errorf(magazine.ECONFLICT, "The endpoint is disabled: enable it to send a test event.")
		} else if err != nil {
			return fmt.Errorf("queue a test webhook for endpoint %d: %w", endpointID, err)
		}
		return s.audit(ctx, tx, actor, "webhook.test", url, msgID)
	})
	return id, err
}
