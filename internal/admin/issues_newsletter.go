package admin

import (
	"context"
	"net/http"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/newsletter"
	"github.com/masthead-press/masthead/internal/store"
)

// issueNewsletter is the issue page's newsletter block: the send once
// the issue is out, and its report.
type issueNewsletter struct {
	Send   store.NewsletterSend
	Report store.NewsletterReport
	Exists bool
}

func (a *Admin) issueNewsletter(ctx context.Context, issueID int64) (issueNewsletter, error) {
	send, err := a.store.IssueNewsletterSend(ctx, issueID)
	if magazine.IsNotFound(err) {
		return issueNewsletter{}, nil
	} else if err != nil {
		return issueNewsletter{}, err
	}
	rep, err := a.store.NewsletterSendReport(ctx, send.ID)
	if err != nil {
		return issueNewsletter{}, err
	}
	return issueNewsletter{Send: send, Report: rep, Exists: true}, nil
}

// testNewsletter sends the issue's new-issue e-mail to the staff member
// alone, as a subscriber with the edition would get it, so that they can
// look at it before (or after) readers do.
func (a *Admin) testNewsletter(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	s := &newsletter.Sender{Store: a.store, Templates: a.mail, BaseURL: a.baseURL, Log: a.log, Queued: a.mailQueued}
	if err := s.SendTest(r.Context(), issue.ID, me.Staff.Email); err != nil {
		return err
	}
	return done(issue.ID, "newsletter_test")
}
