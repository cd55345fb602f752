package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// MailingCandidate is a print subscription as an issue's mailing list
// considers it: whether it is mailed is decided by magazine.PrintRun.
type MailingCandidate struct {
	Sub           magazine.Subscription
	CreatedAt     time.Time
	AccountNumber string // imported from a fulfilment house; "" for Masthead's own
	Address       magazine.Address
	Copies        int
	Plan          string
	Extends       int // issues added by holds
}

// EachMailingCandidate calls fn, in mailing order (country, then postal
// code, bytewise), for every subscription to a plan with the print
// edition that was made before at, with the address in force on day and
// no hold covering day. Rows are streamed: memory does not grow with
// the list.
func (s *Store) EachMailingCandidate(ctx context.Context, day, at time.Time, fn func(MailingCandidate) error) error {
	b := s.d.bytewise()
	rows, err := s.db.QueryContext(ctx, s.d.q(`SELECT s.id, s.reader_id, s.status, s.current_period_end, s.grace_until, s.ended_at,
		s.comp, s.created_at, s.print_copies, p.name, COALESCE(pa.account_number, ''),
		a.name, a.line1, a.line2, a.city, a.region, a.postal_code, a.country,
		COALESCE((SELECT SUM(h.extends) FROM delivery_holds h WHERE h.subscription_id = s.id), 0)
		FROM subscriptions s
		JOIN plans p ON p.id = s.plan_id
		JOIN shipping_addresses a ON a.id = (SELECT x.id FROM shipping_addresses x WHERE x.subscription_id = s.id AND x.effective_on <= ?
			ORDER BY x.effective_on DESC, x.id DESC LIMIT 1)
		LEFT JOIN print_accounts pa ON pa.subscription_id = s.id
		WHERE (',' || p.entitlements || ',') LIKE '%,print_edition,%' AND s.status <> 'incomplete' AND s.created_at < ?
			AND NOT EXISTS (SELECT 1 FROM delivery_holds h WHERE h.subscription_id = s.id AND h.starts_on <= ? AND h.ends_on >= ?)
		ORDER BY a.country`+b+`, a.postal_code`+b+`, s.id`), day.Unix(), at.Unix(), day.Unix(), day.Unix())
	if err != nil {
		return fmt.Errorf("read the mailing list of %s: %w", day.Format(magazine.DateLayout), err)
	}
	defer rows.Close()
	for rows.Next() {
		var c MailingCandidate
		var status string
		var end, grace, ended, created int64
		a := &c.Address
		if err := rows.Scan(&c.Sub.ID, &c.Sub.ReaderID, &status, &end, &grace, &ended, &c.Sub.Comp, &created, &c.Copies, &c.Plan,
			&c.AccountNumber, &a.Name, &a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country, &c.Extends); err != nil {
			return fmt.Errorf("scan mailing list row: %w", err)
		}
		c.Sub.Status = magazine.SubStatus(status)
		c.Sub.CurrentPeriodEnd, c.Sub.GraceUntil, c.Sub.EndedAt, c.CreatedAt = unixTime(end), unixTime(grace), unixTime(ended), unixTime(created)
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// MailingSummary is what a mailing list adds up to.
type MailingSummary struct {
	Subscribers int             `json:"subscribers"`
	Copies      int             `json:"copies"`
	Office      int             `json:"office_copies"`
	Archive     int             `json:"archive_copies"`
	Draw        int             `json:"draw"` // copies + office + archive: what the printer prints
	Countries   []CountryCopies `json:"countries"`
}

// CountryCopies is the copies going to one country, and to each of its
// regions.
type CountryCopies struct {
	Country string         `json:"country"`
	Copies  int            `json:"copies"`
	Regions []RegionCopies `json:"regions"`
}

// RegionCopies is the copies going to one region of a country.
type RegionCopies struct {
	Region string `json:"region"`
	Copies int    `json:"copies"`
}

// MailingList is an issue's frozen mailing list: what was first produced
// after its cut-off, kept byte for byte.
type MailingList struct {
	IssueID    int64
	Label      string
	Cutoff     time.Time
	ProducedAt time.Time
	ProducedBy string
	Summary    MailingSummary
	Size       int64
	SHA256     string
}

// mailingChunk is how much of a list's CSV one row of
// mailing_list_chunks holds.
const mailingChunk = 256 << 10

// MailingListOf returns the issue's frozen mailing list.
func (s *Store) MailingListOf(ctx context.Context, issueID int64) (MailingList, error) {
	ml := MailingList{IssueID: issueID}
	var cutoff, produced int64
	var summary string
	err := s.queryRow(ctx, `SELECT label, cutoff, produced_at, produced_by, summary, size, sha256 FROM mailing_lists WHERE issue_id = ?`, issueID).
		Scan(&ml.Label, &cutoff, &produced, &ml.ProducedBy, &summary, &ml.Size, &ml.SHA256)
	if errors.Is(err, sql.ErrNoRows) {
		return ml, notFound("Mailing list")
	} else if err != nil {
		return ml, fmt.Errorf("read the mailing list of issue %d: %w", issueID, err)
	}
	ml.Cutoff, ml.ProducedAt = unixTime(cutoff), unixTime(produced)
	if err := json.Unmarshal([]byte(summary), &ml.Summary); err != nil {
		return ml, fmt.Errorf("decode the summary of issue %d's mailing list: %w", issueID, err)
	}
	return ml, nil
}

// FreezeMailingList keeps the issue's mailing list as write produces it,
// unless it already has one: then that one is returned and write does
// not run. made reports whether this call produced it.
func (s *Store) FreezeMailingList(ctx context.Context, actor Actor, ml MailingList, write func(w io.Writer) (MailingSummary, error)) (out MailingList, made bool, err error) {
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		// Whoever inserts the row produces the list; another process
		// freezing the same issue at once waits for it, then reads it.
		ml.ProducedAt, ml.ProducedBy = s.Now(), actor.Email
		res, err := s.exec(ctx, tx, `INSERT INTO mailing_lists (issue_id, label, cutoff, produced_at, produced_by, summary, size, sha256)
			VALUES (?, ?, ?, ?, ?, '{}', 0, '') ON CONFLICT (issue_id) DO NOTHING`, ml.IssueID, ml.Label, ml.Cutoff.Unix(), ml.ProducedAt.Unix(), ml.ProducedBy)
		if err != nil {
			return fmt.Errorf("record the mailing list of issue %d: %w", ml.IssueID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		cw := &chunkWriter{ctx: ctx, s: s, tx: tx, issueID: ml.IssueID, sum: sha256.New()}
		if ml.Summary, err = write(cw); err != nil {
			return err
		}
		if err := cw.flush(); err != nil {
			return err
		}
		ml.Size, ml.SHA256 = cw.size, hex.EncodeToString(cw.sum.Sum(nil))
		summary, err := json.Marshal(ml.Summary)
		if err != nil {
			return fmt.Errorf("encode the mailing list summary: %w", err)
		}
		if _, err := s.exec(ctx, tx, "UPDATE mailing_lists SET summary = ?, size = ?, sha256 = ? WHERE issue_id = ?",
			string(summary), ml.Size, ml.SHA256, ml.IssueID); err != nil {
			return fmt.Errorf("record the mailing list of issue %d: %w", ml.IssueID, err)
		}
		made = true
		return s.audit(ctx, tx, actor, "mailing_list.freeze", ml.Label,
			fmt.Sprintf("%d subscribers, %d copies, draw %d", ml.Summary.Subscribers, ml.Summary.Copies, ml.Summary.Draw))
	})
	if err != nil {
		return MailingList{}, false, err
	}
	out, err = s.MailingListOf(ctx, ml.IssueID)
	return out, made, err
}

// CopyMailingList writes the frozen CSV of the issue's mailing list to
// w, a chunk at a time.
func (s *Store) CopyMailingList(ctx context.Context, issueID int64, w io.Writer) error {
	rows, err := s.db.QueryContext(ctx, s.d.q("SELECT data FROM mailing_list_chunks WHERE issue_id = ? ORDER BY seq"), issueID)
	if err != nil {
		return fmt.Errorf("read the mailing list of issue %d: %w", issueID, err)
	}
	defer rows.Close()
	var buf []byte
	for rows.Next() {
		if err := rows.Scan(&buf); err != nil {
			return fmt.Errorf("read the mailing list of issue %d: %w", issueID, err)
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return rows.Err()
}

// chunkWriter stores what is written to it as mailing_list_chunks rows.
type chunkWriter struct {
	ctx     context.Context
	s       *Store
	tx      *sql.Tx
	issueID int64
	seq     int
	buf     []byte
	size    int64
	sum     hash.Hash
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	c.sum.Write(p)
	c.size += int64(n)
	for len(p) > 0 {
		k := min(len(p), mailingChunk-len(c.buf))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		if len(c.buf) == mailingChunk {
			if err := c.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	if _, err := c.s.exec(c.ctx, c.tx, "INSERT INTO mailing_list_chunks (issue_id, seq, data) VALUES (?, ?, ?)", c.issueID, c.seq, c.buf); err != nil {
		return fmt.Errorf("store the mailing list of issue %d: %w", c.issueID, err)
	}
	c.seq++
	c.buf = c.buf[:0]
	return nil
}
