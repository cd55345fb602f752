// Package newsletter sends the magazine's newsletters: the new-issue
// e-mail when an issue is published, to every reader who asked for it and
// confirmed (double opt-in). Each reader's message is claimed and written
// to the outbox in one transaction, in batches at a configured rate, so a
// sender killed midway and started again sends each reader one copy; the
// outbox (mail.Deliverer) delivers them.
package newsletter

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/store"
)

// DefaultBatch is how many messages are queued in one transaction.
const DefaultBatch = 500

// Sender queues newsletters into the outbox.
type Sender struct {
	Store     *store.Store
	Templates *mail.Templates
	BaseURL   string // scheme and host of the public site
	Log       *slog.Logger
	// Batch is how many messages go into the outbox per transaction;
	// DefaultBatch when zero.
	Batch int
	// Rate bounds how many messages per second are queued (and so
	// delivered); 0 queues as fast as the database allows.
	Rate float64
	// Queued, if set, is called after each batch (the job queue delivers
	// the outbox at once).
	Queued func(ctx context.Context)
	// Now is the clock for entitlements; the store's clock when nil.
	Now func() time.Time

	running sync.Mutex // one Run at a time in a process; the claims guard across processes
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return s.Store.Now()
}

// Run starts the new-issue send of every issue published since the last
// run and continues every send a stopped process left unfinished. It
// returns how many messages it queued.
func (s *Sender) Run(ctx context.Context) (int, error) {
	if !s.running.TryLock() {
		return 0, nil // the run under way will see what this one would
	}
	defer s.running.Unlock()
	if err := s.Store.StartDigest(ctx, digestWeek(s.now())); err != nil {
		return 0, err
	}
	sends, err := s.Store.StartIssueNewsletters(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, send := range sends {
		n, err := s.send(ctx, send)
		total += n
		if err != nil {
			return total, fmt.Errorf("newsletter send %d (%s %d%s): %w", send.ID, send.Newsletter, send.IssueID, send.Period, err)
		}
	}
	return total, nil
}

// issueMail is what the new-issue templates are given.
type issueMail struct {
	Publication string
	Name        string
	Issue       magazine.Issue
	IssueURL    string
	CoverURL    string
	Contents    []contentsItem
	// ReadURL and EPUBURL are set only for a reader who may read the
	// edition (magazine.CanReadEdition).
	ReadURL, EPUBURL string
	SubscribeURL     string
	UnsubscribeURL   string
	AccountURL       string
	Test             bool
}

type contentsItem struct {
	Title, Dek, URL, Section string
}

// issueContent is what every message of an issue's send shares.
type issueContent struct {
	pub      string
	issue    magazine.Issue
	contents []contentsItem
}

// content reads an issue and its published contents; drafts too for a
// staff test before the issue is out.
func (s *Sender) content(ctx context.Context, issueID int64, drafts bool) (issueContent, error) {
	pub, err := s.Store.Publication(ctx)
	if err != nil {
		return issueContent{}, err
	}
	issue, err := s.Store.IssueByID(ctx, issueID)
	if err != nil {
		return issueContent{}, err
	}
	list := s.Store.IssueArticles
	if drafts {
		list = s.Store.IssueContents
	}
	arts, err := list(ctx, issueID)
	if err != nil {
		return issueContent{}, err
	}
	c := issueContent{pub: pub.Name, issue: issue}
	for _, a := range arts {
		// Title and dek only: they are what the public issue page shows
		// every visitor. No body text ever goes into a newsletter.
		c.contents = append(c.contents, contentsItem{Title: a.Headline, Dek: a.Dek, Section: a.Section.Name, URL: s.BaseURL + "/articles/" + a.Slug})
	}
	return c, nil
}

func (s *Sender) render(ctx context.Context, c issueContent, r store.Reader, v magazine.Viewer, secret []byte, test bool) (store.Mail, error) {
	issuePath := "/issues/" + strconv.Itoa(c.issue.Volume) + "/" + strconv.Itoa(c.issue.Number)
	d := issueMail{Publication: c.pub, Name: r.Name, Issue: c.issue, IssueURL: s.BaseURL + issuePath, Contents: c.contents,
		SubscribeURL: s.BaseURL + "/subscribe", AccountURL: s.BaseURL + "/account", Test: test}
	if !test {
		d.UnsubscribeURL = UnsubscribeURL(s.BaseURL, secret, r.ID, store.NewsletterNewIssue)
	}
	if c.issue.CoverURL != "" {
		d.CoverURL = c.issue.CoverURL
		if u, err := url.Parse(d.CoverURL); err == nil && !u.IsAbs() {
			d.CoverURL = s.BaseURL + d.CoverURL
		}
	}
	if magazine.CanReadEdition(v, c.issue) {
		d.ReadURL = s.BaseURL + issuePath + "/read"
		d.EPUBURL = s.BaseURL + issuePath + "/download/epub"
	}
	m, err := s.Templates.Render("new_issue", r.Email, d)
	if err != nil {
		return m, err
	}
	m.ListUnsubscribe = d.UnsubscribeURL
	return m, nil
}

// letter makes one send's message to a reader.
type letter func(r store.Reader, v magazine.Viewer) (store.Mail, error)

// letterFor returns how a send's messages are made; nil when it has
// nothing to say (a digest of a week without articles).
func (s *Sender) letterFor(ctx context.Context, send store.NewsletterSend, secret []byte) (letter, error) {
	if send.Newsletter == store.NewsletterWeeklyDigest {
		return s.digestLetter(ctx, send, secret)
	}
	c, err := s.content(ctx, send.IssueID, false)
	if err != nil {
		return nil, err
	}
	return func(r store.Reader, v magazine.Viewer) (store.Mail, error) {
		m, err := s.render(ctx, c, r, v, secret, false)
		m.Kind = "newsletter_new_issue"
		return m, err
	}, nil
}

// send queues the messages of one send not yet queued, batch by batch,
// and marks it done when every recipient is claimed.
func (s *Sender) send(ctx context.Context, send store.NewsletterSend) (int, error) {
	secret, err := s.Store.NewsletterSecret(ctx)
	if err != nil {
		return 0, err
	}
	write, err := s.letterFor(ctx, send, secret)
	if err != nil {
		return 0, err
	}
	if write == nil {
		return 0, s.Store.SkipNewsletterSend(ctx, send.ID)
	}
	batch := s.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	total, after := 0, int64(0)
	for {
		start := time.Now()
		readers, err := s.Store.NewsletterRecipients(ctx, send, after, batch)
		if err != nil {
			return total, err
		}
		if len(readers) == 0 {
			break
		}
		ids := make([]int64, len(readers))
		for i, r := range readers {
			ids[i] = r.ID
		}
		ents, err := s.Store.NewsletterEntitlements(ctx, ids, s.now())
		if err != nil {
			return total, err
		}
		msgs := make([]store.NewsletterMail, 0, len(readers))
		for _, r := range readers {
			m, err := write(r, magazine.Viewer{Registered: true, Entitlements: ents[r.ID]})
			if err != nil {
				return total, err
			}
			msgs = append(msgs, store.NewsletterMail{ReaderID: r.ID, Mail: m})
		}
		after = readers[len(readers)-1].ID
		n, err := s.Store.QueueNewsletterMail(ctx, send.ID, msgs)
		total += n
		if err != nil {
			return total, err
		}
		if s.Queued != nil {
			s.Queued(ctx)
		}
		if s.Rate > 0 {
			wait := time.Duration(float64(len(readers))/s.Rate*float64(time.Second)) - time.Since(start)
			select {
			case <-ctx.Done():
				return total, ctx.Err()
			case <-time.After(wait):
			}
		}
	}
	if s.Log != nil {
		s.Log.Info("newsletter queued", "send", send.ID, "newsletter", send.Newsletter, "issue", send.IssueID, "period", send.Period, "messages", total)
	}
	return total, s.Store.FinishNewsletterSend(ctx, send.ID)
}

// SendTest queues an issue's new-issue message to one staff address, as
// an entitled reader would see it (the edition links included), marked
// as a test. It is not counted in the send.
func (s *Sender) SendTest(ctx context.Context, issueID int64, to string) error {
	c, err := s.content(ctx, issueID, true)
	if err != nil {
		return err
	}
	// A staff viewer: the edition links show even before the issue is
	// out. A test has no list to leave, so no unsubscribe link.
	m, err := s.render(ctx, c, store.Reader{Email: to}, magazine.Viewer{Staff: true}, nil, true)
	if err != nil {
		return err
	}
	m.Kind = "newsletter_test"
	if _, err := s.Store.EnqueueMail(ctx, m); err != nil {
		return err
	}
	if s.Queued != nil {
		s.Queued(ctx)
	}
	return nil
}

func sign(secret []byte, purpose string, readerID int64, list string) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "newsletter/%s/%d/%s", purpose, readerID, list)
	return hex.EncodeToString(m.Sum(nil))
}

// UnsubscribeURL is a reader's one-click unsubscribe link for a
// newsletter. It does not expire: an unsubscribe link must work for as
// long as the message is in someone's inbox.
func UnsubscribeURL(baseURL string, secret []byte, readerID int64, list string) string {
	q := url.Values{"reader": {strconv.FormatInt(readerID, 10)}, "list": {list}, "sig": {sign(secret, "unsubscribe", readerID, list)}}
	return baseURL + "/newsletters/unsubscribe?" + q.Encode()
}

// ConfirmURL is the double opt-in link mailed to a reader who asked for a
// newsletter.
func ConfirmURL(baseURL string, secret []byte, readerID int64, list string) string {
	q := url.Values{"reader": {strconv.FormatInt(readerID, 10)}, "list": {list}, "sig": {sign(secret, "confirm", readerID, list)}}
	return baseURL + "/newsletters/confirm?" + q.Encode()
}

// Verify checks a signed link's query for purpose ("unsubscribe" or
// "confirm") and returns its reader and newsletter.
func Verify(secret []byte, purpose string, q url.Values) (readerID int64, list string, ok bool) {
	readerID, err := strconv.ParseInt(q.Get("reader"), 10, 64)
	list = q.Get("list")
	if err != nil || readerID < 1 || list == "" {
		return 0, "", false
	}
	want := sign(secret, purpose, readerID, list)
	if !hmac.Equal([]byte(want), []byte(q.Get("sig"))) {
		return 0, "", false
	}
	return readerID, list, true
}
