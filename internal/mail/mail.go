// Package mail sends Masthead's e-mail. Messages are rendered from
// templates (an HTML and a text part each), written to the outbox in the
// database, and delivered by Deliver, which a background job runs and which
// retries with backoff. Without an SMTP server (the demo), messages stay in
// the outbox as a local mailbox staff can read, and their text is logged.
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// Sender delivers one message now.
type Sender interface {
	Send(ctx context.Context, m store.Mail) error
}

// SMTP delivers through an SMTP server with go-mail.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	// TLS is "starttls" (required), "tls" (implicit, port 465) or "none"
	// (only for a server on the same machine, such as a test's mailpit).
	TLS     string
	From    string
	Timeout time.Duration
	// Files holds the stored files messages may attach (an issue's EPUB
	// for a Kindle); nil refuses such messages.
	Files media.Storage
}

// ParseSMTP reads an smtp://user:pass@host:port?tls=starttls URL.
func ParseSMTP(raw, from string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP URL %q: write it as smtp://USER:PASSWORD@HOST:PORT (add ?tls=none for a local test server)", redact(raw))
	}
	s := &SMTP{Host: u.Hostname(), TLS: "starttls", From: from, Timeout: 30 * time.Second}
	if u.Scheme == "smtps" {
		s.TLS = "tls"
	}
	if t := u.Query().Get("tls"); t != "" {
		if t != "starttls" && t != "tls" && t != "none" {
			return nil, fmt.Errorf("SMTP URL: tls must be starttls, tls or none, not %q", t)
		}
		s.TLS = t
	}
	s.Port = map[string]int{"starttls": 587, "tls": 465, "none": 25}[s.TLS]
	if p := u.Port(); p != "" {
		if s.Port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP URL: bad port %q", p)
		}
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if !strings.Contains(from, "@") {
		return nil, fmt.Errorf("the sender address %q is not an e-mail address: set --mail-from", from)
	}
	return s, nil
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = url.User(u.User.Username())
		return u.String()
	}
	return raw
}

// Send delivers m.
func (s *SMTP) Send(ctx context.Context, m store.Mail) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.From); err != nil {
		return fmt.Errorf("sender %q: %w", s.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return permanent{fmt.Errorf("recipient %q: %w", m.To, err)}
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	if m.ListUnsubscribe != "" {
		// RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to
		// the URL, which unsubscribes without a session.
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+m.ListUnsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if m.AttachmentKey != "" {
		if s.Files == nil {
			return permanent{fmt.Errorf("message %d has an attachment but the sender has no file storage", m.ID)}
		}
		f, err := s.Files.Open(ctx, m.AttachmentKey)
		if err != nil {
			return permanent{fmt.Errorf("attachment %s: %w", m.AttachmentKey, err)}
		}
		defer f.Close()
		if err := msg.AttachReader(m.AttachmentName, f); err != nil {
			return fmt.Errorf("attach %s: %w", m.AttachmentKey, err)
		}
	}
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(s.Timeout)}
	switch s.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(s.Username), gomail.WithPassword(s.Password))
	}
	c, err := gomail.NewClient(s.Host, opts...)
	if err != nil {
		return fmt.Errorf("SMTP client for %s: %w", net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		err = fmt.Errorf("send to %s through %s: %w", m.To, s.Host, err)
		var se *gomail.SendError
		if errors.As(err, &se) && se.ErrorCode() > 0 {
			r := &Refused{Code: se.ErrorCode(), err: err}
			if r.Code >= 500 {
				return permanent{r}
			}
			return r
		}
		return err
	}
	return nil
}

// Refused is an SMTP server's refusal of a message: a 4xx reply (tried
// again) or a 5xx one (given up at once). Send reports count them apart
// from failures to reach the server.
type Refused struct {
	Code int
	err  error
}

// refusedPrefix starts the outbox's last error of a refused message, so
// that the store can count refusals (store.NewsletterSendReport).
const refusedPrefix = "smtp "

func (r *Refused) Error() string { return refusedPrefix + strconv.Itoa(r.Code) + ": " + r.err.Error() }

func (r *Refused) Unwrap() error { return r.err }

// permanent marks an error that retrying cannot fix.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// Deliverer empties the outbox.
type Deliverer struct {
	Store  *store.Store
	Sender Sender // nil: keep messages in the local mailbox
	Log    *slog.Logger
}

// Backoff is the wait after each failed attempt; after the last, the
// message is given up as failed.
var Backoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 24 * time.Hour}

// Deliver sends every due message and returns how many were delivered.
func (d *Deliverer) Deliver(ctx context.Context) (int, error) {
	due, err := d.Store.DueMail(ctx, 100)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range due {
		if ok, err := d.Store.ClaimMail(ctx, m.ID); err != nil {
			return sent, err
		} else if !ok {
			continue // another run has it
		}
		if d.Sender == nil {
			d.Log.Info("mail kept in the local mailbox (no SMTP server configured)", "to", m.To, "subject", m.Subject, "kind", m.Kind, "text", m.Text)
			if err := d.Store.MarkMailSent(ctx, m.ID, "local"); err != nil {
				return sent, err
			}
			sent++
			continue
		}
		sendErr := d.Sender.Send(ctx, m)
		if sendErr == nil {
			if err := d.Store.MarkMailSent(ctx, m.ID, "sent"); err != nil {
				return sent, err
			}
			sent++
			continue
		}
		var retryAt time.Time
		if p := (permanent{}); !errors.As(sendErr, &p) && m.Attempts < len(Backoff) {
			retryAt = d.Store.Now().Add(Backoff[m.Attempts])
		}
		d.Log.Warn("mail delivery failed", "to", m.To, "id", m.ID, "attempt", m.Attempts+1, "retry_at", retryAt, "err", sendErr)
		cause := sendErr.Error()
		if r := (*Refused)(nil); errors.As(sendErr, &r) {
			cause = r.Error()
		}
		if err := d.Store.MarkMailFailed(ctx, m.ID, cause, retryAt); err != nil {
			return sent, err
		}
	}
	return sent, nil
}
