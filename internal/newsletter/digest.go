package newsletter

import (
	"context"
	"fmt"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// digestMax bounds the articles of one digest.
const digestMax = 30

// digestWeek names the last whole ISO week (Monday to Monday, UTC)
// before now, e.g. 2026-W18: the week its digest covers.
func digestWeek(now time.Time) string {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	y, w := day.AddDate(0, 0, -7).ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

// digestMail is what the weekly digest's templates are given.
type digestMail struct {
	Publication    string
	Name           string
	Week           string // "27 April to 3 May 2026"
	Articles       []contentsItem
	SubscribeURL   string
	UnsubscribeURL string
	AccountURL     string
}

// digestLetter makes the weekly digest: the headlines and deks of the web
// articles published in the week (what any visitor sees on the site), for
// registered readers who asked for it. A week without articles sends
// nothing.
func (s *Sender) digestLetter(ctx context.Context, send store.NewsletterSend, secret []byte) (letter, error) {
	var y, w int
	if _, err := fmt.Sscanf(send.Period, "%d-W%d", &y, &w); err != nil {
		return nil, fmt.Errorf("digest period %q: %w", send.Period, err)
	}
	// The Monday of ISO week w of year y: January 4th is always in week 1.
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	from := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(w-1)*7)
	to := from.AddDate(0, 0, 7)
	arts, err := s.Store.DigestArticles(ctx, from, to, digestMax)
	if err != nil || len(arts) == 0 {
		return nil, err
	}
	pub, err := s.Store.Publication(ctx)
	if err != nil {
		return nil, err
	}
	var items []contentsItem
	for _, a := range arts {
		items = append(items, contentsItem{Title: a.Headline, Dek: a.Dek, Section: a.Section.Name, URL: s.BaseURL + "/articles/" + a.Slug})
	}
	label := from.Format("2 January") + " to " + to.AddDate(0, 0, -1).Format("2 January 2006")
	return func(r store.Reader, _ magazine.Viewer) (store.Mail, error) {
		d := digestMail{Publication: pub.Name, Name: r.Name, Week: label, Articles: items,
			SubscribeURL: s.BaseURL + "/subscribe", AccountURL: s.BaseURL + "/account",
			UnsubscribeURL: UnsubscribeURL(s.BaseURL, secret, r.ID, store.NewsletterWeeklyDigest)}
		m, err := s.Templates.Render("weekly_digest", r.Email, d)
		m.Kind, m.ListUnsubscribe = "newsletter_weekly_digest", d.UnsubscribeURL
		return m, err
	}, nil
}
