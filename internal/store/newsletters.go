package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// The newsletters a reader may choose.
const (
	NewsletterNewIssue     = "new_issue"
	NewsletterWeeklyDigest = "weekly_digest"
)

// Newsletters lists every newsletter, in the order /account shows them.
var Newsletters = []string{NewsletterNewIssue, NewsletterWeeklyDigest}

func validNewsletter(list string) error {
	for _, n := range Newsletters {
		if n == list {
			return nil
		}
	}
	return magazine.FieldError("newsletter", "There is no such newsletter.")
}

// NewsletterSecret returns this installation's key for signing
// unsubscribe and confirmation links, made on first use.
func (s *Store) NewsletterSecret(ctx context.Context) ([]byte, error) {
	return s.secret(ctx, "newsletter_secret")
}

// SubscribeNewsletter records that a reader wants a newsletter. Unless
// confirmed, the choice waits for the reader's click on the confirmation
// link (ConfirmNewsletter) and no newsletter goes out before it. A
// confirmed choice stays confirmed.
func (s *Store) SubscribeNewsletter(ctx context.Context, readerID int64, list string, confirmed bool) error {
	if err := validNewsletter(list); err != nil {
		return err
	}
	now := s.Now().Unix()
	at := int64(0)
	if confirmed {
		at = now
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO newsletter_subscriptions (reader_id, newsletter, confirmed_at, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (reader_id, newsletter) DO UPDATE SET confirmed_at = CASE WHEN newsletter_subscriptions.confirmed_at > 0 THEN newsletter_subscriptions.confirmed_at ELSE excluded.confirmed_at END`,
			readerID, list, at, now)
		if err != nil {
			return fmt.Errorf("subscribe reader %d to %s: %w", readerID, list, err)
		}
		return nil
	})
}

// ConfirmNewsletter confirms a reader's pending choice of a newsletter.
// Not found: the reader did not ask for it (or unsubscribed since).
func (s *Store) ConfirmNewsletter(ctx context.Context, readerID int64, list string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE newsletter_subscriptions SET confirmed_at = ? WHERE reader_id = ? AND newsletter = ? AND confirmed_at = 0`,
			s.Now().Unix(), readerID, list)
		if err != nil {
			return fmt.Errorf("confirm %s for reader %d: %w", list, readerID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var at int64
			err := tx.QueryRowContext(ctx, s.d.q("SELECT confirmed_at FROM newsletter_subscriptions WHERE reader_id = ? AND newsletter = ?"), readerID, list).Scan(&at)
			if err != nil {
				return notFound("Newsletter subscription")
			}
		}
		return nil
	})
}

// UnsubscribeNewsletter ends a reader's newsletter; it is not an error
// when the reader did not have it.
func (s *Store) UnsubscribeNewsletter(ctx context.Context, readerID int64, list string) error {
	if err := validNewsletter(list); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "DELETE FROM newsletter_subscriptions WHERE reader_id = ? AND newsletter = ?", readerID, list); err != nil {
			return fmt.Errorf("unsubscribe reader %d from %s: %w", readerID, list, err)
		}
		return nil
	})
}

// NewsletterChoice is a reader's standing with one newsletter.
type NewsletterChoice struct {
	Subscribed bool // asked for it
	Confirmed  bool // and clicked the confirmation link
}

// ReaderNewsletters returns a reader's choices, by newsletter.
func (s *Store) ReaderNewsletters(ctx context.Context, readerID int64) (map[string]NewsletterChoice, error) {
	rows, err := s.query(ctx, "SELECT newsletter, confirmed_at FROM newsletter_subscriptions WHERE reader_id = ?", readerID)
	if err != nil {
		return nil, fmt.Errorf("read the newsletters of reader %d: %w", readerID, err)
	}
	defer rows.Close()
	out := map[string]NewsletterChoice{}
	for rows.Next() {
		var list string
		var at int64
		if err := rows.Scan(&list, &at); err != nil {
			return nil, fmt.Errorf("scan newsletter choice: %w", err)
		}
		out[list] = NewsletterChoice{Subscribed: true, Confirmed: at > 0}
	}
	return out, rows.Err()
}

// NewsletterSend is one sending of a newsletter.
type NewsletterSend struct {
	ID         int64
	Newsletter string
	IssueID    int64  // the new-issue newsletter's issue; 0 for a digest
	Period     string // the digest's week, e.g. 2026-W18; "" for an issue
	Status     string // sending, done, skipped
	CreatedAt  time.Time
	FinishedAt time.Time
}

const sendCols = "id, newsletter, COALESCE(issue_id, 0), period, status, created_at, finished_at"

func scanSend(row scanner) (NewsletterSend, error) {
	var n NewsletterSend
	var created, finished int64
	err := row.Scan(&n.ID, &n.Newsletter, &n.IssueID, &n.Period, &n.Status, &created, &finished)
	n.CreatedAt, n.FinishedAt = unixTime(created), unixTime(finished)
	return n, err
}

// StartIssueNewsletters makes a new-issue send for every published issue
// that has none, and returns every send not yet finished (those just made
// and those a stopped process left midway), oldest first.
func (s *Store) StartIssueNewsletters(ctx context.Context) ([]NewsletterSend, error) {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO newsletter_sends (newsletter, issue_id, status, created_at)
			SELECT ?, i.id, 'sending', ? FROM issues i WHERE i.published
			AND NOT EXISTS (SELECT 1 FROM newsletter_sends n WHERE n.newsletter = ? AND n.issue_id = i.id)
			ON CONFLICT (newsletter, issue_id) DO NOTHING`, NewsletterNewIssue, s.Now().Unix(), NewsletterNewIssue)
		if err != nil {
			return fmt.Errorf("start new-issue newsletters: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, "SELECT "+sendCols+" FROM newsletter_sends WHERE status = 'sending' ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("read unfinished newsletter sends: %w", err)
	}
	defer rows.Close()
	var out []NewsletterSend
	for rows.Next() {
		n, err := scanSend(rows)
		if err != nil {
			return nil, fmt.Errorf("scan newsletter send: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// StartDigest makes the weekly digest's send for period (a week such as
// 2026-W18) unless it exists; StartIssueNewsletters then returns it until
// it is finished.
func (s *Store) StartDigest(ctx context.Context, period string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO newsletter_sends (newsletter, period, status, created_at) VALUES (?, ?, 'sending', ?)
			ON CONFLICT DO NOTHING`, NewsletterWeeklyDigest, period, s.Now().Unix())
		if err != nil {
			return fmt.Errorf("start the weekly digest of %s: %w", period, err)
		}
		return nil
	})
}

// DigestArticles returns the published web-only articles (in no issue)
// published in [from, to), newest first, up to limit.
func (s *Store) DigestArticles(ctx context.Context, from, to time.Time, limit int) ([]magazine.Article, error) {
	return s.articleList(ctx, "SELECT "+articleSummaryCols+` FROM articles a JOIN sections s ON s.id = a.section_id
		WHERE a.issue_id IS NULL AND a.status = 'published' AND a.published_at >= ? AND a.published_at < ?
		ORDER BY a.published_at DESC, a.id DESC LIMIT ?`, from.Unix(), to.Unix(), limit)
}

// SkipNewsletterSend marks a send that had nothing to send.
func (s *Store) SkipNewsletterSend(ctx context.Context, sendID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "UPDATE newsletter_sends SET status = 'skipped', finished_at = ? WHERE id = ? AND status = 'sending'", s.Now().Unix(), sendID); err != nil {
			return fmt.Errorf("skip newsletter send %d: %w", sendID, err)
		}
		return nil
	})
}

// IssueNewsletterSend returns the new-issue send of an issue.
func (s *Store) IssueNewsletterSend(ctx context.Context, issueID int64) (NewsletterSend, error) {
	n, err := scanSend(s.queryRow(ctx, "SELECT "+sendCols+" FROM newsletter_sends WHERE newsletter = ? AND issue_id = ?", NewsletterNewIssue, issueID))
	if err == sql.ErrNoRows {
		return n, notFound("Newsletter send")
	} else if err != nil {
		return n, fmt.Errorf("read the newsletter of issue %d: %w", issueID, err)
	}
	return n, nil
}

// NewsletterRecipients returns up to limit readers of a send's newsletter
// who confirmed it and were not yet claimed for the send, with ids above
// after, by id.
func (s *Store) NewsletterRecipients(ctx context.Context, send NewsletterSend, after int64, limit int) ([]Reader, error) {
	rows, err := s.query(ctx, "SELECT "+prefixCols("r.", readerCols)+` FROM newsletter_subscriptions ns
		JOIN readers r ON r.id = ns.reader_id
		WHERE ns.newsletter = ? AND ns.confirmed_at > 0 AND ns.reader_id > ? AND r.deleted_at = 0
		AND NOT EXISTS (SELECT 1 FROM newsletter_deliveries d WHERE d.send_id = ? AND d.reader_id = r.id)
		ORDER BY ns.reader_id LIMIT ?`, send.Newsletter, after, send.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("read the recipients of newsletter send %d: %w", send.ID, err)
	}
	defer rows.Close()
	var out []Reader
	for rows.Next() {
		r, err := scanReader(rows)
		if err != nil {
			return nil, fmt.Errorf("scan reader: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// NewsletterMail is one reader's message of a send.
type NewsletterMail struct {
	ReaderID int64
	Mail     Mail
}

// QueueNewsletterMail claims each reader for the send and writes their
// message to the outbox, in one transaction: a reader already claimed (by
// a run that was killed after committing, or by a run beside this one) is
// skipped, so each reader gets at most one message per send. It returns
// how many messages it queued.
func (s *Store) QueueNewsletterMail(ctx context.Context, sendID int64, batch []NewsletterMail) (int, error) {
	queued := 0
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		queued = 0
		for _, m := range batch {
			res, err := s.exec(ctx, tx, "INSERT INTO newsletter_deliveries (send_id, reader_id) VALUES (?, ?) ON CONFLICT (send_id, reader_id) DO NOTHING", sendID, m.ReaderID)
			if err != nil {
				return fmt.Errorf("claim reader %d for newsletter send %d: %w", m.ReaderID, sendID, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				continue
			}
			id, err := s.EnqueueMailTx(ctx, tx, m.Mail)
			if err != nil {
				return err
			}
			if _, err := s.exec(ctx, tx, "UPDATE newsletter_deliveries SET mail_id = ? WHERE send_id = ? AND reader_id = ?", id, sendID, m.ReaderID); err != nil {
				return fmt.Errorf("record the message of reader %d: %w", m.ReaderID, err)
			}
			queued++
		}
		return nil
	})
	return queued, err
}

// FinishNewsletterSend marks a send done: every recipient was claimed.
func (s *Store) FinishNewsletterSend(ctx context.Context, sendID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "UPDATE newsletter_sends SET status = 'done', finished_at = ? WHERE id = ? AND status = 'sending'", s.Now().Unix(), sendID); err != nil {
			return fmt.Errorf("finish newsletter send %d: %w", sendID, err)
		}
		return nil
	})
}

// NewsletterReport counts the messages of a send by how their delivery
// went.
type NewsletterReport struct {
	Queued  int // in the outbox, not yet delivered
	Sent    int // accepted by the SMTP server (or kept in the local mailbox)
	Failed  int // given up after the last retry, the server never refused them
	Refused int // given up because the SMTP server refused them
}

// Total is every message of the send.
func (r NewsletterReport) Total() int { return r.Queued + r.Sent + r.Failed + r.Refused }

// NewsletterSendReport counts the messages of a send. A refusal is a
// failure whose last error is an SMTP reply (mail.Deliverer records those
// with the "smtp " prefix).
func (s *Store) NewsletterSendReport(ctx context.Context, sendID int64) (NewsletterReport, error) {
	rows, err := s.query(ctx, `SELECT m.status, m.last_error LIKE 'smtp %', COUNT(*) FROM newsletter_deliveries d
		JOIN mail_outbox m ON m.id = d.mail_id WHERE d.send_id = ? GROUP BY m.status, m.last_error LIKE 'smtp %'`, sendID)
	if err != nil {
		return NewsletterReport{}, fmt.Errorf("count the messages of newsletter send %d: %w", sendID, err)
	}
	defer rows.Close()
	var r NewsletterReport
	for rows.Next() {
		var status string
		var smtp bool
		var n int
		if err := rows.Scan(&status, &smtp, &n); err != nil {
			return r, fmt.Errorf("scan newsletter report: %w", err)
		}
		switch {
		case status == "sent" || status == "local":
			r.Sent += n
		case status == "failed" && smtp:
			r.Refused += n
		case status == "failed":
			r.Failed += n
		default:
			r.Queued += n
		}
	}
	return r, rows.Err()
}

// NewsletterEntitlements returns what each reader's subscriptions give at
// now (as ReaderEntitlements does for one), for a batch of recipients in
// one query; a reader with none is absent.
func (s *Store) NewsletterEntitlements(ctx context.Context, readerIDs []int64, now time.Time) (map[int64]map[magazine.Entitlement]bool, error) {
	out := map[int64]map[magazine.Entitlement]bool{}
	if len(readerIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(readerIDs))
	for i, id := range readerIDs {
		args[i] = id
	}
	rows, err := s.query(ctx, `SELECT `+prefixCols("s.", subCols)+`, p.entitlements FROM subscriptions s
		JOIN plans p ON p.id = s.plan_id
		WHERE s.status IN ('trialing', 'active', 'past_due') AND s.reader_id IN (?`+strings.Repeat(", ?", len(readerIDs)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read the entitlements of %d readers: %w", len(readerIDs), err)
	}
	defer rows.Close()
	for rows.Next() {
		var ents string
		sub, err := scanSubscription(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &ents)...) }))
		if err != nil {
			return nil, fmt.Errorf("scan subscription: %w", err)
		}
		if !sub.GrantsAccess(now) {
			continue
		}
		if out[sub.ReaderID] == nil {
			out[sub.ReaderID] = map[magazine.Entitlement]bool{}
		}
		for _, e := range splitEntitlements(ents) {
			out[sub.ReaderID][e] = true
		}
	}
	return out, rows.Err()
}
