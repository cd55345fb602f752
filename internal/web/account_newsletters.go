package web

import (
	"context"
	"net/http"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/newsletter"
	"github.com/masthead-press/masthead/internal/store"
)

// accountNewsletter is one newsletter's line on /account.
type accountNewsletter struct {
	List, Name, About string
	Choice            store.NewsletterChoice
}

var newsletterAbout = map[string]string{
	store.NewsletterNewIssue:     "An e-mail when each issue comes out: the cover and the contents.",
	store.NewsletterWeeklyDigest: "Once a week, the articles published on the site.",
}

func (s *Site) accountNewsletters(ctx context.Context, readerID int64) ([]accountNewsletter, error) {
	choices, err := s.store.ReaderNewsletters(ctx, readerID)
	if err != nil {
		return nil, err
	}
	var out []accountNewsletter
	for _, list := range store.Newsletters {
		out = append(out, accountNewsletter{List: list, Name: newsletterNames[list], About: newsletterAbout[list], Choice: choices[list]})
	}
	return out, nil
}

// saveNewsletters saves the reader's choice of newsletters. A newsletter
// newly chosen waits for the click on a confirmation link mailed to the
// reader (double opt-in); one unchecked ends at once.
func (s *Site) saveNewsletters(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	choices, err := s.store.ReaderNewsletters(ctx, rs.Reader.ID)
	if err != nil {
		return err
	}
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return err
	}
	secret, err := s.store.NewsletterSecret(ctx)
	if err != nil {
		return err
	}
	asked := false
	for _, list := range store.Newsletters {
		want := r.PostFormValue(list) == "on"
		switch {
		case want && !choices[list].Subscribed:
			if err := s.store.SubscribeNewsletter(ctx, rs.Reader.ID, list, false); err != nil {
				return err
			}
			m, err := s.mail.Render("newsletter_confirm", rs.Reader.Email, map[string]any{"Publication": pub.Name, "Name": rs.Reader.Name,
				"Newsletter": newsletterNames[list], "Link": newsletter.ConfirmURL(s.baseURL, secret, rs.Reader.ID, list)})
			if err != nil {
				return err
			}
			if _, err := s.store.EnqueueMail(ctx, m); err != nil {
				return err
			}
			asked = true
		case !want && choices[list].Subscribed:
			if err := s.store.UnsubscribeNewsletter(ctx, rs.Reader.ID, list); err != nil {
				return err
			}
		}
	}
	if asked && s.mailQueued != nil {
		s.mailQueued(ctx)
	}
	notice := "newsletters"
	if asked {
		notice = "newsletters_confirm"
	}
	return &httpx.Redirect{URL: "/account?" + notice + "=1", Status: http.StatusSeeOther}
}
