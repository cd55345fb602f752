package web

import (
	"net/http"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/newsletter"
	"github.com/masthead-press/masthead/internal/store"
)

// newsletterPage answers a signed newsletter link: a message, and for a
// link that changes something, the button that POSTs it.
type newsletterPage struct {
	Page    Page
	Message string
	Form    string // the action of the button; "" for none
	Button  string
}

func (s *Site) renderNewsletter(w http.ResponseWriter, r *http.Request, status int, title string, d newsletterPage) error {
	page, err := s.readerPage(r.Context(), r, title, nil)
	if err != nil {
		return err
	}
	d.Page = page
	private(w)
	return s.render(w, "newsletter", status, page.Pub, d)
}

var newsletterNames = map[string]string{store.NewsletterNewIssue: "the new-issue newsletter", store.NewsletterWeeklyDigest: "the weekly digest"}

// verifyNewsletterLink checks a signed link's query; a link that fails
// gets the plain "not valid" page and changes nothing.
func (s *Site) verifyNewsletterLink(r *http.Request, purpose string) (int64, string, bool, error) {
	secret, err := s.store.NewsletterSecret(r.Context())
	if err != nil {
		return 0, "", false, err
	}
	id, list, ok := newsletter.Verify(secret, purpose, r.URL.Query())
	if ok && newsletterNames[list] == "" {
		ok = false
	}
	return id, list, ok, nil
}

func (s *Site) badNewsletterLink(w http.ResponseWriter, r *http.Request) error {
	return s.renderNewsletter(w, r, http.StatusBadRequest, "This link is not valid", newsletterPage{
		Message: "This link is not valid: it may have been copied incompletely or changed. Nothing was changed. You can choose your newsletters on your account page after signing in."})
}

// unsubscribeForm is where an unsubscribe link leads: it asks for the
// click, because mail scanners follow links and a GET must change
// nothing.
func (s *Site) unsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	_, list, ok, err := s.verifyNewsletterLink(r, "unsubscribe")
	if err != nil {
		return err
	} else if !ok {
		return s.badNewsletterLink(w, r)
	}
	return s.renderNewsletter(w, r, http.StatusOK, "Unsubscribe", newsletterPage{
		Message: "Stop receiving " + newsletterNames[list] + "?",
		Form:    "/newsletters/unsubscribe?" + r.URL.RawQuery, Button: "Unsubscribe"})
}

// unsubscribe is the one-click unsubscribe (RFC 8058): mail clients POST
// List-Unsubscribe=One-Click to the link, with no session and no form
// token, so the signature in the URL is the whole authority.
func (s *Site) unsubscribe(w http.ResponseWriter, r *http.Request) error {
	id, list, ok, err := s.verifyNewsletterLink(r, "unsubscribe")
	if err != nil {
		return err
	} else if !ok {
		return s.badNewsletterLink(w, r)
	}
	if err := s.store.UnsubscribeNewsletter(r.Context(), id, list); err != nil {
		return err
	}
	return s.renderNewsletter(w, r, http.StatusOK, "Unsubscribed", newsletterPage{
		Message: "You will not receive " + newsletterNames[list] + " any more."})
}

// confirmForm is where the double opt-in link leads; the POST confirms.
func (s *Site) confirmForm(w http.ResponseWriter, r *http.Request) error {
	_, list, ok, err := s.verifyNewsletterLink(r, "confirm")
	if err != nil {
		return err
	} else if !ok {
		return s.badNewsletterLink(w, r)
	}
	return s.renderNewsletter(w, r, http.StatusOK, "Confirm your newsletter", newsletterPage{
		Message: "Confirm that you want " + newsletterNames[list] + ".",
		Form:    "/newsletters/confirm?" + r.URL.RawQuery, Button: "Yes, send it to me"})
}

func (s *Site) confirm(w http.ResponseWriter, r *http.Request) error {
	id, list, ok, err := s.verifyNewsletterLink(r, "confirm")
	if err != nil {
		return err
	} else if !ok {
		return s.badNewsletterLink(w, r)
	}
	if err := s.store.ConfirmNewsletter(r.Context(), id, list); magazine.IsNotFound(err) {
		return s.renderNewsletter(w, r, http.StatusGone, "Nothing to confirm", newsletterPage{
			Message: "This newsletter was not asked for, or you unsubscribed since. Choose your newsletters on your account page."})
	} else if err != nil {
		return err
	}
	return s.renderNewsletter(w, r, http.StatusOK, "Confirmed", newsletterPage{
		Message: "Thank you: you will receive " + newsletterNames[list] + "."})
}
