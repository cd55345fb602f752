package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Mail is one message in the outbox.
type Mail struct {
	ID        int64
	Kind      string // what it is about, e.g. "sign_in_link"; for the admin and the logs
	To        string
	Subject   string
	Text      string
	HTML      string
	Status    string // pending, sent, local (kept in the local mailbox), failed
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
	// AttachmentKey names a stored file sent with the message (an
	// issue's EPUB for a Kindle), under AttachmentName.
	AttachmentKey  string
	AttachmentName string
	// ListUnsubscribe is the one-click unsubscribe URL of a newsletter
	// (sent as List-Unsubscribe with List-Unsubscribe-Post); "" otherwise.
	ListUnsubscribe string
}

const mailCols = "id, kind, to_addr, subject, text_body, html_body, status, attempts, last_error, created_at, sent_at, COALESCE(x.media_key, ''), COALESCE(x.file_name, ''), COALESCE(u.url, '')"

// mailFrom is the outbox with each message's attachment and unsubscribe
// link, if any.
const mailFrom = "mail_outbox LEFT JOIN mail_attachments x ON x.mail_id = mail_outbox.id LEFT JOIN mail_list_unsubscribe u ON u.mail_id = mail_outbox.id"

func scanMail(row scanner) (Mail, error) {
	var m Mail
	var created, sent int64
	err := row.Scan(&m.ID, &m.Kind, &m.To, &m.Subject, &m.Text, &m.HTML, &m.Status, &m.Attempts, &m.LastError, &created, &sent, &m.AttachmentKey, &m.AttachmentName, &m.ListUnsubscribe)
	m.CreatedAt, m.SentAt = unixTime(created), unixTime(sent)
	return m, err
}

// MaxMailBody bounds a message body, so that a runaway template cannot fill
// the outbox.
const MaxMailBody = 256 << 10

func validMail(m Mail) error {
	switch {
	case strings.TrimSpace(m.To) == "" || strings.ContainsAny(m.To, "\r\n"):
		return magazine.FieldError("to", "A message needs one recipient address.")
	case strings.ContainsAny(m.Subject, "\r\n") || strings.TrimSpace(m.Subject) == "":
		return magazine.FieldError("subject", "A message needs a one-line subject.")
	case len(m.Text) > MaxMailBody || len(m.HTML) > MaxMailBody:
		return &magazine.Error{Code: magazine.ETOOLARGE, Field: "body", Message: "The message is too large."}
	case strings.ContainsAny(m.ListUnsubscribe, "\r\n<>"):
		return magazine.FieldError("list_unsubscribe", "An unsubscribe link must be one URL.")
	case m.Text == "":
		return magazine.FieldError("body", "A message needs a plain-text body.")
	}
	return nil
}

// EnqueueMail adds a message to the outbox.
func (s *Store) EnqueueMail(ctx context.Context, m Mail) (int64, error) {
	var id int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.EnqueueMailTx(ctx, tx, m)
		return err
	})
	return id, err
}

// EnqueueMailTx adds a message to the outbox inside tx, so that the message
// exists exactly when the change it reports was committed.
func (s *Store) EnqueueMailTx(ctx context.Context, tx *sql.Tx, m Mail) (int64, error) {
	if err := validMail(m); err != nil {
		return 0, err
	}
	now := s.Now().Unix()
	id, err := s.insert(ctx, tx, `INSERT INTO mail_outbox (kind, to_addr, subject, text_body, html_body, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.Kind, m.To, m.Subject, m.Text, m.HTML, now, now)
	if err != nil {
		return 0, fmt.Errorf("enqueue mail to %s: %w", m.To, err)
	}
	if m.ListUnsubscribe != "" {
		if _, err := s.exec(ctx, tx, "INSERT INTO mail_list_unsubscribe (mail_id, url) VALUES (?, ?)", id, m.ListUnsubscribe); err != nil {
			return 0, fmt.Errorf("unsubscribe link of mail %d: %w", id, err)
		}
	}
	if m.AttachmentKey != "" {
		if _, err := s.exec(ctx, tx, "INSERT INTO mail_attachments (mail_id, media_key, file_name) VALUES (?, ?, ?)", id, m.AttachmentKey, m.AttachmentName); err != nil {
			return 0, fmt.Errorf("attach %s to mail %d: %w", m.AttachmentKey, id, err)
		}
	}
	return id, nil
}

// DueMail returns up to limit messages whose next attempt is due, oldest
// first: pending ones, and ones claimed by a delivery run that never
// finished (its process died).
func (s *Store) DueMail(ctx context.Context, limit int) ([]Mail, error) {
	return s.mailList(ctx, "status IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY id LIMIT ?", s.Now().Unix(), limit)
}

// claimTimeout is how long a claimed message is left to its delivery run
// before another run may take it over.
const claimTimeout = 10 * time.Minute

// ClaimMail marks a due message as being sent by the caller. Only one of
// several delivery runs gets true for a message, so none is sent twice.
func (s *Store) ClaimMail(ctx context.Context, id int64) (bool, error) {
	var claimed bool
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		res, err := s.exec(ctx, tx, `UPDATE mail_outbox SET status = 'sending', next_attempt_at = ?
			WHERE id = ? AND status IN ('pending', 'sending') AND next_attempt_at <= ?`,
			now.Add(claimTimeout).Unix(), id, now.Unix())
		if err != nil {
			return fmt.Errorf("claim mail %d: %w", id, err)
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, err
}

// Mailbox returns the newest messages, all statuses, optionally for one
// address: what staff read when no SMTP server is configured.
func (s *Store) Mailbox(ctx context.Context, to string, limit int) ([]Mail, error) {
	if to != "" {
		return s.mailList(ctx, "to_addr = ? ORDER BY id DESC LIMIT ?", to, limit)
	}
	return s.mailList(ctx, "1 = 1 ORDER BY id DESC LIMIT ?", limit)
}

func (s *Store) mailList(ctx context.Context, where string, args ...any) ([]Mail, error) {
	rows, err := s.query(ctx, "SELECT "+mailCols+" FROM "+mailFrom+" WHERE "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	defer rows.Close()
	var out []Mail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, fmt.Errorf("scan mail: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkMailSent records a delivery; status is "sent" or "local".
func (s *Store) MarkMailSent(ctx context.Context, id int64, status string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, "UPDATE mail_outbox SET status = ?, attempts = attempts + 1, sent_at = ?, last_error = '' WHERE id = ?",
			status, s.Now().Unix(), id)
		if err != nil {
			return fmt.Errorf("mark mail %d sent: %w", id, err)
		}
		return nil
	})
}

// MarkMailFailed records a failed attempt: the message is tried again at
// retryAt, or given up (status failed) when retryAt is zero.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, cause string, retryAt time.Time) error {
	status := "pending"
	if retryAt.IsZero() {
		status = "failed"
	}
	if len(cause) > 500 {
		cause = cause[:500]
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, "UPDATE mail_outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
			status, cause, unixOrZero(retryAt), id)
		if err != nil {
			return fmt.Errorf("mark mail %d failed: %w", id, err)
		}
		return nil
	})
}

// MailByID returns one message of the outbox.
func (s *Store) MailByID(ctx context.Context, id int64) (Mail, error) {
	list, err := s.mailList(ctx, "id = ?", id)
	if err != nil {
		return Mail{}, err
	}
	if len(list) == 0 {
		return Mail{}, notFound("Message")
	}
	return list[0], nil
}
