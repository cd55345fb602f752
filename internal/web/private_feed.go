package web

import (
	"net/http"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// A reader's private feeds (the podcast, the full-text articles feed) are
// opened by a secret in their URL, which feed readers and podcast apps
// keep in place of a session. Only the secret's hash is stored; a new
// secret replaces the old at once. What a feed carries is decided on
// every request from the reader's subscriptions now, and never cached.

// feedBlock is a private feed's block on the account page.
type feedBlock struct {
	HasFeed bool
	URL     string // shown once, right after it was made
}

// feedOwner is the reader whose private feed of the kind the request's
// secret opens: not found for a malformed, unknown or reset secret.
func (s *Site) feedOwner(r *http.Request, kind store.FeedKind) (int64, string, error) {
	secret := r.PathValue("token")
	if len(secret) != 43 {
		return 0, "", httpx.NotFound
	}
	id, err := s.store.FeedReader(r.Context(), kind, auth.HashToken(secret))
	return id, secret, err
}

// newFeedSecret gives the signed-in reader's private feed of the kind a
// new secret, if their subscription includes what the feed needs, and
// returns it: the caller shows its URL this once.
func (s *Site) newFeedSecret(r *http.Request, kind store.FeedKind, needs magazine.Entitlement, refusal string) (string, error) {
	a, err := s.readerAccess(r)
	if err != nil {
		return "", err
	}
	if a == nil {
		return "", &httpx.Redirect{URL: "/sign-in?return=/account", Status: http.StatusSeeOther}
	}
	if !a.Entitlements[needs] {
		return "", magazine.Errorf(magazine.EINVALID, "%s", refusal)
	}
	secret, hash := auth.NewToken()
	if err := s.store.SetFeedSecret(r.Context(), a.Session.Reader.ID, kind, hash); err != nil {
		return "", err
	}
	return secret, nil
}

// feedBlockFor fills the account page's block of a private feed, for a
// reader whose subscription includes what it needs; nil otherwise.
func (s *Site) feedBlockFor(r *http.Request, readerID int64, kind store.FeedKind, needs magazine.Entitlement, url string) (*feedBlock, error) {
	a, err := s.readerAccess(r)
	if err != nil || a == nil || !a.Entitlements[needs] {
		return nil, err
	}
	has, err := s.store.HasFeed(r.Context(), readerID, kind)
	if err != nil {
		return nil, err
	}
	return &feedBlock{HasFeed: has, URL: url}, nil
}

// textFeedURL is the full-text feed's address for a secret, in Atom; the
// same address ending in feed.rss or feed.json gives the other formats.
func (s *Site) textFeedURL(secret string) string {
	return s.abs("/feeds/" + secret + "/" + feedFormats[atomFeed].file)
}

// textFeed is a subscriber's private full-text feed: the site's feed,
// with every article as far as their subscription reads it now (the
// archive window included). Once no subscription gives subscriber
// content the feed has ended: 403, and no item.
func (s *Site) textFeed(format feedFormat) httpx.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		private(w)
		id, _, err := s.feedOwner(r, store.FeedArticles)
		if err != nil {
			return err
		}
		v, err := s.readerViewer(r, id)
		if err != nil {
			return err
		}
		if !v.Has(magazine.EntSubscriberContent) {
			return forbidden(w, "This feed belonged to a subscription that has ended. Subscribe again, then make a new feed address on your account page.")
		}
		ctx := r.Context()
		pub, err := s.store.Publication(ctx)
		if err != nil {
			return err
		}
		list, _, err := s.store.Articles(ctx, store.ArticleFilter{Limit: feedArticles, WithBody: true})
		if err != nil {
			return err
		}
		sc := feedScope{Title: pub.Name + " (full text)", Description: "Every article as your subscription reads it: a private feed for one subscriber. Keep its address to yourself.", Path: "/"}
		return s.writeFeed(w, format, pub, sc, s.abs(r.URL.Path), v, list)
	}
}

// makeTextFeed gives the reader a full-text feed with a new secret, or a
// new secret for the one they have (the old URL stops at once), and shows
// its URL this once.
func (s *Site) makeTextFeed(w http.ResponseWriter, r *http.Request) error {
	secret, err := s.newFeedSecret(r, store.FeedArticles, magazine.EntSubscriberContent, "A full-text feed comes with a subscription.")
	if err != nil {
		return err
	}
	return s.renderAccount(w, r, http.StatusOK, accountPage{Notice: "Your private full-text feed is below. Add it to your feed reader now: for your privacy it is not shown again (make a new one any time).",
		TextFeedURL: s.textFeedURL(secret)})
}
